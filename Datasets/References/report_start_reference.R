# report_start_reference.R -- reference values for osstats report --start (issue 16, point 3):
# the comparison of two arms with (start, stop] data, on Datasets/heart.csv (transplant as the
# group, a time-dependent one; written by km_counting_reference.R).
#
# Writes Datasets/References/report_start_reference.json with: per arm the survfit(Surv(start,
# stop, event) ~ transplant) median and its limits and survival at 100 and 365; the hazard ratio
# of coxph(Surv(start, stop, event) ~ transplant) (Efron ties, timefix) with its Wald interval and
# p; and the log-rank test on the counting-process risk sets. R's survdiff does not take (start,
# stop] data, so the log-rank statistic is computed here from survfit's own risk sets: at each
# event time, observed minus expected events of the second arm and the hypergeometric variance
# d(n - d)/(n - 1) (n1/n)(1 - n1/n), summed. Where no event times are tied this is the score
# test of coxph with Breslow ties, which the script checks on the data with ties broken. (The
# event times are survfit's; the risk sets are counted directly from the rows.)
#
# Run from the repository root:
#     Rscript Datasets/References/report_start_reference.R
# Written and run with the R and survival versions recorded under "versions" in the JSON
# (R 4.2.2, survival 3.5-3, jsonlite 1.8.4 on Debian 12). Deterministic: no random numbers.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

d <- read.csv("Datasets/heart.csv", stringsAsFactors = FALSE)

counting_logrank <- function(data) {
  fit <- survfit(Surv(start, stop, event) ~ transplant, data = data)
  times <- sort(unique(fit$time[fit$n.event > 0]))
  # Number at risk at t in arm g: its rows entered before t and still followed at t.
  risk_at <- function(g, t) {
    sum(data$transplant == as.numeric(g) & data$start < t & data$stop >= t)
  }
  o <- e <- v <- 0
  for (t in times) {
    n1 <- risk_at("1", t); n0 <- risk_at("0", t); n <- n0 + n1
    d1 <- sum(data$transplant == 1 & data$stop == t & data$event == 1)
    dd <- sum(data$stop == t & data$event == 1 & data$start < t)
    o <- o + d1; e <- e + dd * n1 / n
    if (n > 1) v <- v + dd * (n - dd) / (n - 1) * (n1 / n) * (1 - n1 / n)
  }
  list(observed = o, expected = e, chisq = (o - e)^2 / v)
}

lr <- counting_logrank(d)
# Check of the hand computation: with ties broken it equals coxph's Breslow score test.
u <- d
u$stop <- u$stop + seq_len(nrow(u)) * 1e-4 * u$event
stopifnot(abs(counting_logrank(u)$chisq - coxph(Surv(start, stop, event) ~ transplant, data = u, ties = "breslow", timefix = FALSE)$score) < 1e-8)

km <- survfit(Surv(start, stop, event) ~ transplant, data = d)
tab <- summary(km)$table
s <- summary(km, times = c(100, 365))
cox <- coxph(Surv(start, stop, event) ~ transplant, data = d)
ci <- exp(confint(cox))
arms <- lapply(c("0", "1"), function(g) {
  row <- tab[paste0("transplant=", g), ]
  k <- which(s$strata == paste0("transplant=", g))
  list(arm = g, median = scalar(row[["median"]]), median_lower = scalar(row[["0.95LCL"]]),
    median_upper = scalar(row[["0.95UCL"]]), landmark_times = num(s$time[k]), survival = num(s$surv[k]),
    lower = num(s$lower[k]), upper = num(s$upper[k]))
})
out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
    jsonlite = as.character(packageVersion("jsonlite"))),
  data = "Datasets/heart.csv", arms = arms,
  logrank = list(chisq = scalar(lr$chisq), observed_second = scalar(lr$observed), expected_second = scalar(lr$expected)),
  hazard_ratio = list(estimate = scalar(exp(coef(cox))), lower = scalar(ci[1]), upper = scalar(ci[2]),
    p = scalar(summary(cox)$coefficients[, "Pr(>|z|)"])))
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, digits = NA),
  "Datasets/References/report_start_reference.json")
