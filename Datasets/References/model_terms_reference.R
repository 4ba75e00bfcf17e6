# model_terms_reference.R -- Cox models with transformed and interaction terms, for the osstats
# Swift tests (issue 16, point 5).
#
# Writes Datasets/pbc.csv (R survival's `pbc`, the Mayo Clinic primary biliary cirrhosis data:
# status 0 = censored, 1 = transplant, 2 = dead) and Datasets/References/model_terms_reference.json:
# coxph(Surv(time, status == 2) ~ ...) with log(), sqrt(), I(x^2), a:b and a*b terms, the
# coefficients, standard errors and log-likelihoods, named as R names them. Text columns are read
# back with their levels in C-locale order (so sex's reference is f), as osstats reads them.
#
# Run from the repository root:
#     Rscript Datasets/References/model_terms_reference.R
# Written and run with the versions recorded under "versions" (R 4.2.2, survival 3.5-3,
# jsonlite 1.8.4). Deterministic.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})
source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

p <- survival::pbc
out <- data.frame(id = p$id, time = p$time, status = p$status, trt = p$trt, age = p$age,
                  sex = as.character(p$sex), edema = p$edema, bili = p$bili, albumin = p$albumin,
                  protime = p$protime, stage = p$stage)
write.csv(out, "Datasets/pbc.csv", row.names = FALSE, na = "", quote = FALSE)
pbc <- read.csv("Datasets/pbc.csv", stringsAsFactors = FALSE)
pbc$sex <- factor(pbc$sex, levels = sort(unique(pbc$sex)))

fit_case <- function(key, covariates, rhs) {
  formula <- as.formula(paste("Surv(time, status == 2) ~", rhs))
  fit <- coxph(formula, data = pbc, ties = "efron")
  list(key = key, covariates = I(covariates), formula = paste(deparse(formula), collapse = " "),
       terms = I(names(coef(fit))), coef = num(coef(fit)), se = num(sqrt(diag(vcov(fit)))),
       loglik_null = num(fit$loglik[1]), loglik = num(fit$loglik[2]), n = fit$n, events = fit$nevent)
}
cases <- list(
  fit_case("transforms", c("log(bili)", "sqrt(protime)", "age", "I(age^2)"), "log(bili) + sqrt(protime) + age + I(age^2)"),
  fit_case("numeric_interaction", c("log(bili)*edema"), "log(bili)*edema"),
  fit_case("factor_interaction", c("sex*age", "log(bili):edema"), "sex*age + log(bili):edema")
)
res <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  file = "pbc.csv", time = "time", event = "status", event_value = 2, cases = cases)
writeLines(toJSON(res, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null", digits = NA, json_verbatim = TRUE),
           "Datasets/References/model_terms_reference.json")
