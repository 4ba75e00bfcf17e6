# concordance_reference.R -- Harrell's concordance reference values for the
# osstats Swift tests (Tests/SurvivalTests/ConcordanceTests.swift).
#
# For each case below the script fits survival::coxph and records what the
# concordance of a Cox model is computed from and what R reports for it:
# the response coxph hands to concordancefit (fit$y, i.e. after coxph's own
# aeqSurv time fix; a (start, stop] response for the counting-process cases),
# the linear predictor fit$linear.predictors (coxph centres the covariates,
# which shifts every value by the same constant and leaves the ranks alone),
# the strata codes (as.integer of the strata() term, as coxph passes them),
# the case weights, and fit$concordance in full: the weighted counts
# concordant, discordant, tied.x, tied.y, tied.xy, the concordance and its
# standard error "std".
#
# coxph calls concordancefit(y, lp, strata, weights, reverse = TRUE,
# timefix = FALSE) with the default timewt = "n"; std is the square root of
# concordancefit's "var", the infinitesimal-jackknife variance (sum of squared
# per-observation dfbeta of Somers' d, divided by 4). For every case the
# script checks that this call, made on the numbers read back from the JSON
# text, gives fit$concordance again (1e-12 relative), so the Swift test can
# use the recorded values without refitting the Cox model, and that the JSON
# text keeps every tie and every order among the linear predictors.
#
# Cases: aml, lung (complete cases of sex, age, ph.ecog), veteran, gehan,
# ovarian, lung stratified by ph.ecog, lung stratified by institution (18
# strata: more than 10, so concordancefit takes its path that merges the
# strata into one time axis), a small weighted data set with non-integer
# weights, a small data set with many ties in time and in the risk score, the
# Stanford heart transplant data in (start, stop] form (survival::heart), the
# ties data split at two times into (start, stop] rows with strata and
# weights, and a data set without events (all counts 0, concordance and std
# null). The small data sets are generated below with a fixed seed and are
# written in full into the JSON.
#
# Run from the repository root:
#     Rscript Datasets/References/concordance_reference.R
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
out_file <- file.path(data_dir, "References", "concordance_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

tol <- 1e-12
count_names <- c("concordant", "discordant", "tied.x", "tied.y", "tied.xy")

# ---------------------------------------------------------------- helpers --

# Numeric vector with NA, NaN, Inf and -Inf all turned into NA (JSON null).
clean <- function(x) {
  x <- as.double(x)
  x[!is.finite(x)] <- NA
  unname(x)
}
# Always a JSON array, even when length 1.
arr <- function(x) I(clean(x))
# A JSON scalar (null when not finite).
num <- function(x) {
  stopifnot(length(x) == 1)
  clean(x)
}
# Shortest decimal text (15, 16 or 17 significant digits) that reads back as
# the same double. jsonlite's digits = NA writes 15 significant digits, which
# can merge linear predictors that differ in the last bits and so change the
# ties R sees; the values the concordance depends on are written this way.
shortest <- function(v) {
  if (!is.finite(v)) return("null")
  for (d in 15:17) {
    s <- sprintf("%.*g", d, v)
    if (as.double(s) == v) return(s)
  }
  s
}
# A numeric vector as a verbatim JSON array of exact values.
exact <- function(x) {
  x <- as.double(x)
  structure(paste0("[", paste(vapply(x, shortest, ""), collapse = ", "), "]"), class = "json")
}
close_to <- function(a, b) {
  a <- unname(a); b <- unname(b)
  all((is.na(a) & is.na(b)) |
        (!is.na(a) & !is.na(b) & abs(a - b) <= tol * pmax(abs(a), abs(b))))
}

read_csv <- function(file) {
  read.csv(file.path(data_dir, file), stringsAsFactors = FALSE, na.strings = "")
}

# One case: fit the model, record its inputs and fit$concordance, and check
# that concordancefit on the values as written to JSON gives the same numbers.
make_case <- function(name, description, formula, data, weights = NULL) {
  data$.w <- if (is.null(weights)) rep(1, nrow(data)) else weights
  fit <- if (is.null(weights)) {
    coxph(formula, data = data, model = TRUE)
  } else {
    coxph(formula, data = data, weights = .w, model = TRUE)
  }
  stopifnot(is.null(fit$na.action))  # the data are complete: rows line up
  y <- fit$y
  counting <- ncol(y) == 3
  lp <- fit$linear.predictors
  if (is.null(lp)) lp <- rep(0, nrow(y))  # coxph without events
  # The strata codes as coxph passes them: as.integer of the strata() term.
  mf <- fit$model
  st <- grep("^strata\\(", names(mf), value = TRUE)
  stopifnot(length(st) <= 1)
  strata_codes <- if (length(st) == 1) as.integer(mf[[st]]) else NULL
  w <- if (is.null(weights)) NULL else data$.w

  cc <- fit$concordance
  stopifnot(all(c(count_names, "concordance", "std") %in% names(cc)))

  entry <- list(
    name = name,
    description = description,
    formula = paste(deparse(formula, width.cutoff = 500L), collapse = " "),
    n = nrow(y),
    events = sum(y[, ncol(y)]),
    start = if (counting) exact(y[, 1]) else NA,
    time = exact(y[, ncol(y) - 1]),
    status = I(as.integer(y[, ncol(y)])),
    lp = exact(lp),
    strata = if (is.null(strata_codes)) NA else I(strata_codes),
    weights = if (is.null(w)) NA else exact(w),
    concordance = list(
      concordant = num(cc[["concordant"]]),
      discordant = num(cc[["discordant"]]),
      tied_x = num(cc[["tied.x"]]),
      tied_y = num(cc[["tied.y"]]),
      tied_xy = num(cc[["tied.xy"]]),
      concordance = num(cc[["concordance"]]),
      std = num(cc[["std"]])
    )
  )

  # Round trip through the JSON text the Swift test reads.
  back <- fromJSON(toJSON(entry, auto_unbox = TRUE, digits = NA, na = "null", json_verbatim = TRUE),
                   simplifyVector = TRUE)
  # exact values: the same ties and the same order
  stopifnot(all(as.double(back$lp) == lp), all(as.double(back$time) == y[, ncol(y) - 1]))
  if (sum(y[, ncol(y)]) > 0) {
    yb <- if (counting) Surv(back$start, back$time, back$status) else Surv(back$time, back$status)
    sb <- if (is.null(strata_codes)) NULL else back$strata
    wb <- if (is.null(w)) NULL else back$weights
    again <- concordancefit(yb, back$lp, sb, wb, reverse = TRUE, timefix = FALSE)
    cnt <- if (is.matrix(again$count)) colSums(again$count) else again$count
    mine <- c(cnt[count_names], again$concordance, sqrt(again$var))
    theirs <- c(cc[count_names], cc[["concordance"]], cc[["std"]])
    if (!close_to(mine, theirs)) {
      print(rbind(mine, theirs))
      stop(name, ": concordancefit on the JSON values does not reproduce fit$concordance")
    }
  }
  entry
}

# ------------------------------------------------------------ small data --

set.seed(20240612L)

# Weighted: 30 subjects, one continuous and one binary covariate, times on a
# coarse grid (some ties), non-integer weights.
weighted_data <- local({
  n <- 30
  z <- round(rnorm(n), 2)
  g <- rep(0:1, length.out = n)
  time <- pmax(1, round(rexp(n, rate = exp(0.6 * z + 0.5 * g) / 10)))
  status <- rbinom(n, 1, 0.75)
  w <- round(runif(n, 0.2, 3), 3)
  data.frame(time = time, status = status, z = z, g = g, w = w)
})

# Many ties: 40 subjects, times in 1..6, two covariates with 2 and 3 levels,
# so the linear predictor takes at most 6 values.
ties_data <- local({
  n <- 40
  a <- rep(0:1, each = 20)
  b <- rep(0:2, length.out = n)
  time <- sample(1:6, n, replace = TRUE)
  status <- rbinom(n, 1, 0.7)
  data.frame(time = time, status = status, a = a, b = b)
})

# The ties data in (start, stop] form: split at times 2 and 4, stratified by
# b, with non-integer weights per subject.
split_data <- local({
  d <- ties_data
  d$id <- seq_len(nrow(d))
  d$w <- round(runif(nrow(d), 0.5, 2), 2)
  s <- survSplit(Surv(time, status) ~ ., data = d, cut = c(2, 4), start = "tstart", end = "tstop")
  s[order(s$id, s$tstart), ]
})

# No events at all.
no_events_data <- data.frame(time = c(2, 3, 5, 7, 11), status = 0, z = c(1, 0, 2, 1, 3))

# ------------------------------------------------------------------ cases --

aml <- read_csv("aml.csv")
lung <- read_csv("lung.csv")
veteran <- read_csv("veteran.csv")
gehan <- read_csv("gehan.csv")
ovarian <- read_csv("ovarian.csv")

lung3 <- na.omit(lung[, c("time", "status", "sex", "age", "ph.ecog")])
lung_inst <- na.omit(lung[, c("time", "status", "age", "inst")])
stopifnot(length(unique(lung_inst$inst)) > 10)
heart <- survival::heart

cases <- list(
  make_case("aml", "Datasets/aml.csv, coxph(Surv(time, status) ~ x)",
            Surv(time, status) ~ x, aml),
  make_case("lung", "Datasets/lung.csv, complete cases of time, status, sex, age, ph.ecog",
            Surv(time, status) ~ sex + age + ph.ecog, lung3),
  make_case("veteran", "Datasets/veteran.csv",
            Surv(time, status) ~ trt + karno + age, veteran),
  make_case("gehan", "Datasets/gehan.csv",
            Surv(time, cens) ~ treat, gehan),
  make_case("ovarian", "Datasets/ovarian.csv",
            Surv(futime, fustat) ~ rx + age, ovarian),
  make_case("lung_strata", "Datasets/lung.csv, complete cases, stratified by ph.ecog (4 strata)",
            Surv(time, status) ~ sex + age + strata(ph.ecog), lung3),
  make_case("lung_inst_strata",
            "Datasets/lung.csv, complete cases of time, status, age, inst, stratified by inst (more than 10 strata)",
            Surv(time, status) ~ age + strata(inst), lung_inst),
  make_case("weighted", "generated here: 30 subjects, non-integer case weights",
            Surv(time, status) ~ z + g, weighted_data, weights = weighted_data$w),
  make_case("ties", "generated here: 40 subjects, times 1..6, risk score with at most 6 values",
            Surv(time, status) ~ a + b, ties_data),
  make_case("heart", "survival::heart, (start, stop] data",
            Surv(start, stop, event) ~ age + surgery + transplant, heart),
  make_case("ties_split_strata_weighted",
            "the ties data split at 2 and 4 into (start, stop] rows, stratified by b, weighted",
            Surv(tstart, tstop, status) ~ a + strata(b), split_data, weights = split_data$w),
  make_case("no_events", "generated here: 5 subjects, all censored",
            Surv(time, status) ~ z, no_events_data)
)

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

json <- toJSON(list(versions = versions, cases = cases),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null", json_verbatim = TRUE)
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d cases\n", out_file, length(cases)))
