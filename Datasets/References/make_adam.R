# make_adam.R -- writes the SAS-format ADaM fixtures in Datasets/adam/ from the
# SIMULATED cohort Datasets/simulated_trial_73.csv.
#
# THE DATA ARE SIMULATED. They are not results of the osstats trial (or of any
# trial); see "simulated_trial_73.csv" in Datasets/README.md. Every row carries
# SIMULATD = "yes" and every file's label says so.
#
# The script builds one CDISC ADaM ADTTE-shaped data set, 73 simulated patients
# x 2 parameters (OS, PFS) = 146 rows, and writes it four times:
#
#   Datasets/adam/adtte.xpt              SAS transport v5 (haven::write_xpt, version = 5)
#   Datasets/adam/adtte_v8.xpt           SAS transport v8 (haven::write_xpt, version = 8)
#   Datasets/adam/adtte.sas7bdat         sas7bdat, uncompressed (haven::write_sas)
#   Datasets/adam/adtte_compressed.sas7bdat
#                                        sas7bdat, row-compressed (RLE, "SASYZCRL"),
#                                        copied from adtte.sas7bdat by
#                                        write_compressed_sas7bdat.c (libreadstat)
#
# The C program is compiled with gcc into a temporary directory on each run
# (needs the Debian package libreadstat-dev); no binary is kept.
#
# The files are made byte-identical from run to run: haven stamps the current
# time into each file, so the script overwrites those stamps with the fixed
# time 2020-01-01 00:00:00 (the ASCII date fields of the XPT headers; the two
# creation/modification doubles of the sas7bdat header), and the C program is
# given the same time.
#
# Every file is then read back and compared with the data frame it was made
# from: with haven (read_xpt / read_sas: values, SAS special missing tags,
# labels, formats, file label), with pyreadstat through python3 (values,
# labels, formats; special missing tags for sas7bdat, which is the only format
# for which pyreadstat reports them), and with Debian's libreadstat through the
# C program (special missing tags, all four files).
#
# Run from the repository root:
#     Rscript Datasets/References/make_adam.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), haven 2.5.1,
# jsonlite 1.8.4; Python 3.11 with pyreadstat 1.3.8; libreadstat 1.1.8; gcc.

suppressPackageStartupMessages({
  library(haven)
  library(jsonlite)
})
Sys.setenv(TZ = "UTC")
invisible(Sys.setlocale("LC_COLLATE", "C"))

csv_file <- "Datasets/simulated_trial_73.csv"
out_dir <- "Datasets/adam"
c_source <- "Datasets/References/write_compressed_sas7bdat.c"
stopifnot(file.exists(csv_file), file.exists(c_source))
dir.create(out_dir, showWarnings = FALSE)

# ---------------------------------------------------------------------------
# 1. Build ADTTE
# ---------------------------------------------------------------------------

d <- read.csv(csv_file, stringsAsFactors = FALSE)
stopifnot(nrow(d) == 73, identical(d$id, 1:73), all(d$simulated == "yes"),
          all(d$status %in% 0:1), all(d$time > 0))

# PFS is derived deterministically from OS (no randomness beyond the fixed
# seed): AVAL = round(OS time * u, 4) with u ~ U(0.3, 1), set.seed(11). The PFS
# event (CNSR = 0) is a death with u < 0.9 (progression or death observed) or,
# for a patient alive at the analysis, u < 0.6 (progression observed). The
# others are censored (CNSR = 1) at that time: living patients without
# progression, and deaths with u >= 0.9, read as censored at the last
# assessment long before the death.
set.seed(11)
u <- runif(73, 0.3, 1)

non_safety <- c(7L, 38L, 61L)   # SAFFL = "N"
os_special <- 38L               # OS AVAL = special missing .A (a SAFFL = "N" patient)
pfs_missing <- 20L              # PFS AVAL = system missing "."
stopifnot(os_special %in% non_safety, !(pfs_missing %in% non_safety))

