# group_sequential_reference.R -- reference values from rpact for the
# group-sequential design and monitoring code of osstats.
#
# Run from the repository root:
#     Rscript Datasets/References/group_sequential_reference.R
# It writes Datasets/References/group_sequential_reference.json.
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), rpact 3.3.4,
# survival 3.5-3, mvtnorm 1.1-3, jsonlite 1.8.4; the versions actually used
# are recorded in the JSON under "versions". Nothing in this script is random
# and the output holds no timestamps, so two runs give byte-identical files.
#
# Conventions used throughout
# ---------------------------
# * One-sided alpha = 0.025 unless a case says otherwise; 1:1 allocation.
# * HR < 1 favours the experimental arm. Every z value written here is in the
#   FAVOURABLE direction (positive = benefit). rpact is called with
#   overallLogRanks = -z and directionUpper = FALSE, which is rpact's way of
#   saying "small HR is good".
# * Information fraction t = events / maximum events.
# * HR estimate from a log-rank z with D events (1:1): exp(-2 z / sqrt(D)).
# * Numbers are written as the shortest decimal text (15, 16 or 17 significant
#   digits) that reads back as the same double; NA, NaN and +-Inf become null.
# * rpact's progress log is switched off; every rpact warning raised while a
#   case is computed is kept in that case's "rpact_warnings" array, and
#   every rpact message (e.g. "Under-running: ...") in "rpact_messages".
#
# Sections (top-level keys of the JSON)
# -------------------------------------
# boundaries         getDesignGroupSequential(): efficacy (and futility)
#                    z bounds for alpha-spending designs (Lan-DeMets O'Brien-
#                    Fleming "asOF", Lan-DeMets Pocock "asP", Hwang-Shih-DeCani
#                    "asHSD", Kim-DeMets power family "asKD"), the classical
#                    O'Brien-Fleming "OF", Pocock "P" and Haybittle-Peto "HP"
#                    designs, fixed futility bounds (binding / non-binding),
#                    a two-sided design and beta-spending futility designs.
#                    "cumulative_alpha" is the spending function evaluated in
#                    closed form here (for classical designs, which have no
#                    spending function, it is rpact's alphaSpent);
#                    "rpact_alpha_spent" is what rpact's own quadrature gives
#                    (0.02499999 at the last look, not 0.025).
#                    "inflation_factor" and "shift" are
#                    getDesignCharacteristics(d)$inflationFactor / $shift with
#                    the design's beta (0.2 unless a beta-spending case says
#                    otherwise; recorded as "design_beta"). NOTE: rpact's
#                    "shift" is the SQUARED drift, (z_alpha + z_beta)^2 times
#                    the inflation factor; "drift" = sqrt(shift) is E[Z_K]
#                    under H1 at full information (theta sqrt(I_max)). For the
#                    beta-spending designs this is the drift rpact solved so
#                    that the futility and efficacy bounds meet at look K.
#                    The alpha each design spends (and, for beta spending, the
#                    beta under that drift) is re-computed independently with
#                    mvtnorm::pmvnorm(Miwa) and checked to 1e-7 (1e-6).
# events             Required number of events of a FIXED design, from
#                    getSampleSizeSurvival(typeOfComputation = "Schoenfeld",
#                    "Freedman" or "HsiehFreedman"); each value is checked
#                    against the closed-form formula to 1e-9 relative.
# sample_size        getSampleSizeSurvival() for exponential survival with a
#                    control median of 6 months and uniform accrual: events,
#                    patients, accrual intensity, analysis times, expected
#                    events under H1 and the overall probability of an event by
#                    the final analysis (getEventProbabilities(), checked
#                    against max events / patients).
# conditional_power  getConditionalPower() after getStageResults(): CP under
#                    the current trend (thetaH1 = observed HR) and under the
#                    design HR 0.7, i.e. P(reject at any later look | data).
#                    Where exactly one look remains it is also checked against
#                    the closed form 1 - Phi((c_K - z sqrt(t) - eta (1-t)) /
#                    sqrt(1-t)), and the flat-prior predictive power
#                    Phi((z - c_K sqrt(t)) / sqrt(1-t)) is written.
# analysis           getAnalysisResults(): repeated confidence intervals,
#                    repeated p-values, stage-wise-ordering final p-value,
#                    median-unbiased HR and final CI, test decisions; the
#                    last three cases re-calculate the boundaries at the
#                    observed information (maxInformation / informationEpsilon)
#                    so "efficacy_z" and "information_fractions_used" are those
#                    of rpact's recalculated design. rpact rounds the
#                    recalculated information rates to 8 decimals (96/130 ->
#                    0.73846154) and, for the final-stage recalculation, the
#                    user alpha spending to 10 decimals (alpha(0.48) ->
#                    0.0012156344), so its recalculated bounds differ from an
#                    exact computation by about 1e-9 (c1 of f1 vs f3).
# termination        The worked termination analysis of
#                    Datasets/simulated_trial_73.csv: stratified and
#                    unstratified log-rank z from survival::survdiff, then
#                    (a) the data read as an interim of the planned K = 2 asOF
#                    design at the observed information fraction and (b) the
#                    data read as the final analysis with all alpha spent now.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(rpact)
  library(survival)
  library(mvtnorm)
  library(jsonlite)
})
setLogLevel("DISABLED")

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "group_sequential_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

alpha1 <- 0.025  # one-sided alpha used unless a case says otherwise

# ------------------------------------------------------------- helpers --

clean <- function(x) {
  x <- as.double(unlist(x))
  x[!is.finite(x)] <- NA
  unname(x)
}
shortest <- function(v) {
  if (is.na(v) || !is.finite(v)) return("null")
  for (d in 15:17) {
    s <- sprintf("%.*g", d, v)
    if (as.double(s) == v) return(s)
  }
  s
}
# JSON scalar number (null when not finite), written verbatim at full precision.
num <- function(x) {
  x <- clean(x)
  stopifnot(length(x) == 1)
  structure(shortest(x), class = "json")
}
# JSON array of numbers, always an array (also for length 0 or 1).
arr <- function(x) {
  x <- clean(x)
  structure(paste0("[", paste(vapply(x, shortest, ""), collapse = ", "), "]"), class = "json")
}
# JSON array of strings (NA -> null).
strs <- function(x) I(as.character(x))
close_to <- function(a, b, tol) {
  a <- clean(a); b <- clean(b)
  length(a) == length(b) &&
    all((is.na(a) & is.na(b)) |
          (!is.na(a) & !is.na(b) & abs(a - b) <= tol * pmax(1, abs(a), abs(b))))
}
check <- function(ok, what) if (!isTRUE(ok)) stop("check failed: ", what)

