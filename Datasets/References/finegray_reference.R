# finegray_reference.R -- reference values for osstats' Fine-Gray model (FineGrayModel): R
# cmprsk's crr, the proportional subdistribution hazards model of Fine and Gray (1999), with its
# sandwich variance, log pseudo-likelihoods, score and convergence, and summary.crr's
# subdistribution hazard ratios with 95% limits.
#
# Writes Datasets/References/finegray_reference.json with
#   cases   one per fit: the data ("mgus2" = Datasets/mgus2.csv with male = sex == "M" and the
#           rows lacking a covariate dropped; "tied" = the small data set under "tied"), the cause
#           (crr's failcode; cencode = 0), the covariates, maxiter, and crr's n, coef, var, inf,
#           loglik, loglik.null, score, converged; iterations = the fewest maxiter at which crr
#           converges (crr does not report it; maxiter when it does not converge); se, z, the
#           two-sided p-value 2 pnorm(-|z|) unrounded (summary.crr rounds it to 2 digits), and
#           summary.crr's exp(coef) with its 2.5% and 97.5% limits; logtest = summary.crr's
#           likelihood-ratio statistic. Matrices are written row by row.
#   tied    a hand-made data set with times tied across the cause, the competing cause and
#           censorings, and censorings and both causes at time 0 (where crr reads the censoring
#           curve after its step at 0).
#
# Run from the repository root:
#     Rscript Datasets/References/finegray_reference.R
# Written and run with the R, cmprsk and jsonlite versions recorded under "versions" in the JSON
# (R 4.2.2, cmprsk 2.2-11, jsonlite 1.8.4 on Debian 12). Deterministic: no random numbers.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(cmprsk)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

mgus2 <- read.csv("Datasets/mgus2.csv", stringsAsFactors = FALSE)
mgus2$male <- as.numeric(mgus2$sex == "M")

tied <- data.frame(
  time = c(0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 5, 6, 6, 7, 8, 8, 9, 9, 10),
  status = c(0, 2, 1, 1, 2, 0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0, 1, 2, 1, 0, 2, 1, 0, 1),
  x1 = c(0.5, -1, 1.2, 0.3, 2, -0.4, 1, 0, 0.7, -1.5, 0.2, 1.1, -0.3, 0.9, -0.8, 1.4, 0.1, -0.6,
    0.4, 1.8, -1.2, 0.6, 0, -0.2, 1.3),
  x2 = c(1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0))

rows <- function(m) num(t(m))  # a matrix row by row

fit_case <- function(key, data_name, cause, covariates, maxiter = 10) {
  d <- if (data_name == "mgus2") mgus2 else tied
  time <- if (data_name == "mgus2") "etime" else "time"
  status <- if (data_name == "mgus2") "event" else "status"
  d <- d[complete.cases(d[, c(time, status, covariates)]), ]
  x <- as.matrix(d[, covariates, drop = FALSE])
  f <- crr(d[[time]], d[[status]], x, failcode = cause, cencode = 0, maxiter = maxiter)
  iterations <- maxiter
  for (m in 0:maxiter) {
    g <- crr(d[[time]], d[[status]], x, failcode = cause, cencode = 0, maxiter = m, variance = FALSE)
    if (g$converged) {
      iterations <- m
      break
    }
  }
  s <- summary(f)
  se <- sqrt(diag(f$var))
  z <- f$coef / se
  list(key = key, data = data_name, cause = cause, covariates = covariates, maxiter = maxiter,
    n = f$n, events = sum(d[[status]] == cause), competing = sum(d[[status]] != cause & d[[status]] != 0),
    coef = num(f$coef), var = rows(f$var), inf = rows(f$inf), loglik = scalar(f$loglik),
    loglik_null = scalar(f$loglik.null), score = num(f$score), converged = f$converged,
    iterations = iterations, se = num(se), z = num(z), p = num(2 * pnorm(-abs(z))),
    hr = num(s$conf.int[, "exp(coef)"]), lower = num(s$conf.int[, "2.5%"]),
    upper = num(s$conf.int[, "97.5%"]), logtest = scalar(s$logtest[["test"]]))
}

cases <- list(
  fit_case("mgus2_progression_age_male", "mgus2", 1, c("age", "male")),
  fit_case("mgus2_death_age_male", "mgus2", 2, c("age", "male")),
  fit_case("mgus2_progression_age_male_hgb", "mgus2", 1, c("age", "male", "hgb")),
  fit_case("mgus2_death_age_male_hgb_one_step", "mgus2", 2, c("age", "male", "hgb"), maxiter = 1),
  fit_case("tied_cause1", "tied", 1, c("x1", "x2")),
  fit_case("tied_cause2", "tied", 2, c("x1", "x2")))

versions <- list(R = R.version.string, cmprsk = as.character(packageVersion("cmprsk")),
  jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(list(versions = versions, data = "Datasets/mgus2.csv",
  tied = list(time = num(tied$time), status = num(tied$status), x1 = num(tied$x1), x2 = num(tied$x2)),
  cases = cases), auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, digits = NA),
  "Datasets/References/finegray_reference.json")