make_param <- function(paramcd, param, aval, cnsr) {
  data.frame(
    STUDYID = "OSSTATS-SIM73",
    USUBJID = sprintf("SIM-%03d", d$id),
    PARAMCD = paramcd,
    PARAM = param,
    AVAL = aval,
    AVALU = "MONTHS",
    CNSR = as.numeric(cnsr),
    TRT01P = d$arm,
    STRATUM = d$stratum,
    SAFFL = ifelse(d$id %in% non_safety, "N", "Y"),
    ENTRY = d$entry,            # dropped below; used for ADT
    stringsAsFactors = FALSE
  )
}
os <- make_param("OS", "Overall Survival", d$time, 1 - d$status)
pfs <- make_param("PFS", "Progression-Free Survival", round(d$time * u, 4),
                  ifelse((d$status == 1 & u < 0.9) | (d$status == 0 & u < 0.6), 0, 1))

# ADT: the date of the event or censoring, on an assumed calendar that starts
# on 2020-01-01 with months of 30.4375 days. Missing when AVAL is missing.
add_adt <- function(x) {
  x$ADT <- as.Date("2020-01-01") + round((x$ENTRY + x$AVAL) * 30.4375)
  x
}
os <- add_adt(os)
pfs <- add_adt(pfs)

pfs$AVAL[pfs_missing] <- NA_real_
pfs$ADT[pfs_missing] <- NA
os$AVAL[os_special] <- tagged_na("A")   # haven writes it as SAS .A
os$ADT[os_special] <- NA

adtte <- rbind(os, pfs)
adtte$ENTRY <- NULL
adtte$SIMULATD <- "yes"
adtte <- adtte[order(adtte$USUBJID, adtte$PARAMCD, method = "radix"), ]
rownames(adtte) <- NULL
stopifnot(nrow(adtte) == 146)

# XPT version 5 limits names to 8 characters, so the "simulated" flag is
# called SIMULATD in every file (one set of names for all four files).
labels <- c(
  STUDYID  = "Study Identifier",
  USUBJID  = "Unique Subject Identifier",
  PARAMCD  = "Parameter Code",
  PARAM    = "Parameter",
  AVAL     = "Analysis Value",
  AVALU    = "Analysis Value Unit",
  CNSR     = "Censor",
  TRT01P   = "Planned Treatment for Period 01",
  STRATUM  = "Randomization Stratum",
  SAFFL    = "Safety Population Flag",
  ADT      = "Analysis Date",
  SIMULATD = "SIMULATED DATA - NOT TRIAL RESULTS"
)
stopifnot(identical(names(adtte), names(labels)),
          all(nchar(names(labels)) <= 8), all(nchar(labels) <= 40))
for (v in names(labels)) attr(adtte[[v]], "label") <- labels[[v]]
attr(adtte$ADT, "format.sas") <- "DATE9"
file_label <- "SIMULATED ADTTE - NOT TRIAL DATA"
member_name <- "ADTTE"

# ---------------------------------------------------------------------------
# 2. Write the files
# ---------------------------------------------------------------------------

fixed_time <- as.POSIXct("2020-01-01 00:00:00", tz = "UTC")
fixed_xpt_stamp <- charToRaw("01JAN20:00:00:00")
fixed_sas_seconds <- as.numeric(difftime(fixed_time,
  as.POSIXct("1960-01-01", tz = "UTC"), units = "secs"))   # SAS epoch

# XPT: every header date is a 16-character field ddMMMyy:hh:mm:ss, in the
# header records before the observation header.
normalize_xpt <- function(path) {
  r <- readBin(path, "raw", file.info(path)$size)
  obs_at <- grepRaw("HEADER RECORD*******OBS", r, fixed = TRUE)
  stopifnot(length(obs_at) == 1)
  head <- r[seq_len(obs_at - 1)]
  hits <- grepRaw("[0-9]{2}[A-Z]{3}[0-9]{2}:[0-9]{2}:[0-9]{2}:[0-9]{2}", head, all = TRUE)
  stopifnot(length(hits) >= 2)   # library created/modified, member created/modified
  for (h in hits) r[h:(h + 15)] <- fixed_xpt_stamp
  writeBin(r, path)
  length(hits)
}