# Evaluate expr, collecting (and muffling) rpact warnings and messages.
# rpact's messages (e.g. "Under-running: ...") are collected the same way.
with_warnings <- function(expr) {
  w <- character(0)
  m <- character(0)
  value <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  }, message = function(cond) {
    m <<- c(m, trimws(conditionMessage(cond)))
    invokeRestart("muffleMessage")
  })
  list(value = value, warnings = unique(w), messages = unique(m))
}

# rpact design type -> osstats spending-family name
family_name <- c(asOF = "lan-demets-obf", asP = "lan-demets-pocock", asHSD = "hsd",
                 asKD = "kim-demets", OF = "obf", P = "pocock", HP = "haybittle-peto",
                 bsOF = "lan-demets-obf", bsP = "lan-demets-pocock", bsHSD = "hsd",
                 bsKD = "kim-demets")

# Cumulative spending function value in closed form (written independently of
# rpact; same formulas as rpact's getSpendingValueCpp). For "asOF" with sided
# = 2 the value is the TOTAL two-sided alpha spent: 2 * sided * (1 - Phi(
# z_{1 - alpha / (2 sided)} / sqrt(t))). Beta spending uses the one-sided
# forms with alpha replaced by beta.
spend <- function(type, level, t, sided = 1, param = NA) {
  switch(type,
    asOF  = 2 * sided * pnorm(qnorm(1 - level / (2 * sided)) / sqrt(t), lower.tail = FALSE),
    bsOF  = 2 * pnorm(qnorm(1 - level / 2) / sqrt(t), lower.tail = FALSE),
    asP   = , bsP = level * log(1 + (exp(1) - 1) * t),
    asHSD = , bsHSD = if (param == 0) level * t else level * (1 - exp(-param * t)) / (1 - exp(-param)),
    asKD  = , bsKD = level * t^param,
    stop("no closed-form spending function for ", type))
}

hr_from_z <- function(z, events, r = 1) exp(-z * (1 + r) / sqrt(r * events))

# Independent check with mvtnorm (Miwa algorithm, deterministic): probability
# that the canonical process Z_k ~ N(drift sqrt(t_k), 1), Cov(Z_j, Z_k) =
# sqrt(t_j / t_k), first crosses the upper bound b (one-sided, continuation
# region (a_k, b_k) with a = -Inf when futility is ignored) or, for
# two_sided = TRUE, first leaves (-b_k, b_k). Returns cumulative values by look.
gs_cross <- function(b, t, a = rep(-Inf, length(t)), drift = 0, two_sided = FALSE,
                     lower_side = FALSE) {
  K <- length(t)
  sig <- outer(t, t, function(x, y) sqrt(pmin(x, y) / pmax(x, y)))
  mu <- drift * sqrt(t)
  a[!is.finite(a)] <- -40
  alg <- Miwa(steps = 4096)
  inc <- vapply(seq_len(K), function(k) {
    idx <- seq_len(k)
    if (two_sided) {
      if (k == 1) return(2 * pnorm(-b[1]))
      p_in <- function(m) pmvnorm(lower = -b[seq_len(m)], upper = b[seq_len(m)],
                                  mean = mu[seq_len(m)], sigma = sig[seq_len(m), seq_len(m), drop = FALSE],
                                  algorithm = alg)[1]
      return(p_in(k - 1) - p_in(k))
    }
    lo <- c(a[seq_len(k - 1)], if (lower_side) -40 else b[k])
    up <- c(b[seq_len(k - 1)], if (lower_side) a[k] else 40)
    if (k == 1) return(if (lower_side) pnorm(a[1] - mu[1]) else pnorm(b[1] - mu[1], lower.tail = FALSE))
    pmvnorm(lower = lo, upper = up, mean = mu[idx], sigma = sig[idx, idx, drop = FALSE],
            algorithm = alg)[1]
  }, 0)
  cumsum(inc)
}

# ========================================================= boundaries ==

boundary_specs <- list(
  list(name = "asof_k2_equal",          type = "asOF", K = 2),
  list(name = "asof_k3_equal",          type = "asOF", K = 3),
  list(name = "asof_k4_equal",          type = "asOF", K = 4),
  list(name = "asof_k3_t030_070",       type = "asOF", t = c(0.3, 0.7, 1)),
  list(name = "asof_k3_t050_075",       type = "asOF", t = c(0.5, 0.75, 1)),
  list(name = "asp_k2_equal",           type = "asP", K = 2),
  list(name = "asp_k3_equal",           type = "asP", K = 3),
  list(name = "asp_k4_equal",           type = "asP", K = 4),
  list(name = "asp_k3_t030_070",        type = "asP", t = c(0.3, 0.7, 1)),
  list(name = "asp_k3_t050_075",        type = "asP", t = c(0.5, 0.75, 1)),
  list(name = "ashsd_gamma_m4_k3_equal", type = "asHSD", K = 3, param = -4),
  list(name = "ashsd_gamma_1_k3_equal",  type = "asHSD", K = 3, param = 1),
  list(name = "askd_rho_1_k3_equal",    type = "asKD", K = 3, param = 1),
  list(name = "askd_rho_2_k3_equal",    type = "asKD", K = 3, param = 2),
  list(name = "askd_rho_3_k3_equal",    type = "asKD", K = 3, param = 3),
  list(name = "classical_of_k3",        type = "OF", K = 3),
  list(name = "classical_pocock_k3",    type = "P", K = 3),
  list(name = "haybittle_peto_k3",      type = "HP", K = 3),
  list(name = "asof_k3_futility_0_nonbinding", type = "asOF", K = 3,
       futility = list(kind = "fixed", binding = FALSE, bounds = c(0, 0))),
  list(name = "asof_k3_futility_0_binding",    type = "asOF", K = 3,
       futility = list(kind = "fixed", binding = TRUE, bounds = c(0, 0))),
  list(name = "asof_k3_two_sided_alpha_0.05",  type = "asOF", K = 3, alpha = 0.05, sided = 2),
  list(name = "asof_k3_bsof_beta_0.2_nonbinding", type = "asOF", K = 3,
       futility = list(kind = "beta-spending", binding = FALSE, type = "bsOF", beta = 0.2)),
  list(name = "asof_k3_bsof_beta_0.2_binding",    type = "asOF", K = 3,
       futility = list(kind = "beta-spending", binding = TRUE, type = "bsOF", beta = 0.2)),
  list(name = "asp_k3_t030_070_bsp_beta_0.1_nonbinding", type = "asP", t = c(0.3, 0.7, 1),
       futility = list(kind = "beta-spending", binding = FALSE, type = "bsP", beta = 0.1))
)

