# Reference values for the Cox model on a large, formula-generated data set (no random numbers),
# so that the Swift tests can rebuild the same data exactly and exercise the code path osstats
# uses for large strata (two halves accumulated in parallel).
#
# Run from the repository root:  Rscript Datasets/References/cox_large_reference.R
# Writes Datasets/References/cox_large_reference.json.
# Versions: R 4.2.2, survival 3.5-3, jsonlite 1.8.4 (recorded in the JSON).
#
# Row i = 1..60000:
#   x1 = ((37 i) mod 101) / 101 - 0.5
#   x2 = ((53 i) mod 97) / 97
#   u  = 1 + ((7919 i) mod 5003) / 5003
#   time   = floor(100 * u * exp(-0.8 * x1 + 0.3 * x2)) / 100     (many ties)
#   status = 1 unless i mod 4 == 0
suppressPackageStartupMessages({ library(survival); library(jsonlite) })
i <- 1:60000
x1 <- ((37 * i) %% 101) / 101 - 0.5
x2 <- ((53 * i) %% 97) / 97
u <- 1 + ((7919 * i) %% 5003) / 5003
time <- floor(100 * u * exp(-0.8 * x1 + 0.3 * x2)) / 100
status <- as.integer(i %% 4 != 0)
d <- data.frame(time, status, x1, x2)
one <- function(ties) {
  f <- coxph(Surv(time, status) ~ x1 + x2, data = d, ties = ties)
  list(ties = ties, coef = unname(coef(f)), se = unname(sqrt(diag(f$var))),
       loglik_null = f$loglik[1], loglik = f$loglik[2], iterations = f$iter,
       n = f$n, events = f$nevent)
}
out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  n = length(i), distinct_times = length(unique(time)),
  fits = list(one("efron"), one("breslow")))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "Datasets/References/cox_large_reference.json")
