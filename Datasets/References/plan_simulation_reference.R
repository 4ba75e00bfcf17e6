# plan_simulation_reference.R -- rpact's simulation of group-sequential monitoring plans, the
# reference for `osstats simulate --design` (issue 12).
#
# Run from the repository root (needs rpact: apt-get install r-cran-rpact; about 5 minutes):
#     Rscript Datasets/References/plan_simulation_reference.R
# It reads the three design files in Datasets/References/plan_designs/ (written by
# `osstats design`, commands in Datasets/README.md) and writes plan_simulation_reference.json.
#
# Written and run with R 4.2.2, rpact 3.3.4, jsonlite 1.8.4 (the versions used are recorded in
# the JSON). Seeded, no timestamps: two runs give the same file.
#
# The plan osstats simulates, rebuilt in rpact:
# * looks at the design file's cumulative events D_k (plannedEvents), information rates
#   D_k / D_max (informationRates), so that rpact's boundaries are those osstats uses (the
#   spending function evaluated at the looks' actual fractions; the critical values are printed
#   into the JSON beside the design's so that a test can check they agree);
# * futility bounds: the design file's z at each interim look (futilityBounds, non-binding),
#   which osstats uses as planned, as `osstats monitor` does;
# * one-sided alpha 0.025, directionUpper = FALSE (HR < 1 favours the experimental arm);
# * N patients, accrualTime c(0, A) (rpact 3.3.4 enters patient i at exactly i*A/N, where
#   osstats draws entry times uniformly at random), 1:1 allocation, exponential survival with lambda2 = log(2)/median and
#   hazardRatio; dropout as the design file states it, a proportion dropoutRate lost by
#   dropoutTime, on both arms.
# Differences: rpact allocates by a fixed alternating pattern, osstats by permuted blocks of 4
# (immaterial here); rpact's fixed entry grid moves the expected study duration by 0.1-0.2
# months and its expectedNumberOfSubjects is a plug-in over looks, so those two are compared
# loosely (sequential_simulation_reference.R also simulates the osstats entry model).
#
# Fields (per design and hazard ratio): overall_reject (rpact overallReject), its Monte Carlo
# se sqrt(p(1-p)/iterations), reject_per_stage, futility_per_stage, early_stop,
# expected_events (expectedNumberOfEvents), expected_subjects (expectedNumberOfSubjects: the
# patients recruited by the stopping analysis) and study_duration (studyDuration: the mean
# calendar time of the stopping analysis), critical_values (rpact's z boundaries), futility_bounds.

suppressPackageStartupMessages({
  library(rpact)
  library(jsonlite)
})
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
iterations <- 100000L
dir <- file.path("Datasets", "References")
designs <- c("obf3", "pocock2", "futility2")

one <- function(name, hr, seed) {
  d <- fromJSON(file.path(dir, "plan_designs", paste0(name, ".json")), simplifyVector = TRUE)
  events <- d$looks$events
  rates <- events / d$max_events
  k <- length(events)
  type <- switch(d$spending, "lan-demets-obf" = "asOF", "lan-demets-pocock" = "asP", stop("spending"))
  fut <- d$looks$futility_z[-k]
  has_futility <- !is.null(fut) && any(!is.na(fut))
  design <- if (has_futility) {
    getDesignGroupSequential(kMax = k, alpha = d$alpha, sided = 1, informationRates = rates,
      typeOfDesign = type, futilityBounds = fut, bindingFutility = FALSE)
  } else {
    getDesignGroupSequential(kMax = k, alpha = d$alpha, sided = 1, informationRates = rates,
      typeOfDesign = type)
  }
  a <- d$accrual
  sim <- getSimulationSurvival(design, lambda2 = log(2) / a$control_median, hazardRatio = hr,
    directionUpper = FALSE, plannedEvents = events, maxNumberOfSubjects = d$patients,
    accrualTime = c(0, a$accrual_time), dropoutRate1 = a$dropout_rate, dropoutRate2 = a$dropout_rate,
    dropoutTime = a$dropout_time, allocation1 = 1, allocation2 = 1,
    maxNumberOfIterations = iterations, seed = seed)
  p <- sim$overallReject
  list(design = name, hr = hr, iterations = iterations, seed = seed, look_events = events,
    information_rates = rates, critical_values = design$criticalValues,
    futility_bounds = if (has_futility) fut else NULL,
    overall_reject = p, overall_reject_se = sqrt(p * (1 - p) / iterations),
    reject_per_stage = as.numeric(sim$rejectPerStage), futility_per_stage = as.numeric(sim$futilityPerStage),
    early_stop = as.numeric(sim$earlyStop), expected_events = sim$expectedNumberOfEvents,
    expected_subjects = sim$expectedNumberOfSubjects, study_duration = sim$studyDuration)
}

cases <- list()
seed <- 20261207
for (name in designs) for (hr in c(0.6, 1)) {
  seed <- seed + 1
  cases[[length(cases) + 1]] <- one(name, hr, seed)
}
out <- list(
  versions = list(R = R.version.string, rpact = as.character(packageVersion("rpact")),
    jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"),
  file.path(dir, "plan_simulation_reference.json"))