make_boundary <- function(s) {
  alpha <- if (is.null(s$alpha)) alpha1 else s$alpha
  sided <- if (is.null(s$sided)) 1L else as.integer(s$sided)
  t <- if (is.null(s[["t"]])) seq_len(s$K) / s$K else s[["t"]]
  K <- length(t)
  param <- if (is.null(s$param)) NA_real_ else s$param
  fut <- s$futility
  beta <- if (!is.null(fut) && fut$kind == "beta-spending") fut$beta else 0.2

  args <- list(kMax = K, alpha = alpha, beta = beta, sided = sided,
               typeOfDesign = s$type, informationRates = t)
  if (s$type %in% c("asHSD", "asKD")) args$gammaA <- param
  if (!is.null(fut)) {
    args$bindingFutility <- fut$binding
    if (fut$kind == "fixed") args$futilityBounds <- fut$bounds
    if (fut$kind == "beta-spending") args$typeBetaSpending <- fut$type
  }
  res <- with_warnings({
    d <- do.call(getDesignGroupSequential, args)
    list(d = d, dc = getDesignCharacteristics(d))
  })
  d <- res$value$d
  dc <- res$value$dc

  classical <- s$type %in% c("OF", "P", "HP")
  cum_alpha <- if (classical) d$alphaSpent else spend(s$type, alpha, t, sided, param)
  if (!classical) {
    # rpact's quadrature reproduces the spending function to ~1e-8
    check(close_to(cum_alpha, d$alphaSpent, 2e-8), paste(s$name, "alphaSpent"))
  }

  efficacy <- d$criticalValues
  # mvtnorm: the alpha the bounds actually spend (futility only if binding)
  a_bind <- rep(-Inf, K)
  if (!is.null(fut) && fut$binding) a_bind <- c(d$futilityBounds, efficacy[K])
  alpha_mvt <- gs_cross(efficacy, t, a = a_bind, two_sided = sided == 2)
  check(close_to(alpha_mvt, cum_alpha, 1e-7), paste(s$name, "mvtnorm alpha"))
  futility_z <- NULL
  futility <- NULL
  beta_spent <- NULL
  cum_beta <- NULL
  if (!is.null(fut)) {
    futility_z <- d$futilityBounds
    if (fut$kind == "fixed") {
      futility <- list(kind = "fixed", binding = fut$binding, bounds = arr(fut$bounds))
      check(close_to(futility_z, fut$bounds, 0), paste(s$name, "futility bounds"))
    } else {
      futility <- list(kind = "beta-spending", binding = fut$binding,
                       spending = unname(family_name[fut$type]), parameter = NULL,
                       beta = num(fut$beta))
      beta_spent <- d$betaSpent
      cum_beta <- spend(fut$type, fut$beta, t)
      check(close_to(cum_beta, beta_spent, 2e-8), paste(s$name, "betaSpent"))
      # mvtnorm: futility crossing probability under the solved drift
      a_all <- c(d$futilityBounds, efficacy[K])
      beta_mvt <- gs_cross(efficacy, t, a = a_all, drift = sqrt(dc$shift), lower_side = TRUE)
      check(close_to(beta_mvt, cum_beta, 1e-6), paste(s$name, "mvtnorm beta"))
      # futility and efficacy bounds meet at the last look; power 1 - beta
      check(abs(dc$power[K] - (1 - fut$beta)) < 1e-6, paste(s$name, "power"))
    }
  }

  out <- list(
    name = s$name,
    rpact_type_of_design = s$type,
    spending = unname(family_name[s$type]),
    parameter = if (is.na(param)) NULL else num(param),
    alpha = num(alpha),
    sided = sided,
    information_fractions = arr(t),
    futility = futility,
    efficacy_z = arr(efficacy),
    futility_z = if (is.null(futility_z)) NULL else arr(futility_z),
    cumulative_alpha = arr(cum_alpha),
    rpact_alpha_spent = arr(d$alphaSpent),
    nominal_p = arr(pnorm(efficacy, lower.tail = FALSE)),
    design_beta = num(beta),
    inflation_factor = num(dc$inflationFactor),
    drift = num(sqrt(dc$shift)),
    shift = num(dc$shift)
  )
  if (s$type == "HP") out$hp_constant_bound <- num(d$constantBoundsHP)
  if (!is.null(beta_spent)) {
    out$beta_spent <- arr(beta_spent)
    out$cumulative_beta <- arr(cum_beta)
  }
  out$rpact_warnings <- strs(res$warnings)
  out$rpact_messages <- strs(res$messages)
  out
}

boundaries <- lapply(boundary_specs, make_boundary)

# ============================================================= events ==

method_rpact <- c(schoenfeld = "Schoenfeld", freedman = "Freedman", "hsieh-freedman" = "HsiehFreedman")

events_closed_form <- function(method, hr, alpha, power, r) {
  zz <- (qnorm(1 - alpha) + qnorm(power))^2
  switch(method,
    schoenfeld = zz * (1 + r)^2 / (r * log(hr)^2),
    freedman = zz * (1 + r * hr)^2 / (r * (1 - hr)^2),
    "hsieh-freedman" = zz * (1 + hr)^2 / (1 - hr)^2 * (1 + r)^2 / (4 * r))
}

fixed_events <- function(method, hr, power, r = 1, alpha = alpha1) {
  d1 <- getDesignGroupSequential(kMax = 1, alpha = alpha, beta = 1 - power)
  s <- getSampleSizeSurvival(d1, hazardRatio = hr, median2 = 6, accrualTime = c(0, 36),
                             followUpTime = 12, typeOfComputation = method_rpact[[method]],
                             allocationRatioPlanned = r)
  ev <- s$maxNumberOfEvents
  check(close_to(ev, events_closed_form(method, hr, alpha, power, r), 1e-9),
        paste("events", method, hr, power, r))
  ev
}

