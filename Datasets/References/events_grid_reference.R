# events_grid_reference.R -- rpact's analytic power of the committed two-look plan at other
# maximum numbers of events, the reference for `osstats simulate --design ... --events 61:121:30`
# (issue 12, point 3: a grid over --events).
#
# Run from the repository root (needs rpact: apt-get install r-cran-rpact; a second):
#     Rscript Datasets/References/events_grid_reference.R
# Written and run with R 4.2.2, rpact 3.3.4, jsonlite 1.8.4 (recorded in the JSON).
#
# The plan of Datasets/design_simulated_trial.json (Lan-DeMets O'Brien-Fleming-type spending,
# one-sided alpha 0.025, looks at information fractions 0.5 and 1) with maximum events D: looks
# at ceiling(0.5 D) and D events, the spending evaluated at those fractions (as osstats
# recomputes the bounds at the looks' events), hazard ratio 0.6, 1:1; rpact's getPowerSurvival
# (Schoenfeld's drift, which is what the simulated power estimates within Monte Carlo error
# and the approximation's own error).
suppressPackageStartupMessages({
  library(rpact)
  library(jsonlite)
})
cases <- lapply(c(61, 91, 121), function(D) {
  looks <- ceiling(c(0.5, 1) * D)
  d <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1, informationRates = looks / D,
    typeOfDesign = "asOF")
  p <- getPowerSurvival(d, lambda2 = log(2) / 6, hazardRatio = 0.6, directionUpper = FALSE,
    maxNumberOfEvents = D, maxNumberOfSubjects = 142, accrualTime = c(0, 42))
  list(max_events = D, look_events = looks, overall_reject = p$overallReject,
    critical_values = d$criticalValues)
})
out <- list(
  versions = list(R = R.version.string, rpact = as.character(packageVersion("rpact")),
    jsonlite = as.character(packageVersion("jsonlite"))),
  hr = 0.6, cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
  file.path("Datasets", "References", "events_grid_reference.json"))