# sas7bdat: creation and modification time are doubles (seconds since
# 1960-01-01) at offsets 164 + a1 and 172 + a1, a1 = 4 if byte 35 is 0x33.
normalize_sas7bdat <- function(path) {
  r <- readBin(path, "raw", file.info(path)$size)
  a1 <- if (r[36] == as.raw(0x33)) 4L else 0L
  little <- r[38] == as.raw(0x01)
  stamp <- writeBin(fixed_sas_seconds, raw(), size = 8,
                    endian = if (little) "little" else "big")
  for (off in c(164L, 172L) + a1) r[(off + 1):(off + 8)] <- stamp
  writeBin(r, path)
}

files <- c(
  xpt_v5 = file.path(out_dir, "adtte.xpt"),
  xpt_v8 = file.path(out_dir, "adtte_v8.xpt"),
  sas7bdat = file.path(out_dir, "adtte.sas7bdat"),
  sas7bdat_compressed = file.path(out_dir, "adtte_compressed.sas7bdat")
)

write_xpt(adtte, files[["xpt_v5"]], version = 5, name = member_name, label = file_label)
write_xpt(adtte, files[["xpt_v8"]], version = 8, name = member_name, label = file_label)
invisible(normalize_xpt(files[["xpt_v5"]]))
invisible(normalize_xpt(files[["xpt_v8"]]))
write_sas(adtte, files[["sas7bdat"]])   # haven 2.5.1: no member name or file label
normalize_sas7bdat(files[["sas7bdat"]])

build_dir <- tempfile("adam_build_")
dir.create(build_dir)
exe <- file.path(build_dir, "write_compressed_sas7bdat")
rc <- system2("gcc", c("-O2", "-Wall", "-o", shQuote(exe), shQuote(c_source), "-lreadstat"))
if (rc != 0) stop("gcc failed; is libreadstat-dev installed?")

run_c <- function(input, output) {
  out <- system2(exe, c(shQuote(input), shQuote(output), as.numeric(fixed_time)),
                 stdout = TRUE, env = "TZ=UTC")
  if (!is.null(attr(out, "status"))) stop("write_compressed_sas7bdat failed on ", input)
  out
}
invisible(run_c(files[["sas7bdat"]], files[["sas7bdat_compressed"]]))

# ---------------------------------------------------------------------------
# 3. Read back and compare
# ---------------------------------------------------------------------------

same_values <- function(a, b) {
  # identical() on doubles also compares NA payloads, so a tagged .A must come
  # back tagged and a system missing must come back untagged.
  if (is.numeric(a)) {
    isTRUE(all.equal(unclass(a), unclass(b), tolerance = 0, check.attributes = FALSE)) &&
      identical(is.na(a), is.na(b)) && identical(na_tag(a), na_tag(b))
  } else {
    identical(as.vector(a), as.vector(b))
  }
}

# haven reads SAS's .A back as tagged_na("a") (lower case); the tag written
# must be upper case ("a" is refused as out of range for SAS).
expected <- adtte
expected$AVAL[is_tagged_na(expected$AVAL)] <- tagged_na("a")

check_haven <- function(key, path) {
  x <- if (grepl("\\.xpt$", path)) read_xpt(path) else read_sas(path)
  stopifnot(identical(names(x), names(expected)), nrow(x) == nrow(expected))
  for (v in names(expected)) {
    if (!same_values(x[[v]], expected[[v]])) stop(key, ": values of ", v, " differ")
    if (!identical(attr(x[[v]], "label"), labels[[v]])) stop(key, ": label of ", v)
    if (!identical(class(x[[v]]), class(expected[[v]]))) stop(key, ": class of ", v)
  }
  stopifnot(identical(attr(x$ADT, "format.sas"), "DATE9"))
  stopifnot(identical(na_tag(x$AVAL)[!is.na(na_tag(x$AVAL))], "a"))
  if (grepl("\\.xpt$", path)) stopifnot(identical(attr(x, "label"), file_label))
  invisible(TRUE)
}
for (k in names(files)) check_haven(k, files[[k]])