events <- list()
for (method in names(method_rpact)) {
  for (hr in c(0.6, 0.65, 0.7, 0.75)) {
    for (power in c(0.8, 0.9)) {
      events[[length(events) + 1]] <- list(
        name = sprintf("%s_hr%.2f_power%.1f", method, hr, power),
        method = method, hr = num(hr), alpha = num(alpha1), power = num(power),
        allocation = 1, fixed_events = num(fixed_events(method, hr, power)))
    }
  }
}
for (method in c("schoenfeld", "freedman")) {
  events[[length(events) + 1]] <- list(
    name = sprintf("%s_hr0.70_power0.8_allocation2", method),
    method = method, hr = num(0.7), alpha = num(alpha1), power = num(0.8),
    allocation = 2, fixed_events = num(fixed_events(method, 0.7, 0.8, r = 2)))
}

# ======================================================== sample_size ==

make_sample_size <- function(name, method = "schoenfeld", hr, power, rates = 1,
                             accrual_end = 36, follow_up = 12, max_n = NULL,
                             dropout = 0, dropout_time = 12, rate = NULL) {
  # Which two of accrual time, accrual rate (rpact's accrualIntensity), follow-up and patients
  # are given; rpact solves the rest.
  given <- c(if (!is.null(accrual_end)) "accrual_time", if (!is.null(rate)) "accrual_rate",
             if (!is.null(max_n)) "patients")
  if (length(given) < 2) given <- c(given, "follow_up")
  K <- length(rates)
  res <- with_warnings({
    d <- if (K == 1) {
      getDesignGroupSequential(kMax = 1, alpha = alpha1, beta = 1 - power)
    } else {
      getDesignGroupSequential(kMax = K, alpha = alpha1, beta = 1 - power,
                               typeOfDesign = "asOF", informationRates = rates)
    }
    args <- list(design = d, hazardRatio = hr, median2 = 6,
                 accrualTime = if (is.null(accrual_end)) 0 else c(0, accrual_end),
                 typeOfComputation = method_rpact[[method]],
                 dropoutRate1 = dropout, dropoutRate2 = dropout, dropoutTime = dropout_time)
    if (!is.null(rate)) args$accrualIntensity <- rate
    if ("follow_up" %in% given) args$followUpTime <- follow_up
    if (!is.null(max_n)) args$maxNumberOfSubjects <- max_n
    s <- do.call(getSampleSizeSurvival, args)
    times <- as.numeric(s$analysisTime)
    accrual_end <- tail(s$accrualTime, 1)
    ep <- getEventProbabilities(time = times[K], accrualTime = c(0, accrual_end),
                                lambda2 = log(2) / 6, hazardRatio = hr,
                                dropoutRate1 = dropout, dropoutRate2 = dropout,
                                dropoutTime = dropout_time,
                                maxNumberOfSubjects = s$maxNumberOfSubjects)
    list(d = d, s = s, ep = ep, infl = getDesignCharacteristics(d)$inflationFactor)
  })
  s <- res$value$s
  p_event <- res$value$ep$overallEventProbabilities
  check(close_to(p_event, s$maxNumberOfEvents / s$maxNumberOfSubjects, 1e-9),
        paste(name, "event probability"))
  if (!is.null(max_n)) check(close_to(s$maxNumberOfSubjects, max_n, 1e-12), paste(name, "N"))
  list(
    name = name, method = method, hr = num(hr), power = num(power),
    control_median = num(6), accrual_time = arr(c(0, res$value$s$accrualTime[length(res$value$s$accrualTime)])),
    accrual_rate = if (is.null(rate)) NULL else num(rate), given = strs(given),
    follow_up = num(s$followUpTime),
    dropout_rate = num(dropout), dropout_time = num(dropout_time),
    information_fractions = arr(rates),
    spending = if (K == 1) NULL else "lan-demets-obf",
    events_per_look = arr(s$eventsPerStage),
    max_events = num(s$maxNumberOfEvents),
    patients = num(s$maxNumberOfSubjects),
    accrual_intensity = num(s$accrualIntensity),
    analysis_times = arr(s$analysisTime),
    expected_events_h1 = if (K == 1) NULL else num(s$expectedEventsH1),
    event_probability = num(p_event),
    inflation_factor = num(res$value$infl),
    rpact_warnings = strs(res$warnings),
    rpact_messages = strs(res$messages)
  )
}

sample_size <- list()
for (hr in c(0.65, 0.7, 0.75)) {
  for (power in c(0.8, 0.9)) {
    sample_size[[length(sample_size) + 1]] <- make_sample_size(
      sprintf("fixed_schoenfeld_hr%.2f_power%.1f", hr, power), hr = hr, power = power)
  }
}
sample_size[[length(sample_size) + 1]] <- make_sample_size(
  "fixed_freedman_hr0.65_power0.8", method = "freedman", hr = 0.65, power = 0.8)
sample_size[[length(sample_size) + 1]] <- make_sample_size(
  "fixed_schoenfeld_hr0.70_power0.9_dropout_0.05_per_12m", hr = 0.7, power = 0.9,
  dropout = 0.05, dropout_time = 12)
for (hr in c(0.65, 0.75)) {
  sample_size[[length(sample_size) + 1]] <- make_sample_size(
    sprintf("asof_k3_schoenfeld_hr%.2f_power0.8", hr), hr = hr, power = 0.8,
    rates = c(1 / 3, 2 / 3, 1))
}
sample_size[[length(sample_size) + 1]] <- make_sample_size(
  "osstats_example_asof_k2_hr0.60_power0.8_n142", hr = 0.6, power = 0.8,
  rates = c(0.5, 1), accrual_end = 42, max_n = 142)
# Accrual given as a rate (accrualIntensity): with the follow-up (rpact solves the accrual time)
# and with the accrual time (rpact solves the follow-up).
sample_size[[length(sample_size) + 1]] <- make_sample_size(
  "asof_k2_hr0.60_power0.8_rate3.5_followup6", hr = 0.6, power = 0.8,
  rates = c(0.5, 1), accrual_end = NULL, rate = 3.5, follow_up = 6)
