# Simulated group-sequential monitoring plans per second in rpact (see README.md): the plan of
# Datasets/design_simulated_trial.json (written by `osstats design`), two looks at 61 and 121
# events with Lan-DeMets O'Brien-Fleming-type efficacy bounds (one-sided alpha 0.025), 142
# patients entering over 42 months, exponential survival with control median 6 months and hazard
# ratio 0.6, no dropout, simulated by rpact's getSimulationSurvival. Times the call only (not R's
# start-up or loading rpact).
#
#   Rscript plan_bench.R DESIGN.json ITERATIONS SEED
suppressPackageStartupMessages({
  library(rpact)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
d <- fromJSON(args[[1]], simplifyVector = TRUE)
iterations <- as.integer(args[[2]])
seed <- as.integer(args[[3]])
events <- d$looks$events
design <- getDesignGroupSequential(kMax = length(events), alpha = d$alpha, sided = 1,
  informationRates = events / d$max_events, typeOfDesign = "asOF")
a <- d$accrual
t0 <- proc.time()[["elapsed"]]
sim <- getSimulationSurvival(design, lambda2 = log(2) / a$control_median, hazardRatio = d$hr,
  directionUpper = FALSE, plannedEvents = events, maxNumberOfSubjects = d$patients,
  accrualTime = c(0, a$accrual_time), allocation1 = 1, allocation2 = 1,
  maxNumberOfIterations = iterations, seed = seed)
seconds <- proc.time()[["elapsed"]] - t0
cat(sprintf("trials %d\nloop_seconds %.3f\ntrials_per_second %.1f\n", iterations, seconds, iterations / seconds))
cat(sprintf("overall_rejection %.5f\nexpected_events %.3f\n", sim$overallReject, sim$expectedNumberOfEvents))
cat(sprintf("rpact %s\n", as.character(packageVersion("rpact"))))
