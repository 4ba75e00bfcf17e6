# km_counting_reference.R -- Kaplan-Meier with delayed entry (counting-process data) for the
# osstats Swift tests (issue 16, point 3).
#
# Writes Datasets/heart.csv (R survival's `heart`: the Stanford heart transplant data in
# (start, stop] form, transplant a time-dependent group) and
# Datasets/References/km_counting_reference.json: survfit(Surv(start, stop, event) ~ transplant)
# per group with every step (time, n.risk, n.event, n.censor, surv, std.err of log S, log-scale
# 95% limits), the median with its limits (quantile), and summary() at 100 and 365 days; also the
# pooled curve.
#
# Run from the repository root:
#     Rscript Datasets/References/km_counting_reference.R
# Written and run with the versions recorded under "versions" (R 4.2.2, survival 3.5-3,
# jsonlite 1.8.4). Deterministic.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})
source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

h <- survival::heart
out <- data.frame(id = h$id, start = h$start, stop = h$stop, event = h$event, transplant = h$transplant,
                  age = h$age, surgery = h$surgery)
write.csv(out, "Datasets/heart.csv", row.names = FALSE, quote = FALSE)
heart <- read.csv("Datasets/heart.csv")

curve <- function(fit, label) {
  q <- quantile(fit, probs = 0.5)
  s <- summary(fit, times = c(100, 365), extend = TRUE)
  list(
    group = label, time = num(fit$time), n_risk = num(fit$n.risk), n_event = num(fit$n.event),
    n_censor = num(fit$n.censor), surv = num(fit$surv), std_err = num(fit$std.err),
    lower = num(fit$lower), upper = num(fit$upper),
    median = num(q$quantile), median_lower = num(q$lower), median_upper = num(q$upper),
    at_times = list(time = num(s$time), surv = num(s$surv), n_risk = num(s$n.risk)))
}
fit <- survfit(Surv(start, stop, event) ~ transplant, data = heart)
groups <- lapply(seq_along(fit$strata), function(i) {
  curve(fit[i], sub("transplant=", "", names(fit$strata)[i]))
})
pooled <- curve(survfit(Surv(start, stop, event) ~ 1, data = heart), "all")

res <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  file = "heart.csv", start = "start", time = "stop", event = "event", group = "transplant",
  groups = groups, pooled = pooled)
writeLines(toJSON(res, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null", digits = NA, json_verbatim = TRUE),
           "Datasets/References/km_counting_reference.json")
