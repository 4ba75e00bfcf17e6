# km_cluster_reference.R -- Kaplan-Meier with the clustered (robust, infinitesimal-jackknife)
# standard errors for the osstats Swift tests (issue 16, point 3, --cluster).
#
# Writes one data file and one fixture:
#   Datasets/rats.csv   R survival's rats data (Mantel et al. 1977): litter (the cluster), rx,
#                       time, status, sex
#   Datasets/References/km_cluster_reference.json
#
# Cases: survfit(Surv(time, status) ~ rx, cluster = litter) on rats (right-censored, litters of
# three), and survfit(Surv(start, stop, event) ~ transplant, id = id, robust = TRUE) on
# Datasets/heart.csv (written by km_counting_reference.R: the subject's rows before and after a
# transplant). For each curve every step's std.err (of S: R's logse is FALSE for robust curves),
# lower and upper; and the median with its limits.
#
# Run from the repository root:
#     Rscript Datasets/References/km_cluster_reference.R
# Written and run with the R and survival versions recorded under "versions" in the JSON
# (R 4.2.2, survival 3.5-3, jsonlite 1.8.4 on Debian 12). Deterministic: no random numbers.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

write.csv(survival::rats, "Datasets/rats.csv", row.names = FALSE, quote = FALSE)
rats <- read.csv("Datasets/rats.csv", stringsAsFactors = FALSE)
heart <- read.csv("Datasets/heart.csv", stringsAsFactors = FALSE)

curve_case <- function(key, fit) {
  stopifnot(!fit$logse)
  strata <- rep(sub(".*=", "", names(fit$strata)), fit$strata)
  med <- summary(fit)$table
  groups <- lapply(unique(strata), function(g) {
    r <- which(strata == g)
    row <- med[names(fit$strata)[match(g, unique(strata))], ]
    list(group = g, time = num(fit$time[r]), n_risk = num(fit$n.risk[r]), n_event = num(fit$n.event[r]),
      survival = num(fit$surv[r]), std_err = num(fit$std.err[r]), lower = num(fit$lower[r]),
      upper = num(fit$upper[r]), median = scalar(row[["median"]]), median_lower = scalar(row[["0.95LCL"]]),
      median_upper = scalar(row[["0.95UCL"]]))
  })
  list(key = key, groups = groups)
}

cases <- list(
  curve_case("rats_litter", survfit(Surv(time, status) ~ rx, data = rats, cluster = litter)),
  curve_case("heart_id_robust", survfit(Surv(start, stop, event) ~ transplant, data = heart, id = id, robust = TRUE)))

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
  jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(list(versions = versions, cases = cases), auto_unbox = TRUE, pretty = TRUE,
  json_verbatim = TRUE, digits = NA), "Datasets/References/km_cluster_reference.json")