sample_size[[length(sample_size) + 1]] <- make_sample_size(
  "asof_k2_hr0.60_power0.8_rate3.5_accrual40", hr = 0.6, power = 0.8,
  rates = c(0.5, 1), accrual_end = 40, rate = 3.5)

# ================================================== conditional_power ==

# One case: design `d` (asOF with information fractions `rates`), `max_events`
# planned, data at looks 1..k given by cumulative `ev` and favourable `z`.
make_cp <- function(name, rates, max_events, ev, z, hr_h1 = 0.7) {
  K <- length(rates)
  k <- length(ev)
  t <- ev[k] / max_events
  res <- with_warnings({
    d <- getDesignGroupSequential(kMax = K, alpha = alpha1, typeOfDesign = "asOF",
                                  informationRates = rates)
    ds <- getDataset(overallEvents = ev, overallLogRanks = -z,
                     overallAllocationRatios = rep(1, k))
    sr <- getStageResults(d, ds, directionUpper = FALSE)
    n_planned <- diff(rates * max_events)[k:(K - 1)]
    hr_obs <- sr$effectSizes[k]
    cp_t <- getConditionalPower(sr, nPlanned = n_planned, thetaH1 = hr_obs)$conditionalPower
    cp_1 <- getConditionalPower(sr, nPlanned = n_planned, thetaH1 = hr_h1)$conditionalPower
    cp_def <- getConditionalPower(sr, nPlanned = n_planned)$conditionalPower
    list(d = d, hr_obs = hr_obs, cp_t = cp_t[K], cp_1 = cp_1[K], cp_def = cp_def[K])
  })
  v <- res$value
  check(close_to(v$hr_obs, hr_from_z(z[k], ev[k]), 1e-12), paste(name, "HR"))
  # the default thetaH1 is the current trend
  check(close_to(v$cp_t, v$cp_def, 1e-12), paste(name, "CP default"))
  pp <- NULL
  if (k == K - 1) {
    cK <- v$d$criticalValues[K]
    b <- z[k] * sqrt(t)
    cp_closed <- function(eta) pnorm((cK - b - eta * (1 - t)) / sqrt(1 - t), lower.tail = FALSE)
    eta_trend <- z[k] / sqrt(t)
    eta_h1 <- -log(hr_h1) * sqrt(max_events) / 2
    check(close_to(v$cp_t, cp_closed(eta_trend), 1e-7), paste(name, "CP trend closed form"))
    check(close_to(v$cp_1, cp_closed(eta_h1), 1e-7), paste(name, "CP H1 closed form"))
    pp <- num(pnorm((z[k] - cK * sqrt(t)) / sqrt(1 - t)))
  }
  list(
    name = name,
    design = list(spending = "lan-demets-obf", information_fractions = arr(rates),
                  alpha = num(alpha1)),
    efficacy_z = arr(v$d$criticalValues),
    max_events = num(max_events),
    look = k,
    events = num(ev[k]),
    z = num(z[k]),
    previous_events = arr(ev[-k]),
    previous_z = arr(z[-k]),
    information_fraction = num(t),
    hr_estimate = num(v$hr_obs),
    hr_h1 = num(hr_h1),
    cp_trend = num(v$cp_t),
    cp_h1 = num(v$cp_1),
    predictive_power = pp,
    rpact_warnings = strs(res$warnings),
    rpact_messages = strs(res$messages)
  )
}

conditional_power <- list()
for (z in c(0.5, 1, 1.5, 2, 2.5)) {
  conditional_power[[length(conditional_power) + 1]] <- make_cp(
    sprintf("d1_asof_k2_look1_z%.1f", z), c(0.5, 1), 200, 100, z)
}
for (z in c(1, 1.5, 2)) {
  conditional_power[[length(conditional_power) + 1]] <- make_cp(
    sprintf("d2_asof_k3_look1_z%.1f", z), c(1, 2, 3) / 3, 300, 100, z)
}
for (z in c(1, 1.5, 2)) {
  conditional_power[[length(conditional_power) + 1]] <- make_cp(
    sprintf("d2_asof_k3_look2_z%.1f", z), c(1, 2, 3) / 3, 300, c(100, 200), c(1.2, z))
}

# =========================================================== analysis ==

first_finite <- function(x) {
  x <- clean(x)
  x <- x[!is.na(x)]
  if (length(x) == 0) NA_real_ else x[1]
}

make_analysis <- function(name, rates, ev, z, max_info = NULL, epsilon = NULL,
                          n_planned = NULL, hr_h1 = NULL) {
  K <- length(rates)
  k <- length(ev)
  res <- with_warnings({
    d <- getDesignGroupSequential(kMax = K, alpha = alpha1, typeOfDesign = "asOF",
                                  informationRates = rates)
    ds <- getDataset(overallEvents = ev, overallLogRanks = -z,
                     overallAllocationRatios = rep(1, k))
    args <- list(design = d, dataInput = ds, directionUpper = FALSE)
    if (!is.null(max_info)) args$maxInformation <- max_info
    if (!is.null(epsilon)) args$informationEpsilon <- epsilon
    if (!is.null(n_planned)) args$nPlanned <- n_planned
    ar_h1 <- NULL
    ar_trend <- NULL
    if (!is.null(n_planned)) {
      ar_trend <- do.call(getAnalysisResults, args)       # thetaH1 defaults to the trend
      ar_h1 <- do.call(getAnalysisResults, c(args, list(thetaH1 = hr_h1)))
      ar <- ar_h1
    } else {
      ar <- do.call(getAnalysisResults, args)
    }
    list(ar = ar, ar_trend = ar_trend, ar_h1 = ar_h1)
  })
  ar <- res$value$ar
  dd <- ar$.design
  hr <- hr_from_z(z, ev)
  check(close_to(ar$.stageResults$effectSizes[1:k], hr, 1e-12), paste(name, "HR"))
  cp_trend <- cp_h1 <- NA_real_
  if (!is.null(n_planned)) {
    cp_trend <- res$value$ar_trend$conditionalPower[dd$kMax]
    cp_h1 <- res$value$ar_h1$conditionalPower[dd$kMax]
    check(close_to(res$value$ar_trend$thetaH1, hr[k], 1e-12), paste(name, "trend thetaH1"))
  }
  list(
    name = name,
    design = list(spending = "lan-demets-obf", information_fractions = arr(rates),
                  alpha = num(alpha1)),
    events = arr(ev),
    z = arr(z),
    max_events = if (is.null(max_info)) NULL else num(max_info),
    information_epsilon = if (is.null(epsilon)) NULL else num(epsilon),
    efficacy_z = arr(dd$criticalValues),
    information_fractions_used = arr(dd$informationRates),
    cumulative_alpha_used = arr(dd$alphaSpent),
    hr_estimate = arr(hr),
    rci_lower = arr(ar$repeatedConfidenceIntervalLowerBounds[1:k]),
    rci_upper = arr(ar$repeatedConfidenceIntervalUpperBounds[1:k]),
    repeated_p = arr(ar$repeatedPValues[1:k]),
    final_stage = if (is.na(ar$finalStage)) NULL else as.integer(ar$finalStage),
    final_p = num(first_finite(ar$finalPValues)),
    mue_hr = num(first_finite(ar$medianUnbiasedEstimates)),
    final_ci_lower = num(first_finite(ar$finalConfidenceIntervalLowerBounds)),
    final_ci_upper = num(first_finite(ar$finalConfidenceIntervalUpperBounds)),
    decision = strs(ar$testActions[1:k]),
    conditional_rejection_probability = arr(ar$conditionalRejectionProbabilities[1:k]),
    n_planned = if (is.null(n_planned)) NULL else num(n_planned),
    cp_trend = num(cp_trend),
    cp_h1 = num(cp_h1),
    hr_h1 = if (is.null(hr_h1)) NULL else num(hr_h1),
    rpact_warnings = strs(res$warnings),
    rpact_messages = strs(res$messages)
  )
}