# pyreadstat: dumps values (dates as raw SAS day numbers), labels, formats and
# special missing tags to JSON; floats are written with repr(), which round-trips.
py <- c(
  "import json, math, sys, pyreadstat",
  "out = {}",
  "for path in sys.argv[2:]:",
  "    sas = path.endswith('.sas7bdat')",
  "    reader = pyreadstat.read_sas7bdat if sas else pyreadstat.read_xport",
  "    kw = {'user_missing': True} if sas else {}",
  "    df, meta = reader(path, disable_datetime_conversion=True, **kw)",
  "    cols = {}",
  "    for c in df.columns:",
  "        vals = []",
  "        for v in df[c].tolist():",
  "            if isinstance(v, float):",
  "                vals.append({'missing': '.'} if math.isnan(v) else {'value': repr(v)})",
  "            elif isinstance(v, str) and meta.readstat_variable_types[c] == 'double':",
  "                vals.append({'missing': v})",
  "            else:",
  "                vals.append({'value': str(v)})",
  "        cols[c] = vals",
  "    out[path] = {'columns': list(df.columns), 'labels': meta.column_names_to_labels,",
  "                 'formats': meta.original_variable_types, 'file_label': meta.file_label,",
  "                 'table_name': meta.table_name, 'rows': meta.number_rows, 'values': cols,",
  "                 'version': pyreadstat.__version__}",
  "json.dump(out, open(sys.argv[1], 'w'))"
)
py_file <- file.path(build_dir, "check.py")
py_out <- file.path(build_dir, "check.json")
writeLines(py, py_file)
# R puts /usr/lib/x86_64-linux-gnu on LD_LIBRARY_PATH, which can make a
# pyenv-built python3 load Debian's libpython (and lose its site-packages), so
# python3 is started without it.
rc <- system2("env", c("-u", "LD_LIBRARY_PATH", "python3", shQuote(py_file), shQuote(py_out),
                       shQuote(unname(files))))
if (rc != 0) stop("pyreadstat check failed")
pyres <- fromJSON(py_out, simplifyVector = FALSE)

sas_day <- function(x) as.numeric(x - as.Date("1960-01-01"))
for (k in names(files)) {
  p <- pyres[[files[[k]]]]
  sas <- grepl("\\.sas7bdat$", files[[k]])
  stopifnot(identical(unlist(p$columns), names(adtte)), p$rows == nrow(adtte))
  for (v in names(adtte)) {
    if (!identical(p$labels[[v]], labels[[v]])) stop(k, " (pyreadstat): label of ", v)
    cells <- p$values[[v]]
    x <- adtte[[v]]
    if (inherits(x, "Date")) x <- sas_day(x)
    for (i in seq_along(cells)) {
      cell <- cells[[i]]
      ok <- if (is.numeric(x)) {
        if (is.na(x[i])) {
          want <- if (is_tagged_na(x[i]) && sas) na_tag(x[i]) else "."
          identical(cell$missing, want)
        } else {
          !is.null(cell$value) && as.numeric(cell$value) == x[i]
        }
      } else identical(cell$value, x[i])
      if (!ok) stop(k, " (pyreadstat): row ", i, " of ", v)
    }
  }
  stopifnot(identical(p$formats$ADT, "DATE9."))
}

# Debian libreadstat (through the C program): every file has exactly the one
# special missing value, .A in AVAL of the OS row of SIM-038.
row_a <- which(is_tagged_na(adtte$AVAL))
stopifnot(length(row_a) == 1, adtte$USUBJID[row_a] == "SIM-038", adtte$PARAMCD[row_a] == "OS")
for (k in names(files)) {
  seen <- run_c(files[[k]], file.path(build_dir, paste0(k, ".copy.sas7bdat")))
  stopifnot(identical(seen, sprintf("tagged_missing row=%d var=AVAL tag=A", row_a)))
}

info <- system2("readstat", shQuote(files[["sas7bdat_compressed"]]), stdout = TRUE)
stopifnot(any(info == "Compression: rows"))
info <- system2("readstat", shQuote(files[["sas7bdat"]]), stdout = TRUE)
stopifnot(!any(grepl("^Compression", info)))

unlink(build_dir, recursive = TRUE)

for (k in names(files))
  cat(sprintf("wrote %-45s %6d bytes\n", files[[k]], file.info(files[[k]])$size))
cat(sprintf("%d rows (%d OS, %d PFS); checked with haven %s, pyreadstat %s, libreadstat (C)\n",
            nrow(adtte), sum(adtte$PARAMCD == "OS"), sum(adtte$PARAMCD == "PFS"),
            packageDescription("haven")$Version, pyres[[1]]$version))
