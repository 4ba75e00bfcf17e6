# simulation_reference.R -- reference power values for the osstats trial
# simulator.
#
# osstats simulates two-arm survival trials (1:1, exponential survival,
# uniform accrual, optional exponential dropout, one log-rank analysis) and
# reports the empirical power. This script gives the Swift tests independent
# numbers to compare that power with, for five fixed scenarios:
#
#   1. the closed-form Schoenfeld power at the number of events analysed;
#   2. rpact's analytic power (getPowerSurvival), with its expected number of
#      events and expected analysis time;
#   3. a Monte Carlo power with its standard error: rpact's
#      getSimulationSurvival for the four event-driven scenarios, and this
#      script's own simulator for the calendar-time scenario, which rpact
#      cannot simulate;
#   4. the expected number of events by calendar time for the calendar-time
#      scenario, from the closed form for uniform accrual and exponential
#      event and dropout times (written out below) and from rpact's
#      getEventProbabilities.
#
# The script's own simulator is also run on the four event-driven scenarios,
# as a check of rpact and of itself; those results are stored as "sim_own".
# Datasets/README.md ("Simulation reference") describes every field.
#
# rpact's conventions, as used here: a one-sided design with alpha = 0.025
# stands for the two-sided 0.05 test; directionUpper = FALSE because HR < 1
# (fewer deaths on the experimental arm) is the alternative; dropout is given
# as a probability by a time, so an exponential dropout hazard mu per month is
# passed as dropoutRate1 = dropoutRate2 = 1 - exp(-12 mu), dropoutTime = 12.
#
# Run from the repository root:
#     Rscript Datasets/References/simulation_reference.R
# It needs the rpact package (Debian: apt-get install r-cran-rpact) and takes
# about a minute and a half (100 000 simulated trials per scenario, twice).
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), rpact 3.3.4,
# survival 3.5-3, jsonlite 1.8.4. The versions actually used are also recorded
# in the JSON under "versions". Every random stream is seeded and the output
# contains no timestamps or timings, so running the script twice gives
# byte-identical files.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(rpact)
  library(survival)
  library(jsonlite)
})

