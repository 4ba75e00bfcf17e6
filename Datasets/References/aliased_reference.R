# aliased_reference.R -- reference values for R's handling of aliased Cox terms and of the 1/2
# status coding, for the osstats Swift tests (issue 16, points 1 and 2).
#
# Writes two data files and one fixture:
#   Datasets/colon.csv             R survival's colon data, the death records (etype == 2), with
#                                  rx, sex, age, nodes and a derived column age10 = age / 10
#                                  (an exact multiple of age: aliased when both are in a model)
#   Datasets/edge/lung_status12.csv R survival's lung data with its own status coding
#                                  (1 = censored, 2 = dead): time, status, sex
#   Datasets/References/aliased_reference.json
#
# Cases: coxph with a covariate constant within strata (sex with strata(sex)), with an exact
# linear combination (age10 after age), and R's survfit / survdiff / coxph on the 1/2 status.
# R reports an aliased coefficient as NA; the others are those of the model without it.
#
# Run from the repository root:
#     Rscript Datasets/References/aliased_reference.R
# Written and run with the R and survival versions recorded under "versions" in the JSON
# (R 4.2.2, survival 3.5-3, jsonlite 1.8.4 on Debian 12). Deterministic: no random numbers.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

# The data files.
colon2 <- subset(survival::colon, etype == 2)
colon_out <- data.frame(
  id = colon2$id, time = colon2$time, status = colon2$status, rx = as.character(colon2$rx),
  sex = colon2$sex, age = colon2$age, nodes = colon2$nodes, age10 = colon2$age / 10)
write.csv(colon_out, "Datasets/colon.csv", row.names = FALSE, na = "", quote = FALSE)
lung12 <- data.frame(time = survival::lung$time, status = survival::lung$status, sex = survival::lung$sex)
stopifnot(all(lung12$status %in% c(1, 2)))
write.csv(lung12, "Datasets/edge/lung_status12.csv", row.names = FALSE, quote = FALSE)

# Read back as osstats reads them (so that the fixture is of the files' numbers).
colon <- read.csv("Datasets/colon.csv", stringsAsFactors = FALSE)
colon$rx <- factor(colon$rx, levels = sort(unique(colon$rx)))
lung <- read.csv("Datasets/edge/lung_status12.csv")

fit_case <- function(key, formula, data, terms) {
  fit <- coxph(formula, data = data, ties = "efron")
  cf <- coef(fit)
  stopifnot(identical(names(cf), terms))
  se <- rep(NA_real_, length(cf))
  se[!is.na(cf)] <- sqrt(diag(vcov(fit)))[!is.na(cf)]
  list(
    key = key, formula = paste(deparse(formula), collapse = " "), terms = I(names(cf)),
    aliased = I(names(cf)[is.na(cf)]), coef = num(cf), se = num(se),
    loglik_null = scalar(fit$loglik[1]), loglik = scalar(fit$loglik[2]),
    n = fit$n, events = fit$nevent, iterations = fit$iter)
}

cases <- list(
  fit_case("colon_strata_sex", Surv(time, status) ~ rx + sex + age + nodes + strata(sex), colon,
           c("rxLev+5FU", "rxObs", "sex", "age", "nodes")),
  fit_case("colon_linear_combination", Surv(time, status) ~ rx + age + age10 + nodes, colon,
           c("rxLev+5FU", "rxObs", "age", "age10", "nodes")),
  fit_case("lung_status12_cox", Surv(time, status) ~ sex, lung, c("sex"))
)

km <- survfit(Surv(time, status) ~ sex, data = lung)
s <- summary(km, times = c(180, 365))
med <- quantile(km, probs = 0.5)
sd <- survdiff(Surv(time, status) ~ sex, data = lung)
coding <- list(
  file = "edge/lung_status12.csv", group = "sex", times = num(c(180, 365)),
  total_events = sum(lung$status == 2),
  surv = num(s$surv), strata = as.character(s$strata), n_risk = num(s$n.risk),
  median = num(med$quantile), median_lower = num(med$lower), median_upper = num(med$upper),
  logrank_chisq = scalar(sd$chisq)
)

out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases, coding = coding)
json <- toJSON(out, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null", digits = NA, json_verbatim = TRUE)
writeLines(json, "Datasets/References/aliased_reference.json")
