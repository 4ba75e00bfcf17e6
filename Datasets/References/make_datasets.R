# make_datasets.R -- export the five public teaching datasets bundled with osstats.
#
# Writes Datasets/aml.csv, Datasets/gehan.csv, Datasets/lung.csv,
# Datasets/veteran.csv and Datasets/ovarian.csv from the copies shipped in the
# R packages survival and MASS. Column names and column order are R's. The only
# change to any value is in lung.csv, where status is recoded from R's
# 1 = censored / 2 = dead to 0 = censored / 1 = dead. Factors are written as
# their labels; missing values are written as empty cells; fields are not
# quoted (the script checks that no field needs quoting).
#
# Run from the repository root:
#     Rscript Datasets/References/make_datasets.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# MASS 7.3-58.2, jsonlite 1.8.4 (jsonlite is not used by this script).

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(MASS)
})

out_dir <- "Datasets"
if (!dir.exists(out_dir) || !dir.exists(file.path(out_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

# Turn factors into character vectors; leave everything else alone.
defactor <- function(df) {
  for (nm in names(df)) {
    if (is.factor(df[[nm]])) df[[nm]] <- as.character(df[[nm]])
  }
  df
}

# Take local copies of the datasets (survival exports them lazily, MASS::gehan
# likewise), converting factors to their labels.
aml_df     <- defactor(survival::aml)
gehan_df   <- defactor(MASS::gehan)
lung_df    <- defactor(survival::lung)
veteran_df <- defactor(survival::veteran)
ovarian_df <- defactor(survival::ovarian)

stopifnot(all(lung_df$status %in% c(1, 2)))
lung_df$status <- lung_df$status - 1   # 0 = censored, 1 = dead

datasets <- list(
  aml     = aml_df,
  gehan   = gehan_df,
  lung    = lung_df,
  veteran = veteran_df,
  ovarian = ovarian_df
)

for (name in names(datasets)) {
  df <- datasets[[name]]
  path <- file.path(out_dir, paste0(name, ".csv"))

  # Nothing may need quoting, since fields are written unquoted.
  chr <- vapply(df, is.character, logical(1))
  for (nm in c(names(df), unlist(df[chr]))) {
    if (!is.na(nm) && grepl("[,\"\r\n]", nm)) stop("field needs quoting: ", nm)
  }

  write.csv(df, path, row.names = FALSE, na = "", quote = FALSE)

  # Read the file back and insist that every value survived exactly.
  back <- read.csv(path, stringsAsFactors = FALSE, na.strings = "")
  stopifnot(identical(names(back), names(df)), nrow(back) == nrow(df))
  for (nm in names(df)) {
    a <- df[[nm]]
    b <- back[[nm]]
    same <- if (is.character(a)) identical(a, b) else identical(as.double(a), as.double(b))
    if (!same) stop(sprintf("%s: column %s does not round-trip", path, nm))
  }
  # Integer-valued columns must not carry decimals in the file.
  txt <- readLines(path)
  for (nm in names(df)) {
    a <- df[[nm]]
    if (is.numeric(a) && all(is.na(a) | a == round(a))) {
      col <- vapply(strsplit(txt[-1], ",", fixed = TRUE),
                    function(f) if (length(f) >= match(nm, names(df))) f[match(nm, names(df))] else "",
                    character(1))
      if (any(grepl("[.eE]", col))) stop(sprintf("%s: column %s written with decimals", path, nm))
    }
  }
  cat(sprintf("wrote %-22s %4d rows, %2d columns\n", path, nrow(df), ncol(df)))
}
