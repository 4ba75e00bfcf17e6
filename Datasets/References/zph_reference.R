# zph_reference.R -- proportional-hazards test reference values for the osstats Swift tests.
#
# Fits Cox models with survival::coxph on the bundled datasets (Datasets/*.csv)
# and runs survival::cox.zph on each fit for every built-in transform (km,
# rank, identity, log). survival 3.x computes the exact score test for the
# time-by-covariate interaction g(t) x (Therneau, noweb/zph.Rnw), not the
# older approximation of Grambsch & Therneau (1994). For each case the JSON
# records the data file and the columns used, the tie method, and for each
# transform the rows of cox.zph's table (one per term, then GLOBAL) with
# chisq, df and p; the coefficients are recorded as a diagnostic.
#
# Text covariates become factors whose levels are sorted in the C locale, so
# the first (reference) level is the one osstats chooses: "adeno" for
# veteran$celltype, "6-MP" for gehan$treat, "Maintained" for aml$x. Rows
# missing any variable of a model are dropped (na.omit), as osstats does.
#
# Besides the cases asked for (aml Efron and Breslow, lung, veteran, ovarian,
# gehan, lung stratified by ph.ecog) the file holds cases that exercise the
# other paths of cox.zph: Breslow ties on lung; case weights (veteran
# weighted by karno / 100, recorded as "weights" and "weight_divisor": the
# weights enter the risk sets and the score, while the km transform, as in R,
# uses the unweighted pooled Kaplan-Meier); counting-process data from
# survSplit (lung cut at fixed times, recorded as "split"); and delayed entry
# (ovarian, each subject entering at a quarter of its own follow-up time,
# recorded as "entry_fraction").
#
# Run from the repository root (after make_datasets.R):
#     Rscript Datasets/References/zph_reference.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# jsonlite 1.8.4. The versions actually used are also recorded in the JSON
# under "versions". The output contains no timestamps, so running the script
# twice gives byte-identical files.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "zph_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

transforms <- c("km", "rank", "identity", "log")

specs <- list(
  list(name = "aml_efron", file = "aml.csv", time = "time", event = "status",
       covariates = c("x"), ties = "efron"),
  list(name = "aml_breslow", file = "aml.csv", time = "time", event = "status",
       covariates = c("x"), ties = "breslow"),
  list(name = "lung", file = "lung.csv", time = "time", event = "status",
       covariates = c("sex", "age", "ph.ecog"), ties = "efron"),
  list(name = "lung_breslow", file = "lung.csv", time = "time", event = "status",
       covariates = c("sex", "age", "ph.ecog"), ties = "breslow"),
  list(name = "veteran", file = "veteran.csv", time = "time", event = "status",
       covariates = c("trt", "celltype", "karno", "diagtime", "age", "prior"), ties = "efron"),
  list(name = "ovarian", file = "ovarian.csv", time = "futime", event = "fustat",
       covariates = c("rx", "age"), ties = "efron"),
  list(name = "gehan", file = "gehan.csv", time = "time", event = "cens",
       covariates = c("treat"), ties = "efron"),
  list(name = "lung_strata", file = "lung.csv", time = "time", event = "status",
       covariates = c("sex", "age"), strata = c("ph.ecog"), ties = "efron"),
  list(name = "veteran_weighted", file = "veteran.csv", time = "time", event = "status",
       covariates = c("trt", "celltype", "age"), weights = "karno", weight_divisor = 100,
       ties = "efron"),
  list(name = "lung_split", file = "lung.csv", time = "time", event = "status",
       covariates = c("sex", "age", "ph.ecog"), ties = "efron", split = c(100, 200, 300, 500)),
  list(name = "ovarian_entry", file = "ovarian.csv", time = "futime", event = "fustat",
       covariates = c("rx", "age"), ties = "efron", entry_fraction = 0.25)
)

# ---------------------------------------------------------------- helpers --

clean <- function(x) {
  x <- as.double(x)
  x[!is.finite(x)] <- NA
  unname(x)
}
arr <- function(x) I(clean(x))
strs <- function(x) I(as.character(x))

# The analysis data of one case: numeric columns as read, text columns as
# factors with C-locale levels, rows missing a used variable dropped.
case_data <- function(spec) {
  raw <- read.csv(file.path(data_dir, spec$file), stringsAsFactors = FALSE, na.strings = "")
  used <- c(spec$time, spec$event, spec$covariates, spec$strata, spec$weights)
  stopifnot(all(used %in% names(raw)))
  d <- raw[, used, drop = FALSE]
  d <- d[complete.cases(d), , drop = FALSE]
  for (nm in spec$covariates) {
    if (is.character(d[[nm]])) {
      d[[nm]] <- factor(d[[nm]], levels = sort(unique(d[[nm]]), method = "radix"))
    }
  }
  d$.time <- as.double(d[[spec$time]])
  d$.status <- as.double(d[[spec$event]])
  stopifnot(all(d$.status %in% c(0, 1)))
  d
}

make_case <- function(spec) {
  d <- case_data(spec)
  rhs <- paste(c(spec$covariates,
                 if (length(spec$strata)) sprintf("strata(%s)", spec$strata)),
               collapse = " + ")
  if (!is.null(spec$split)) {
    d$.id <- seq_len(nrow(d))
    d <- survSplit(Surv(.time, .status) ~ ., data = d, cut = spec$split,
                   start = ".start", end = ".stop", event = ".event")
    lhs <- "Surv(.start, .stop, .event)"
  } else if (!is.null(spec$entry_fraction)) {
    d$.start <- d$.time * spec$entry_fraction
    stopifnot(all(d$.start < d$.time))
    d$.stop <- d$.time
    d$.event <- d$.status
    lhs <- "Surv(.start, .stop, .event)"
  } else {
    lhs <- "Surv(.time, .status)"
  }
  f <- as.formula(paste(lhs, "~", rhs))
  d$.wt <- if (is.null(spec$weights)) rep(1, nrow(d)) else {
    as.double(d[[spec$weights]]) / spec$weight_divisor
  }
  fit <- coxph(f, data = d, ties = spec$ties, weights = .wt)
  stopifnot(!any(is.na(coef(fit))))

  tests <- lapply(transforms, function(tr) {
    z <- cox.zph(fit, transform = tr)
    tab <- z$table
    list(transform = tr,
         terms = strs(rownames(tab)),
         chisq = arr(tab[, "chisq"]),
         df = I(as.integer(tab[, "df"])),
         p = arr(tab[, "p"]))
  })

  list(
    name = spec$name,
    file = spec$file,
    time = spec$time,
    event = spec$event,
    covariates = strs(spec$covariates),
    strata = strs(if (is.null(spec$strata)) character(0) else spec$strata),
    weights = if (is.null(spec$weights)) NA else spec$weights,
    weight_divisor = if (is.null(spec$weights)) NA else spec$weight_divisor,
    split = if (is.null(spec$split)) NA else arr(spec$split),
    entry_fraction = if (is.null(spec$entry_fraction)) NA else spec$entry_fraction,
    ties = spec$ties,
    n = nrow(d),
    events = as.integer(fit$nevent),
    coefficient_names = strs(names(coef(fit))),
    coefficients = arr(coef(fit)),
    tests = tests
  )
}

cases <- lapply(specs, make_case)

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

json <- toJSON(list(versions = versions, transforms = strs(transforms), cases = cases),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d cases\n", out_file, length(cases)))