analysis <- list(
  make_analysis("e_asof_k3_equal_stop_look2", c(1, 2, 3) / 3, c(100, 200), c(1.5, 2.8)),
  make_analysis("f1_asof_k3_t050_075_underrun_look2_final", c(0.5, 0.75, 1), c(96, 130),
                c(1.2, 2.1), max_info = 200, epsilon = 70),
  make_analysis("f2_asof_k3_t050_075_overrun_215_look2_final", c(0.5, 0.75, 1), c(96, 215),
                c(1.2, 2.1), max_info = 200, epsilon = 70),
  make_analysis("f3_asof_k3_t050_075_second_interim_t048_065", c(0.5, 0.75, 1), c(96, 130),
                c(1.2, 2.1), max_info = 200, n_planned = 70, hr_h1 = 0.7),
  # The CLI's --previous-looks: the simulated 73-patient cohort's 64 deaths (stratified z from
  # survdiff, as in the termination section) read as the final look of the assumed 2-look design
  # (121 deaths) after an earlier look at 30 deaths with z = 0.5 (under-running final).
  make_analysis("g_asof_k2_simulated73_previous_look_final", c(0.5, 1), c(30, 64),
                c(0.5, 0.9062419516237076), max_info = 121, epsilon = 60)
)
# f3 read with maxInformation = 200 must equal the design planned at t = (0.48, 0.65, 1).
local({
  d <- getDesignGroupSequential(kMax = 3, alpha = alpha1, typeOfDesign = "asOF",
                                informationRates = c(0.48, 0.65, 1))
  ds <- getDataset(overallEvents = c(96, 130), overallLogRanks = -c(1.2, 2.1),
                   overallAllocationRatios = c(1, 1))
  ar <- getAnalysisResults(d, ds, directionUpper = FALSE, nPlanned = 70, thetaH1 = 0.7)
  f3 <- analysis[[4]]
  check(close_to(d$criticalValues, fromJSON(f3$efficacy_z), 1e-12), "f3 bounds")
  check(close_to(ar$conditionalPower[3], fromJSON(f3$cp_h1), 1e-12), "f3 CP")
  check(close_to(ar$repeatedPValues[1:2], fromJSON(f3$repeated_p), 1e-12), "f3 repeated p")
})

# ======================================================== termination ==

term_max_events <- 121
term_patients <- 142
term_hr <- 0.6