out_file <- file.path("Datasets", "References", "simulation_reference.json")
if (!dir.exists(dirname(out_file))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

rng_kind <- c("Mersenne-Twister", "Inversion", "Rejection")
RNGkind(rng_kind[1], rng_kind[2], rng_kind[3])

alpha_one_sided <- 0.025
z_crit <- qnorm(1 - alpha_one_sided)   # 1.959964, the two-sided 0.05 critical value
iterations <- 100000L                  # per scenario, for both simulators
median_control <- 6                    # months, every scenario
accrual <- 42                          # months, every scenario

scenarios <- list(
  list(key = "trial73",     n = 73,  hr = 0.7, dropout = 0,    type = "events",   value = 60, seed = 730601),
  list(key = "trial142",    n = 142, hr = 0.7, dropout = 0,    type = "events",   value = 110, seed = 1420110),
  list(key = "null73",      n = 73,  hr = 1.0, dropout = 0,    type = "events",   value = 60, seed = 730160),
  list(key = "dropout142",  n = 142, hr = 0.6, dropout = 0.01, type = "events",   value = 100, seed = 1420100),
  list(key = "calendar142", n = 142, hr = 0.7, dropout = 0,    type = "calendar", value = 54, seed = 1420054)
)
# The script's own simulator uses seed + own_seed_offset, so its draws have
# nothing to do with rpact's.
own_seed_offset <- 7

# Calendar times (months from the start of accrual) at which the expected
# number of events of the calendar-time scenario is tabulated.
event_table_times <- c(6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 72)

# ---------------------------------------------------------------- helpers --

clean <- function(x) {
  x <- as.double(x)
  x[!is.finite(x)] <- NA
  unname(x)
}
arr <- function(x) I(clean(x))
num <- function(x) {
  stopifnot(length(x) == 1)
  clean(x)
}

# ------------------------------------------------------- closed forms --

# Schoenfeld: the log-rank Z after d events is approximately normal with mean
# sqrt(d r (1 - r)) |log HR| (r = 0.5 for 1:1) and variance 1. The power as
# rpact defines it (reject in the direction of benefit only) is
#     Phi(sqrt(d r (1 - r)) |log HR| - z_{1 - alpha/2}),
# and the two-sided test also rejects when Z falls below -z_{1 - alpha/2}.
schoenfeld_power <- function(d, hr, r = 0.5) {
  pnorm(sqrt(d * r * (1 - r)) * abs(log(hr)) - z_crit)
}
schoenfeld_power_two_sided <- function(d, hr, r = 0.5) {
  drift <- sqrt(d * r * (1 - r)) * abs(log(hr))
  pnorm(drift - z_crit) + pnorm(-drift - z_crit)
}

# Probability that a patient has had the event (not dropped out first) by
# calendar time t, when entry is uniform on [0, A], the event hazard is lambda
# and the dropout hazard is mu (both exponential, independent). With
# h = lambda + mu, a patient who entered at u has had the event by t with
# probability (lambda / h) (1 - exp(-h (t - u))) for u < t. Averaging over u:
#     t >= A:  (lambda / h) [1 - (exp(-h (t - A)) - exp(-h t)) / (h A)]
#     t <  A:  (lambda / h) [t - (1 - exp(-h t)) / h] / A
# (the second counts patients not yet entered as having no event).
event_probability <- function(t, lambda, mu, A) {
  h <- lambda + mu
  ifelse(t >= A,
         (lambda / h) * (1 - (exp(-h * (t - A)) - exp(-h * t)) / (h * A)),
         (lambda / h) * (t - (1 - exp(-h * t)) / h) / A)
}
# Expected number of events among n patients split equally between the arms.
expected_events <- function(t, n, lambda_control, hr, mu, A) {
  n / 2 * (event_probability(t, lambda_control, mu, A) +
             event_probability(t, hr * lambda_control, mu, A))
}
# Calendar time at which the expected number of events reaches d.
analysis_time_for_events <- function(d, n, lambda_control, hr, mu, A) {
  f <- function(t) expected_events(t, n, lambda_control, hr, mu, A) - d
  uniroot(f, c(1e-9, 1e4), tol = 1e-13)$root
}

# ------------------------------------------------------ own simulator --

# Log-rank Z for one data set without tied times (continuous times, so ties
# have probability zero). arm = 1 for experimental. Positive Z means fewer
# experimental deaths than expected, i.e. evidence for HR < 1, the same
# orientation as rpact's testStatistic with directionUpper = FALSE.
logrank_z <- function(time, status, arm) {
  o <- order(time)
  a <- arm[o]
  s <- status[o]
  at_risk <- length(o):1
  at_risk1 <- rev(cumsum(rev(a)))
  p1 <- at_risk1[s] / at_risk[s]
  expected1 <- sum(p1)
  variance <- sum(p1 * (1 - p1))
  observed1 <- sum(a[s])
  (expected1 - observed1) / sqrt(variance)
}

# One simulated trial, generated by the model in the scenario table:
# - entry times iid uniform on [0, A], sorted;
# - arms by a random permutation of ceiling(n/2) experimental and floor(n/2)
#   control labels (71 + 71 for n = 142; 37 + 36 for n = 73, the split rpact's
#   alternating 1, 2, 1, ... assignment gives). Alternating in order of entry
#   would make experimental patients enter A / (2 (n + 1)) earlier on average
#   than control patients, which shifts the mean number of events at a
#   calendar cut-off by a few hundredths (+0.033 events, about 3 Monte Carlo
#   SEs, when tried on calendar142 with 1e5 trials);
# - event times exponential with hazard lambda_control (control) or
#   hr * lambda_control (experimental); dropout times exponential with hazard
#   mu (none when mu = 0);
# - event-driven analysis: at the calendar time of the d-th event, counting
#   only events (not dropouts); only patients entered by then are analysed;
# - calendar analysis: at the given calendar time.
# Returns c(z, analysis time, events, subjects analysed), or NA for z when
# the event count is never reached.
simulate_trial <- function(n, lambda_control, hr, mu, A, type, value) {
  entry <- sort(runif(n, 0, A))
  arm <- sample(rep_len(c(1L, 0L), n))
  event_time <- rexp(n) / ifelse(arm == 1L, hr * lambda_control, lambda_control)
  dropout_time <- if (mu > 0) rexp(n) / mu else rep(Inf, n)
  event_calendar <- ifelse(event_time <= dropout_time, entry + event_time, Inf)
  if (type == "events") {
    cut <- sort(event_calendar, partial = value)[value]
    if (!is.finite(cut)) return(c(NA, NA, NA, NA))
  } else {
    cut <- value
  }
  # Whether an event is in the analysis is decided on the calendar scale,
  # where the d-th event time equals cut exactly. Testing event_time <=
  # cut - entry instead loses that event about a third of the time, because
  # (entry + event_time) - entry need not round back to event_time.
  inside <- entry < cut
  status <- (event_calendar <= cut)[inside]
  time <- ifelse(status, event_time[inside], pmin(dropout_time, cut - entry)[inside])
  c(logrank_z(time, status, arm[inside]), cut, sum(status), sum(inside))
}

simulate_own <- function(sc, lambda_control, seed) {
  set.seed(seed)
  res <- vapply(seq_len(iterations), function(i) {
    simulate_trial(sc$n, lambda_control, sc$hr, sc$dropout, accrual, sc$type, sc$value)
  }, numeric(4))
  res
}

# The simulator's log-rank against survival::survdiff: 200 randomly censored
# data sets, drawn with a separate seed; compares chi-square and sign.
check_logrank <- function(sc, lambda_control, seed, trials = 200) {
  set.seed(seed)
  for (i in seq_len(trials)) {
    arm <- rep_len(c(1L, 0L), sc$n)
    time <- rexp(sc$n) / ifelse(arm == 1L, sc$hr * lambda_control, lambda_control)
    cens <- runif(sc$n, 0, 40)
    status <- time <= cens
    time <- pmin(time, cens)
    z <- logrank_z(time, status, arm)
    fit <- survdiff(Surv(time, status) ~ arm)
    stopifnot(abs(z^2 - fit$chisq) <= 1e-9 * max(1, fit$chisq),
              sign(z) == sign(fit$exp[2] - fit$obs[2]))   # row 2 is arm = 1
  }
  invisible(TRUE)
}

summarise_sim <- function(z, analysis_time, events, subjects, source, seed) {
  ok <- !is.na(z)
  n_it <- sum(ok)
  power <- mean(z[ok] >= z_crit)
  power2 <- mean(abs(z[ok]) >= z_crit)
  list(
    source = source,
    seed = seed,
    iterations = n_it,
    events_not_reached = sum(!ok),
    power = num(power),
    mc_se = num(sqrt(power * (1 - power) / n_it)),
    power_two_sided = num(power2),
    mc_se_two_sided = num(sqrt(power2 * (1 - power2) / n_it)),
    mean_analysis_time = num(mean(analysis_time[ok])),
    mean_events = num(mean(events[ok])),
    sd_events = num(sd(events[ok])),
    mean_subjects = num(mean(subjects[ok])),
    share_analysed_before_accrual_end = num(mean(analysis_time[ok] < accrual))
  )
}

# ----------------------------------------------------------- rpact part --

design <- getDesignGroupSequential(kMax = 1, alpha = alpha_one_sided, sided = 1)
stopifnot(abs(design$criticalValues - z_crit) < 1e-12)

# rpact's getSimulationSurvival computes its log-rank statistic in its own
# C++ code. Recompute it with logrank_z (itself checked against
# survival::survdiff) on 50 of rpact's raw data sets per scenario; this also
# confirms that treatmentGroup 1 is the experimental arm and that a positive
# testStatistic favours it.
check_rpact_statistic <- function(sc, dropout_rate, seed, datasets = 50) {
  s <- getSimulationSurvival(design, hazardRatio = sc$hr, median2 = median_control,
                             directionUpper = FALSE, accrualTime = c(0, accrual),
                             maxNumberOfSubjects = sc$n, plannedEvents = sc$value,
                             dropoutRate1 = dropout_rate, dropoutRate2 = dropout_rate,
                             dropoutTime = 12, maxNumberOfIterations = datasets, seed = seed,
                             maxNumberOfRawDatasetsPerStage = datasets)
  raw <- getRawData(s)
  per_it <- getData(s)
  for (it in unique(raw$iterationNumber)) {
    r <- raw[raw$iterationNumber == it, ]
    r <- r[!is.na(r$timeUnderObservation) & r$timeUnderObservation > 0, ]
    z <- logrank_z(r$timeUnderObservation, r$event, as.integer(r$treatmentGroup == 1))
    stat <- per_it$testStatistic[per_it$iterationNumber == it]
    stopifnot(sum(r$event) == per_it$eventsPerStage[per_it$iterationNumber == it],
              abs(z - stat) < 1e-8)
  }
  invisible(TRUE)
}

entries <- list()
for (sc in scenarios) {
  t_start <- proc.time()[["elapsed"]]
  lambda_control <- log(2) / median_control
  dropout_rate <- 1 - exp(-12 * sc$dropout)   # rpact: P(dropout by dropoutTime = 12)
  notes <- character(0)

  # Events analysed: the target for event-driven scenarios, the expected
  # number (rpact) for the calendar-time scenario.
  if (sc$type == "calendar") {
    ep <- getEventProbabilities(time = sc$value, accrualTime = c(0, accrual),
                                lambda2 = lambda_control, hazardRatio = sc$hr,
                                dropoutRate1 = dropout_rate, dropoutRate2 = dropout_rate,
                                dropoutTime = 12, maxNumberOfSubjects = sc$n)
    rpact_events_arg <- sc$n * ep$overallEventProbabilities
  } else {
    rpact_events_arg <- sc$value
  }

  # 1. analytic power
  pw <- getPowerSurvival(design, hazardRatio = sc$hr, median2 = median_control,
                         directionUpper = FALSE, accrualTime = c(0, accrual),
                         maxNumberOfSubjects = sc$n, maxNumberOfEvents = rpact_events_arg,
                         dropoutRate1 = dropout_rate, dropoutRate2 = dropout_rate,
                         dropoutTime = 12)
  stopifnot(abs(pw$lambda2 - lambda_control) < 1e-14,
            abs(pw$lambda1 - sc$hr * lambda_control) < 1e-14)

  analytic_events <- if (sc$type == "calendar") {
    expected_events(sc$value, sc$n, lambda_control, sc$hr, sc$dropout, accrual)
  } else {
    sc$value
  }
  analytic_time <- if (sc$type == "calendar") {
    sc$value
  } else {
    analysis_time_for_events(sc$value, sc$n, lambda_control, sc$hr, sc$dropout, accrual)
  }
  stopifnot(abs(analytic_events - pw$expectedNumberOfEvents) < 1e-8,
            abs(analytic_time - pw$analysisTime[1, 1]) < 1e-6)

  # 2. simulations
  own_seed <- sc$seed + own_seed_offset
  check_logrank(sc, lambda_control, own_seed + 1)
  own <- simulate_own(sc, lambda_control, own_seed)
  own_sim <- summarise_sim(own[1, ], own[2, ], own[3, ], own[4, ],
                           "this script (simulate_trial)", own_seed)

  if (sc$type == "events") {
    check_rpact_statistic(sc, dropout_rate, sc$seed + 1)
    rs <- getSimulationSurvival(design, hazardRatio = sc$hr, median2 = median_control,
                                directionUpper = FALSE, accrualTime = c(0, accrual),
                                maxNumberOfSubjects = sc$n, plannedEvents = sc$value,
                                dropoutRate1 = dropout_rate, dropoutRate2 = dropout_rate,
                                dropoutTime = 12, maxNumberOfIterations = iterations,
                                seed = sc$seed)
    per_it <- getData(rs)
    stopifnot(nrow(per_it) == iterations, rs$iterations[1, 1] == iterations,
              sum(rs$eventsNotAchieved) == 0,
              abs(mean(per_it$rejectPerStage) - rs$overallReject) < 1e-15,
              all(per_it$rejectPerStage == (per_it$testStatistic >= z_crit)),
              abs(mean(per_it$analysisTime) - rs$analysisTime[1, 1]) < 1e-9)
    sim <- summarise_sim(per_it$testStatistic, per_it$analysisTime,
                         per_it$eventsPerStage, per_it$numberOfSubjects,
                         "rpact getSimulationSurvival", sc$seed)
    sim$power <- num(rs$overallReject)
    sim$mean_analysis_time <- num(rs$analysisTime[1, 1])
    sim$mean_events <- num(rs$expectedNumberOfEvents)
    sim_own <- own_sim
    stopifnot(own_sim$sd_events == 0)   # every own trial has exactly the target
    short <- sum(per_it$eventsPerStage != sc$value)
    if (short > 0) {
      notes <- c(notes, sprintf(paste(
        "In %d of rpact's %d simulated trials eventsPerStage is %s instead of %d, which is why",
        "sim.mean_events is not exactly %d. rpact 3.3.4 finds the analysis time by bisection to",
        "1e-5 months (findObservationTime) and then moves it by 1e-5 if the count is off; when",
        "event %d and the next one fall within about 1e-5 months of each other the cut can land",
        "just before event %d. sim_own always has exactly %d."),
        short, iterations,
        paste(sort(unique(per_it$eventsPerStage[per_it$eventsPerStage != sc$value])), collapse = ", "),
        sc$value, sc$value, sc$value, sc$value, sc$value))
    }
  } else {
    sim <- own_sim
    sim_own <- NULL
  }

  # notes
  notes <- c(notes, sprintf(paste(
    "rpact is one-sided (alpha = 0.025, directionUpper = FALSE): rpact_power and sim.power",
    "count only rejections in favour of the experimental arm (Z >= %.6f). The two-sided 0.05",
    "test also rejects for Z <= -%.6f; see schoenfeld_power_two_sided and sim.power_two_sided."),
    z_crit, z_crit))
  if (sc$hr != 1) {
    gap <- schoenfeld_power(analytic_events, sc$hr) - sim$power
    own_gap <- if (sc$type == "events") {
      sprintf("; sim_own: %.5f below", schoenfeld_power(analytic_events, sc$hr) - own_sim$power)
    } else {
      ""
    }
    notes <- c(notes, sprintf(paste(
      "sim.power is %.5f below schoenfeld_power (%.1f Monte Carlo SEs%s).",
      "Schoenfeld's normal approximation is slightly optimistic here, so test osstats's",
      "empirical power against sim (within Monte Carlo error) and against schoenfeld_power",
      "and rpact_power only with an allowance of about 0.01."),
      gap, gap / sim$mc_se, own_gap))
  }
  if (sc$n %% 2 == 1) {
    notes <- c(notes, sprintf(paste(
      "n = %d is odd: both simulators put %d patients on the experimental arm and %d on",
      "control (rpact by alternating 1, 2, 1, ... in order of entry, this script by a random",
      "permutation); rpact's analytic functions use %.1f per arm."),
      sc$n, (sc$n + 1) / 2, (sc$n - 1) / 2, sc$n / 2))
  }
  if (sc$hr == 1) {
    notes <- c(notes, sprintf(paste(
      "Null scenario: power is the type I error, nominally 0.025 one-sided and 0.05 two-sided.",
      "At %d events the log-rank test rejects a little more often than nominal: rpact's",
      "simulation gives %.5f one-sided and %.5f two-sided, this script's %.5f and %.5f.",
      "Compare osstats's two-sided null rejection rate with sim.power_two_sided, not with 0.05."),
      sc$value, sim$power, sim$power_two_sided, own_sim$power, own_sim$power_two_sided))
  }
  if (sc$dropout > 0) {
    notes <- c(notes, sprintf(paste(
      "Dropout hazard %.2f per month passed to rpact as dropoutRate1 = dropoutRate2 =",
      "1 - exp(-12 * %.2f) = %.10f with dropoutTime = 12; rpact turns it back into the hazard",
      "-log(1 - rate) / 12. Dropouts are censored and do not count as events."),
      sc$dropout, sc$dropout, dropout_rate))
  }
  if (sc$type == "events") {
    notes <- c(notes, sprintf(paste(
      "Event-driven analysis at the calendar time of event %d. In %.4f of rpact's simulated trials",
      "(%.4f of this script's) that happens before accrual ends at month %g, and only patients",
      "entered by then are analysed (sim.mean_subjects)."),
      sc$value, sim$share_analysed_before_accrual_end,
      own_sim$share_analysed_before_accrual_end, accrual))
    notes <- c(notes, paste(
      "rpact's simulation puts entries on a fixed grid (patient i enters at i * 42 / n) and",
      "alternates arms; only event and dropout times are random. sim_own draws entry times",
      "uniformly at random and permutes the arm labels. The two should agree within Monte",
      "Carlo error."))
    notes <- c(notes, paste(
      "rpact_analysis_time is the calendar time at which the expected number of events equals",
      "the target; analytic_analysis_time solves the same equation with the closed form in the",
      "script. The simulated mean analysis time need not equal either (it is the mean of a",
      "random time, not the time of the mean)."))
  } else {
    notes <- c(notes, sprintf(paste(
      "rpact 3.3.4's getSimulationSurvival only analyses at a planned number of events, so",
      "sim here comes from this script's simulator (analysis at calendar month %g, measured",
      "from the start of accrual; entries uniform on [0, %g])."), sc$value, accrual))
    notes <- c(notes, sprintf(paste(
      "rpact_power is getPowerSurvival with maxNumberOfEvents = n times rpact's",
      "getEventProbabilities at month %g (= %.6f events); rpact_analysis_time is the time it",
      "solves back for (%g up to its root-finding tolerance). schoenfeld_power uses the same",
      "expected events. The simulated power averages over a random number of events, so it",
      "need not equal Phi at the expected events."), sc$value, rpact_events_arg, sc$value))
  }

  entry <- list(
    key = sc$key,
    n = sc$n,
    median_control = median_control,
    hr = sc$hr,
    accrual = accrual,
    dropout_rate_per_month = sc$dropout,
    analysis = list(type = sc$type, value = sc$value),
    schoenfeld_events = num(analytic_events),
    schoenfeld_power = num(schoenfeld_power(analytic_events, sc$hr)),
    schoenfeld_power_two_sided = num(schoenfeld_power_two_sided(analytic_events, sc$hr)),
    rpact_power = num(pw$overallReject),
    rpact_expected_events = num(pw$expectedNumberOfEvents),
    rpact_analysis_time = num(pw$analysisTime[1, 1]),
    analytic_analysis_time = num(analytic_time),
    rpact_args = list(
      design = "getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)",
      hazardRatio = sc$hr,
      median2 = median_control,
      lambda2 = num(pw$lambda2),
      lambda1 = num(pw$lambda1),
      directionUpper = FALSE,
      accrualTime = arr(c(0, accrual)),
      accrualIntensity = num(pw$accrualIntensity),
      maxNumberOfSubjects = sc$n,
      maxNumberOfEvents = num(rpact_events_arg),
      plannedEvents = if (sc$type == "events") sc$value else NULL,
      dropoutRate1 = num(dropout_rate),
      dropoutRate2 = num(dropout_rate),
      dropoutTime = 12,
      maxNumberOfIterations = if (sc$type == "events") iterations else NULL,
      seed = if (sc$type == "events") sc$seed else NULL
    ),
    sim = sim,
    sim_own = sim_own,
    notes = notes
  )

  if (sc$type == "calendar") {
    ep_tab <- getEventProbabilities(time = event_table_times, accrualTime = c(0, accrual),
                                    lambda2 = lambda_control, hazardRatio = sc$hr,
                                    dropoutRate1 = dropout_rate, dropoutRate2 = dropout_rate,
                                    dropoutTime = 12, maxNumberOfSubjects = sc$n)
    closed <- expected_events(event_table_times, sc$n, lambda_control, sc$hr, sc$dropout, accrual)
    stopifnot(max(abs(closed - sc$n * ep_tab$overallEventProbabilities)) < 1e-9)
    entry$events_by_time <- list(
      time = arr(event_table_times),
      expected_events = arr(closed),
      expected_events_control = arr(sc$n / 2 * event_probability(event_table_times,
                                     lambda_control, sc$dropout, accrual)),
      expected_events_experimental = arr(sc$n / 2 * event_probability(event_table_times,
                                          sc$hr * lambda_control, sc$dropout, accrual)),
      rpact_expected_events = arr(sc$n * ep_tab$overallEventProbabilities)
    )
  }

  entries[[length(entries) + 1]] <- entry
  cat(sprintf("%-12s schoenfeld %.6f  rpact %.6f  sim %.6f (se %.6f)  own %.6f  [%.1f s]\n",
              sc$key, entry$schoenfeld_power, entry$rpact_power, sim$power, sim$mc_se,
              own_sim$power, proc.time()[["elapsed"]] - t_start))
}

versions <- list(
  R = R.version.string,
  rpact = packageDescription("rpact")$Version,
  survival = packageDescription("survival")$Version,
  jsonlite = packageDescription("jsonlite")$Version,
  rng = paste(RNGkind(), collapse = " / ")
)

json <- toJSON(list(versions = versions, scenarios = entries),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null", null = "null")
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d scenarios\n", out_file, length(entries)))
