# competing_risks_reference.R -- reference values for osstats' cumulative incidence (issue 16,
# point 4): the Aalen-Johansen estimate per cause and group with R survival's variance and
# confidence limits (survfit with a factor status).
#
# Writes one data file and one fixture:
#   Datasets/mgus2.csv  R survival's mgus2 data as a competing-risks data set: etime = time to
#                       progression (pstat = 1) or else to death or last contact; event 0 =
#                       censored, 1 = progression to a plasma-cell malignancy, 2 = death without
#                       progression (R survival's "compete" vignette); with id, age, sex, hgb,
#                       creat, mspike (empty where R has NA)
#   Datasets/References/competing_risks_reference.json
#
# Cases: mgus2 by sex and pooled, by sex with log-log 90% limits, and the SIMULATED cohort
# Datasets/simulated_trial_73_competing.csv (relapse vs death without relapse, by arm; written by
# Datasets/make_simulated_competing.R, not trial data).
#
# Run from the repository root:
#     Rscript Datasets/References/competing_risks_reference.R
# Written and run with the R and survival versions recorded under "versions" in the JSON
# (R 4.2.2, survival 3.5-3, jsonlite 1.8.4 on Debian 12). Deterministic: no random numbers.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

m <- survival::mgus2
out <- data.frame(
  id = m$id, etime = ifelse(m$pstat == 0, m$futime, m$ptime),
  event = ifelse(m$pstat == 0, 2 * m$death, 1), age = m$age, sex = as.character(m$sex),
  hgb = m$hgb, creat = m$creat, mspike = m$mspike)
write.csv(out, "Datasets/mgus2.csv", row.names = FALSE, na = "", quote = FALSE)
d <- read.csv("Datasets/mgus2.csv", stringsAsFactors = FALSE)

# One survfit per group (and overall): the steps of every cause's curve, and summary(times =).
curve_case <- function(key, formula, data, conf_type = "log", conf_level = 0.95, times = c(60, 120, 400)) {
  fit <- survfit(formula, data = data, conf.type = conf_type, conf.int = conf_level)
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    rep(sub(".*=", "", names(fit$strata)), fit$strata)
  causes <- fit$states[-1]
  groups <- lapply(unique(strata), function(g) {
    r <- which(strata == g)
    s <- summary(if (is.null(fit$strata)) fit else fit[match(g, unique(strata)), ], times = times, extend = TRUE)
    per_cause <- lapply(seq_along(causes), function(k) {
      list(cause = causes[k],
        estimate = num(fit$pstate[r, k + 1]), std_err = num(fit$std.err[r, k + 1]),
        lower = num(fit$lower[r, k + 1]), upper = num(fit$upper[r, k + 1]),
        at_times = list(estimate = num(s$pstate[, k + 1]), std_err = num(s$std.err[, k + 1]),
          lower = num(s$lower[, k + 1]), upper = num(s$upper[, k + 1])))
    })
    list(group = g, time = num(fit$time[r]), n_risk = num(fit$n.risk[r, 1]),
      n_event = lapply(seq_along(causes), function(k) num(fit$n.event[r, k + 1])),
      n_censor = num(fit$n.censor[r]), survival = num(fit$pstate[r, 1]),
      survival_std_err = num(fit$std.err[r, 1]),
      times = num(times), n_risk_at_times = num(s$n.risk[, 1]), causes = per_cause)
  })
  list(key = key, conf_type = conf_type, conf_level = scalar(conf_level), causes = causes, groups = groups)
}

# The SIMULATED AML-shaped cohort's first events (Datasets/make_simulated_competing.R).
sim <- read.csv("Datasets/simulated_trial_73_competing.csv", stringsAsFactors = FALSE)
stopifnot(all(sim$simulated == "yes"))

cases <- list(
  curve_case("mgus2_by_sex", Surv(etime, factor(event)) ~ sex, d),
  curve_case("simulated_73_by_arm", Surv(first_event_time, factor(first_event)) ~ arm, sim, times = c(6, 12, 24)),
  curve_case("mgus2_all", Surv(etime, factor(event)) ~ 1, d),
  curve_case("mgus2_by_sex_loglog_90", Surv(etime, factor(event)) ~ sex, d, conf_type = "log-log", conf_level = 0.9))

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
  jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(list(versions = versions, data = "Datasets/mgus2.csv", cases = cases),
  auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, digits = NA),
  "Datasets/References/competing_risks_reference.json")