termination <- local({
  x <- read.csv(file.path(data_dir, "simulated_trial_73.csv"), stringsAsFactors = FALSE)
  control <- "salvage"
  experimental <- "salvage+dexamethasone"
  stopifnot(setequal(unique(x$arm), c(control, experimental)))
  x$arm <- factor(x$arm, levels = c(control, experimental))
  D <- sum(x$status == 1)

  # log-rank z in the favourable direction: (E - O) / sqrt(V) for the
  # experimental arm, positive when it has fewer deaths than expected
  # (survdiff returns obs and exp as groups x strata matrices when stratified)
  lr_z <- function(fit) {
    j <- 2  # experimental arm
    o <- rowSums(matrix(fit$obs, nrow = 2))
    e <- rowSums(matrix(fit$exp, nrow = 2))
    (e[j] - o[j]) / sqrt(fit$var[j, j])
  }
  sd_s <- survdiff(Surv(time, status) ~ arm + strata(stratum), data = x)
  sd_u <- survdiff(Surv(time, status) ~ arm, data = x)
  obs_s <- rowSums(matrix(sd_s$obs, nrow = 2))
  exp_s <- rowSums(matrix(sd_s$exp, nrow = 2))
  z_s <- lr_z(sd_s)
  z_u <- lr_z(sd_u)
  check(close_to(z_s^2, sd_s$chisq, 1e-10), "stratified chisq")
  check(close_to(z_u^2, sd_u$chisq, 1e-10), "unstratified chisq")

  # planned design and its maximum number of events
  d_plan <- getDesignGroupSequential(kMax = 2, alpha = alpha1, beta = 0.2,
                                     typeOfDesign = "asOF", informationRates = c(0.5, 1))
  infl <- getDesignCharacteristics(d_plan)$inflationFactor
  ev_fixed <- fixed_events("schoenfeld", term_hr, 0.8)
  d_max <- ceiling(ev_fixed * infl)
  check(d_max == term_max_events, "max events 121")
  t <- D / d_max
  z <- z_s

  # (a) interim reading at the observed information fraction
  res_a <- with_warnings({
    d_int <- getDesignGroupSequential(kMax = 2, alpha = alpha1, typeOfDesign = "asOF",
                                      informationRates = c(t, 1))
    ds <- getDataset(overallEvents = D, overallLogRanks = -z, overallAllocationRatios = 1)
    ar_h1 <- getAnalysisResults(d_int, ds, directionUpper = FALSE,
                                nPlanned = d_max - D, thetaH1 = term_hr)
    ar_tr <- getAnalysisResults(d_int, ds, directionUpper = FALSE, nPlanned = d_max - D)
    # the same reading through rpact's boundary recalculation
    ar_mi <- getAnalysisResults(d_plan, ds, directionUpper = FALSE, maxInformation = d_max,
                                nPlanned = d_max - D, thetaH1 = term_hr)
    list(d = d_int, ar_h1 = ar_h1, ar_tr = ar_tr, ar_mi = ar_mi)
  })
  a <- res_a$value
  c12 <- a$d$criticalValues
  # (rpact rounds recalculated information rates to 8 decimals: 0.52892562)
  check(close_to(a$ar_mi$.design$criticalValues, c12, 1e-8), "termination maxInformation bounds")
  check(close_to(a$ar_mi$conditionalPower[2], a$ar_h1$conditionalPower[2], 1e-8),
        "termination maxInformation CP")
  hr_obs <- hr_from_z(z, D)
  cp_closed <- function(eta) pnorm((c12[2] - z * sqrt(t) - eta * (1 - t)) / sqrt(1 - t),
                                   lower.tail = FALSE)
  cp_tr <- a$ar_tr$conditionalPower[2]
  cp_h1 <- a$ar_h1$conditionalPower[2]
  check(close_to(cp_tr, cp_closed(z / sqrt(t)), 1e-7), "termination CP trend")
  check(close_to(cp_h1, cp_closed(-log(term_hr) * sqrt(d_max) / 2), 1e-7), "termination CP H1")
  check(close_to(a$ar_h1$.stageResults$effectSizes[1], hr_obs, 1e-12), "termination HR")
  alpha_t <- spend("asOF", alpha1, t)
  check(close_to(alpha_t, a$d$alphaSpent[1], 2e-8), "termination alpha(t)")

  # (b) final reading: all remaining alpha spent now (a fixed one-look test at
  # level 0.025); the rpact side is a kMax = 1 design.
  # rpact 3.3.4 quirk: getAnalysisResults(d_plan, maxInformation = D), i.e.
  # declaring the FIRST look final, stops with "length of 'informationRates'
  # (1) must be equal to 'kMax' (2)" on a freshly created design, but works
  # (recalculated kMax = 1 design, c = 1.959964) once
  # getDesignCharacteristics() has been called on that design object. Both
  # outcomes are recorded.
  res_b <- with_warnings({
    d_fin <- getDesignGroupSequential(kMax = 1, alpha = alpha1)
    ds <- getDataset(overallEvents = D, overallLogRanks = -z, overallAllocationRatios = 1)
    list(d = d_fin, ar = getAnalysisResults(d_fin, ds, directionUpper = FALSE))
  })
  fresh_plan <- function() getDesignGroupSequential(kMax = 2, alpha = alpha1, beta = 0.2,
                                                     typeOfDesign = "asOF",
                                                     informationRates = c(0.5, 1))
  ds_fin <- getDataset(overallEvents = D, overallLogRanks = -z, overallAllocationRatios = 1)
  err_mi <- tryCatch(suppressMessages({
    getAnalysisResults(fresh_plan(), ds_fin, directionUpper = FALSE, maxInformation = D)
    NA_character_
  }), error = function(e) conditionMessage(e))
  c_mi <- tryCatch(suppressMessages({
    dp <- fresh_plan()
    invisible(getDesignCharacteristics(dp))
    getAnalysisResults(dp, ds_fin, directionUpper = FALSE, maxInformation = D)$.design$criticalValues
  }), error = function(e) NA_real_)
  b <- res_b$value
  c_fin <- qnorm(1 - alpha1)
  check(close_to(b$d$criticalValues, c_fin, 1e-14), "final critical value")
  p_fin <- pnorm(z, lower.tail = FALSE)
  check(close_to(b$ar$repeatedPValues[1], p_fin, 1e-12), "final p")
  half <- c_fin * 2 / sqrt(D)
  ci_fin <- exp(log(hr_obs) + c(-1, 1) * half)
  check(close_to(c(b$ar$repeatedConfidenceIntervalLowerBounds[1],
                   b$ar$repeatedConfidenceIntervalUpperBounds[1]), ci_fin, 1e-6), "final CI")

  list(
    name = "simulated_trial_73_termination",
    data_file = "Datasets/simulated_trial_73.csv",
    control_arm = control,
    experimental_arm = experimental,
    n = nrow(x),
    n_per_arm = arr(as.numeric(table(x$arm))),
    events = D,
    observed_per_arm = arr(obs_s),
    expected_per_arm_stratified = arr(exp_s),
    expected_per_arm_unstratified = arr(sd_u$exp),
    variance_stratified = num(sd_s$var[2, 2]),
    variance_unstratified = num(sd_u$var[2, 2]),
    z_stratified = num(z_s),
    z_unstratified = num(z_u),
    chisq_stratified = num(sd_s$chisq),
    chisq_unstratified = num(sd_u$chisq),
    hr_estimate_stratified = num(hr_obs),
    hr_estimate_unstratified = num(hr_from_z(z_u, D)),
    z_used = "stratified",
    design = list(
      spending = "lan-demets-obf", information_fractions = arr(c(0.5, 1)),
      alpha = num(alpha1), sided = 1L, hr = num(term_hr), power = num(0.8),
      fixed_events_schoenfeld = num(ev_fixed), inflation_factor = num(infl),
      max_events_unrounded = num(ev_fixed * infl), max_events = d_max,
      planned_patients = term_patients,
      planned_efficacy_z = arr(d_plan$criticalValues)
    ),
    information_fraction = num(t),
    interim = list(
      information_fractions = arr(c(t, 1)),
      c1 = num(c12[1]),
      c2 = num(c12[2]),
      nominal_p1 = num(pnorm(c12[1], lower.tail = FALSE)),
      cumulative_alpha_at_t = num(alpha_t),
      rpact_alpha_spent = arr(a$d$alphaSpent),
      decision = a$ar_h1$testActions[1],
      rci_lower = num(a$ar_h1$repeatedConfidenceIntervalLowerBounds[1]),
      rci_upper = num(a$ar_h1$repeatedConfidenceIntervalUpperBounds[1]),
      repeated_p = num(a$ar_h1$repeatedPValues[1]),
      remaining_events = d_max - D,
      cp_trend = num(cp_tr),
      cp_h1 = num(cp_h1),
      hr_h1 = num(term_hr),
      conditional_rejection_probability = num(a$ar_h1$conditionalRejectionProbabilities[1]),
      rpact_warnings = strs(res_a$warnings),
    rpact_messages = strs(res_a$messages)
    ),
    final = list(
      critical_z = num(c_fin),
      rpact_critical_z = num(b$d$criticalValues),
      p_one_sided = num(p_fin),
      rpact_p = num(b$ar$repeatedPValues[1]),
      significant = z > c_fin,
      decision = b$ar$testActions[1],
      hr_estimate = num(hr_obs),
      ci_lower = num(ci_fin[1]),
      ci_upper = num(ci_fin[2]),
      rpact_ci_lower = num(b$ar$repeatedConfidenceIntervalLowerBounds[1]),
      rpact_ci_upper = num(b$ar$repeatedConfidenceIntervalUpperBounds[1]),
      rpact_max_information_error = err_mi,
      rpact_max_information_critical_z_after_characteristics = arr(c_mi),
      rpact_warnings = strs(res_b$warnings),
    rpact_messages = strs(res_b$messages)
    )
  )
})

# ============================================== classical_monitoring ==
# A classical boundary keeps its planned z at each look; a final look at unplanned information
# takes the z that brings the exact type I error to alpha. rpact recalculates only alpha-spending
# designs, so the reference is mvtnorm (Miwa, 4096 steps) with uniroot: Haybittle-Peto, K = 3
# planned at (1/3, 2/3, 1) of 121 deaths, looks at 40 and 70 deaths, look 2 declared final.
classical_monitoring <- local({
  rho <- sqrt(40 / 70)
  corr <- matrix(c(1, rho, rho, 1), 2)
  type1 <- function(c2) {
    1 - pmvnorm(upper = c(3, c2), corr = corr, algorithm = Miwa(steps = 4096))[1]
  }
  c2 <- uniroot(function(c2) type1(c2) - alpha1, c(1, 3), tol = 1e-13)$root
  check(close_to(type1(c2), alpha1, 1e-10), "classical final alpha")
  list(list(
    name = "haybittle_peto_k3_final_at_look2", spending = "haybittle-peto",
    information_fractions = arr(c(1, 2, 3) / 3), max_events = num(121),
    events = arr(c(40, 70)), z = arr(c(1, 1.5)),
    efficacy_z = arr(c(3, c2)), cumulative_alpha = arr(c(pnorm(3, lower.tail = FALSE), type1(c2)))
  ))
})

# ============================================================= power ==
# Power for given events (getPowerSurvival with maxNumberOfEvents): what 73 patients buy (survey
# section 3(c): uniform accrual over 36 months, analysis at month 48, control median 6, fixed
# design), a two-look asOF design with 60 events (section 3(g)'s analytic comparator), and a
# Freedman case.
make_power <- function(name, hr, events, rates = 1, method = "schoenfeld") {
  K <- length(rates)
  res <- with_warnings({
    d <- if (K == 1) getDesignGroupSequential(kMax = 1, alpha = alpha1)
         else getDesignGroupSequential(kMax = K, alpha = alpha1, typeOfDesign = "asOF",
                                       informationRates = rates)
    getPowerSurvival(d, hazardRatio = hr, lambda2 = log(2) / 6, accrualTime = c(0, 36),
                     maxNumberOfSubjects = 500, maxNumberOfEvents = events,
                     typeOfComputation = method_rpact[[method]], directionUpper = FALSE)
  })
  p <- res$value
  list(
    name = name, method = method, hr = num(hr), events = num(events),
    information_fractions = arr(rates), spending = if (K == 1) NULL else "lan-demets-obf",
    power = num(p$overallReject), reject_per_look = arr(p$rejectPerStage),
    futility_per_look = arr(if (K == 1) 0 else c(p$futilityPerStage, 0)),
    expected_events_h1 = num(p$expectedNumberOfEvents),
    rpact_warnings = strs(res$warnings), rpact_messages = strs(res$messages)
  )
}
power <- list()
for (hr in c(0.5, 0.6, 0.65, 0.7, 0.75)) {
  ep <- getEventProbabilities(time = 48, accrualTime = c(0, 36), lambda2 = log(2) / 6,
                              hazardRatio = hr, maxNumberOfSubjects = 73)
  power[[length(power) + 1]] <- make_power(
    sprintf("fixed_73_patients_hr%.2f", hr), hr, 73 * ep$overallEventProbabilities)
}
power[[length(power) + 1]] <- make_power("asof_k2_hr0.60_60_events", 0.6, 60, rates = c(0.5, 1))
power[[length(power) + 1]] <- make_power("fixed_freedman_hr0.70_100_events", 0.7, 100, method = "freedman")
check(close_to(power[[3]]$power, 0.415360, 1e-6), "73 patients HR 0.65 power")
check(close_to(power[[6]]$power, 0.505604, 1e-6), "asOF K=2 60 events power")

# ============================================================== write ==

versions <- list(
  R = R.version.string,
  rpact = packageDescription("rpact")$Version,
  survival = packageDescription("survival")$Version,
  mvtnorm = packageDescription("mvtnorm")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

out <- list(
  versions = versions,
  generated_by = "Datasets/References/group_sequential_reference.R",
  boundaries = boundaries,
  events = events,
  sample_size = sample_size,
  conditional_power = conditional_power,
  analysis = analysis,
  termination = termination,
  classical_monitoring = classical_monitoring,
  power = power
)

json <- toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null",
               null = "null", json_verbatim = TRUE)
# The verbatim numbers must survive the round trip.
back <- fromJSON(json, simplifyVector = FALSE)
stopifnot(length(back$boundaries) == length(boundaries))
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d boundaries, %d events, %d sample_size, %d conditional_power, %d analysis\n",
            out_file, length(boundaries), length(events), length(sample_size),
            length(conditional_power), length(analysis)))
