# sequential_simulation_reference.R -- reference values for simulating a whole
# group-sequential monitoring plan, and for log-rank / MaxCombo power under a
# delayed treatment effect.
#
# Run from the repository root:
#     Rscript Datasets/References/sequential_simulation_reference.R
# It reads the four design files in Datasets/References/sequential_designs/
# (written by `osstats design`, commands below and in Datasets/README.md) and
# writes Datasets/References/sequential_simulation_reference.json.
# Needs rpact, mvtnorm, survival, jsonlite (Debian: apt-get install
# r-cran-rpact r-cran-mvtnorm). About 4.5 minutes of CPU on one core.
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), rpact 3.3.4,
# survival 3.5-3, mvtnorm 1.1-3, jsonlite 1.8.4; the versions actually used
# are recorded in the JSON under "versions", with the osstats version that
# wrote the design files. Every random stream is seeded, nothing is
# multi-threaded, and the output holds no timestamps or timings, so two runs
# give byte-identical files. Numbers are written as the shortest decimal text
# that reads back as the same double (15 to 17 significant digits).
#
# Part 1: the monitoring plan (key "designs")
# -------------------------------------------
# Design files (all simulated planning assumptions: HR 0.6, control median 6
# months, uniform accrual over 42 months, one-sided alpha 0.025, power 0.8):
#   osstats design --hr 0.6 --information-fractions 0.33,0.67,1 --control-median 6 --accrual-time 42 --patients 160 --output Datasets/References/sequential_designs/obf_3looks.json
#   osstats design --hr 0.6 --spending lan-demets-pocock --information-fractions 0.4,0.7,1 --control-median 6 --accrual-time 42 --patients 180 --output Datasets/References/sequential_designs/pocock_3looks.json
#   osstats design --hr 0.6 --information-fractions 0.33,0.67,1 --futility-spending lan-demets-obf --control-median 6 --accrual-time 42 --patients 180 --output Datasets/References/sequential_designs/futility_3looks.json
#   osstats design --hr 0.6 --information-fractions 0.5,1 --control-median 6 --accrual-time 42 --patients 160 --dropout-rate 0.05 --dropout-time 12 --output Datasets/References/sequential_designs/dropout_2looks.json
#
# The plan that is simulated: N patients, two arms 1:1, exponential survival
# (control hazard log(2)/median, experimental hazard HR times it), optional
# exponential dropout on both arms (the design file's proportion dropout_rate
# lost by dropout_time months, i.e. hazard -log(1 - rate)/time); looks at the
# design file's cumulative event counts D_k (looks[].events); at each look
# the unstratified log-rank z in the favourable direction (positive when the
# experimental arm has fewer deaths); stop for efficacy when z >= c_k, for
# futility when z <= f_k (interim looks of the futility design only; the
# trial stops there although the bound is non-binding), else continue; the
# last look is the final analysis.
#
# Boundaries: c_k is the design's spending function evaluated at the looks'
# ACTUAL information fractions D_k / D_max (41/122 = 0.336..., not the
# planned 0.33), as `osstats monitor` recomputes them when the events fall as
# planned. The rpact design is getDesignGroupSequential(typeOfDesign = "asOF"
# or "asP", informationRates = D_k / D_max), so its criticalValues are those
# c_k; they are recorded ("efficacy_z") beside an independent recomputation
# with mvtnorm ("efficacy_z_recomputed", checked to 1e-6) and the design
# file's own z at the planned fractions ("design_file_efficacy_z").
# Futility: the design file's futility_z (beta spending, non-binding, at the
# planned fractions) used as they are, as fixed non-binding futilityBounds
# (bindingFutility = FALSE, so they do not move c_k). The script checks them
# against rpact's own beta-spending design (typeBetaSpending = "bsOF") at the
# planned fractions (to 1e-6). rpact designs without futility carry
# futilityBounds = -6 internally; no simulated z reaches it (checked).
#
# rpact conventions: one-sided, directionUpper = FALSE because HR < 1 favours
# the experimental arm (treatment group 1 in rpact); lambda2 = log(2)/median
# is the control hazard; allocation1 = allocation2 = 1; dropoutRate1 =
# dropoutRate2 = dropout_rate with dropoutTime = dropout_time (rpact turns
# this into the hazard -log(1 - rate)/time, as the design file means it).
#
# How rpact 3.3.4 generates recruitment and allocation (read in
# R/f_simulation_base_survival.R and src/f_simulation_base_survival.cpp of
# the v3.3.4 sources, and confirmed on rpact's raw data below):
# * recruitment is DETERMINISTIC: patient i (i = 1..N) enters at i * A / N,
#   the same in every iteration (cumsum of the constant spacing A/N; the last
#   patient enters at A, nobody at 0). Only survival and dropout times are
#   random.
# * allocation is DETERMINISTIC: rep(c(rep(1, allocation1), rep(2,
#   allocation2))) in order of entry, i.e. 1, 2, 1, 2, ... (1 = experimental).
# * an analysis at D events is at the calendar time of the D-th event, found
#   by bisection to 1e-5 months and then moved by 1e-5 if the count is off;
#   patients with entry <= that time are analysed and counted as subjects.
# Consequences: (a) look times and the study duration come out LATER in
# rpact than with random uniform entry, here by 0.09 to 0.2 months. The grid
# reproduces the expected-events curve (a midpoint rule), so rpact's mean
# time of the D-th event is close to t* where E N(t*) = D; with iid entries
# the D-th event is the D-th order statistic of N iid calendar event times,
# whose mean is near F^-1(D / (N + 1)), earlier by about D / (N (N + 1) f(t*))
# (f the density of a calendar event time): 0.20 months for the final look
# of obf_3looks under H0. The script computes the exact expected time of the
# first look under both entry models ("first_look_expected_time_grid_entry",
# "..._random_entry") and checks each simulator against its own (4.5 SE);
# (b) patients enrolled by time t are floor(t N / A) (capped at N), about
# half a patient fewer than the N t / A expected under random entry, which
# partly offsets the later look times (here rpact's expected patients differ
# from own_simulation's by less than 0.4, in either direction); (c) the look
# times vary less. So for expected duration and expected patients osstats
# (entries iid uniform on [0, A], permuted blocks of 4) should be compared
# with "own_simulation", this script's simulator of that same model, and
# with rpact only to within about 0.25 months / 0.5 patients plus Monte
# Carlo error; stopping probabilities, power, expected events and the HR
# estimate agree between the two simulators within Monte Carlo error.
# rpact's expectedNumberOfSubjects is a PLUG-IN value, sum_k (mean subjects
# at look k over all trials that reached look k) * P(stop at k), not the mean
# of the patients enrolled when the trial stops; the latter is computed from
# rpact's per-iteration data (getData) as "expected_subjects". rpact's
# studyDuration IS the mean calendar time of the stopping analysis.
#
# HR estimate at stopping: exp(-z (1 + r) / sqrt(r D)), r = 1, D the events at
# the stopping look: rpact's per-iteration hazardRatioEstimateLR (checked to
# be exactly this). Monte Carlo SEs: sqrt(p (1 - p) / iterations) for
# probabilities, sd / sqrt(iterations) for means, from the per-iteration data.
#
# Analytic comparators: rpact getPowerSurvival on the same design
# (maxNumberOfEvents = D_max; rpact uses the Schoenfeld drift |log HR| sqrt(D_k)
# / 2 and includes futility stopping), checked against an mvtnorm computation
# to 1e-6; and the design file's own efficacy_probability_h1 (at the planned
# fractions and the design's drift).
#
# Part 2: delayed effect and MaxCombo (key "delayed_effect")
# -----------------------------------------------------------
# simtrial is not packaged for Debian (apt-cache policy r-cran-simtrial: no
# candidate), so this script simulates on its own: N = 142 entering
# uniformly at random over 42 months, arms by permuted blocks of 4, control
# exponential with median 6, experimental hazard equal to control for t < 3
# months and 0.6 times it after (piecewise exponential, by inverting the
# cumulative hazard), no dropout, one analysis at the calendar time of the
# 100th event. Also a proportional-hazards scenario (HR 0.6 from time 0, same
# N and D; against Schoenfeld) and a null scenario (HR 1; type I error).
# rpact's getSimulationSurvival (piecewiseSurvivalTime = c(0, 3), lambda1 =
# lambda2 * c(1, 0.6)) gives an independent log-rank power for both.
#
# Conventions matched to osstats `logrank --maxcombo` (Sources/Survival/
# LogRank/MaxCombo.swift, LogRankWeights.swift, LogRankSums.swift):
# * weights FH(rho, gamma) = S(t-)^rho (1 - S(t-))^gamma with S the POOLED
#   Kaplan-Meier estimate, LEFT-continuous: at event time t_i, S(t_i-) =
#   prod over event times t_j < t_i of (1 - d_j / n_j) (1 at the first event
#   time, so FH(0, 1) has weight 0 there);
# * components in the order FH(0,0), FH(0,1), FH(1,0), FH(1,1); each score
#   U = sum w (d_1 - d n_1 / n) with the hypergeometric variance
#   V = sum w^2 d (n - d) / (n - 1) (n_1 / n)(1 - n_1 / n) (no ties here, so
#   d = 1); z = (O - E) / sqrt(V) of the second group;
# * correlation = the null covariance of the weighted scores estimated from
#   the same data, sum w_a w_b d (n - d)/(n - 1) (n_1/n)(1 - n_1/n), divided
#   by sqrt(V_a V_b);
# * one-sided in the favourable direction = osstats `--alternative less`
#   with the experimental arm as the second group: statistic min_j z_j,
#   p = 1 - P(Z_j > min z for all j) under N(0, R). Here y_j = -z_j (positive
#   = benefit), m = max_j y_j and p = P(max_j Y_j >= m); reject when
#   p <= 0.025. The log-rank test is component FH(0,0): reject when y_1 >=
#   qnorm(0.975).
# The exact p-value: FH(0,0) = FH(0,1) + FH(1,0) (the weights 1 = (1 - S) + S),
# so U_1 = U_2 + U_3 and R is singular (rank 3); Miwa refuses it and
# GenzBretz is slow and noisy on it. Because s_1 <= s_2 + s_3 (Minkowski,
# s_j = sqrt(V_j)), {Y_2 > m, Y_3 > m} implies {Y_1 > m} when m >= 0, and
# inclusion-exclusion reduces p exactly to non-singular pieces:
#   p = 4 (1 - Phi(m)) - sum_{(a,b) in 12,13,14,24,34} P(Y_a > m, Y_b > m)
#       + P(Y_1 > m, Y_2 > m, Y_4 > m) + P(Y_1 > m, Y_3 > m, Y_4 > m),
# each bivariate / trivariate orthant by mvtnorm::pmvnorm(algorithm =
# TVPACK(1e-14)), deterministic. It is evaluated only where the decision
# needs it: p > 0.025 whenever m < qnorm(0.975) (p >= P(Y_1 >= m)), and
# p <= 0.025 whenever m >= qnorm(1 - 0.025 / 4) (Bonferroni). The formula is
# checked against GenzBretz on a few trials.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(rpact)
  library(survival)
  library(mvtnorm)
  library(jsonlite)
})
setLogLevel("DISABLED")

ref_dir <- file.path("Datasets", "References")
design_dir <- file.path(ref_dir, "sequential_designs")
out_file <- file.path(ref_dir, "sequential_simulation_reference.json")
if (!dir.exists(design_dir)) {
  stop("run this script from the repository root (", design_dir, " must exist)")
}
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

iterations <- 100000L        # per design and scenario, rpact and own simulator
chunk <- 10000L              # own simulator: trials generated at once
delayed_trials <- 100000L    # per delayed-effect scenario
designs <- c("obf_3looks", "pocock_3looks", "futility_3looks", "dropout_2looks")
seed_base <- 20261207L

# ------------------------------------------------------------- helpers --

clean <- function(x) {
  x <- as.double(unlist(x))
  x[!is.finite(x)] <- NA
  unname(x)
}
shortest <- function(v) {
  if (is.na(v)) return("null")
  for (d in 15:17) {
    s <- sprintf("%.*g", d, v)
    if (as.double(s) == v) return(s)
  }
  s
}
num <- function(x) {
  x <- clean(x)
  stopifnot(length(x) == 1)
  structure(shortest(x), class = "json")
}
arr <- function(x) {
  x <- clean(x)
  structure(paste0("[", paste(vapply(x, shortest, ""), collapse = ", "), "]"), class = "json")
}
# the numbers back from a num() / arr() text
val <- function(x) as.double(fromJSON(unclass(x)))
check <- function(ok, what) if (!isTRUE(ok)) stop("check failed: ", what)
close_to <- function(a, b, tol) {
  a <- clean(a); b <- clean(b)
  length(a) == length(b) && all(!is.na(a) & !is.na(b) & abs(a - b) <= tol)
}
se_p <- function(p, n) sqrt(p * (1 - p) / n)
se_mean <- function(x) sd(x) / sqrt(length(x))

spending <- function(type, alpha, t) {
  switch(type,
    asOF = 2 * pnorm(qnorm(1 - alpha / 2) / sqrt(t), lower.tail = FALSE),
    asP = alpha * log(1 + (exp(1) - 1) * t),
    stop("no spending function for ", type))
}
corr_canonical <- function(t) outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
miwa <- Miwa(steps = 4096)

# Efficacy bounds from the spending function at fractions t (non-binding: no
# futility), solved look by look with mvtnorm (Miwa, deterministic; +-40
# stands for +-infinity).
recompute_bounds <- function(type, alpha, t) {
  K <- length(t)
  cum <- spending(type, alpha, t)
  sig <- corr_canonical(t)
  b <- numeric(K)
  b[1] <- qnorm(cum[1], lower.tail = FALSE)
  for (k in seq_len(K)[-1]) {
    idx <- seq_len(k)
    f <- function(c) {
      pmvnorm(lower = c(rep(-40, k - 1), c), upper = c(b[seq_len(k - 1)], 40),
              corr = sig[idx, idx], algorithm = miwa)[1] - (cum[k] - cum[k - 1])
    }
    b[k] <- uniroot(f, c(0.5, 8), tol = 1e-13)$root
  }
  list(bounds = b, cumulative_alpha = cum)
}

# Probabilities of stopping for efficacy / futility at each look: Z_k ~
# N(drift_k, 1) with the canonical correlation; continuation (f_k, c_k).
crossing <- function(b, f, t, drift_k) {
  K <- length(t)
  sig <- corr_canonical(t)
  lo <- c(ifelse(is.na(f), -40, f), -40)[seq_len(K)]   # -40: minus infinity for Miwa
  eff <- fut <- numeric(K)
  eff[1] <- pnorm(b[1] - drift_k[1], lower.tail = FALSE)
  if (K > 1 && lo[1] > -40) fut[1] <- pnorm(lo[1] - drift_k[1])
  for (k in seq_len(K)[-1]) {
    idx <- seq_len(k)
    prev_lo <- lo[seq_len(k - 1)]
    prev_up <- b[seq_len(k - 1)]
    eff[k] <- pmvnorm(lower = c(prev_lo, b[k]), upper = c(prev_up, 40), mean = drift_k[idx],
                      corr = sig[idx, idx, drop = FALSE], algorithm = miwa)[1]
    if (k < K && lo[k] > -40) {
      fut[k] <- pmvnorm(lower = c(prev_lo, -40), upper = c(prev_up, lo[k]), mean = drift_k[idx],
                        corr = sig[idx, idx, drop = FALSE], algorithm = miwa)[1]
    }
  }
  list(efficacy = eff, futility = fut)
}

# ------------------------------------------------ the script's simulator --

# Permuted blocks of 4 (two of each arm): the six patterns, one drawn per block.
block_patterns <- matrix(c(0, 0, 1, 1,  0, 1, 0, 1,  0, 1, 1, 0,
                           1, 0, 0, 1,  1, 0, 1, 0,  1, 1, 0, 0), 4)
# Cumulative sum within runs of a grouped vector (first = run starts).
within_cumsum <- function(x, first) {
  cs <- cumsum(x)
  cs - rep(cs[first] - x[first], diff(c(first, length(x) + 1L)))
}

# Weighted log-rank sums for many data sets at once. id (trial), time,
# status (logical), arm (1 experimental, 0 control) are parallel vectors.
# Continuous times, no ties: at each event time d = 1 and the hypergeometric
# factor d (n - d) / (n - 1) is 1 (n > 1) or 0 (n = 1, where p1 (1 - p1) = 0
# anyway). Returns per trial (sorted ids) the favourable scores E1 - O1, the
# variances and, with fh = TRUE, the four FH components and their covariances.
logrank_sums <- function(id, time, status, arm, fh = FALSE) {
  o <- order(id, time, method = "radix")
  id <- id[o]; status <- status[o]; arm <- arm[o]
  L <- length(id)
  first <- which(c(TRUE, id[-1L] != id[-L]))
  cnt <- diff(c(first, L + 1L))
  at_risk <- rep(cnt, cnt) - (seq_len(L) - rep(first, cnt))
  cs1 <- within_cumsum(arm, first)
  at_risk1 <- rep(cs1[c(first[-1L] - 1L, L)], cnt) - cs1 + arm
  p1 <- at_risk1 / at_risk
  ev <- as.double(status)
  score <- ev * (p1 - arm)                 # E1 - O1 contribution
  v <- ev * p1 * (1 - p1)
  if (!fh) {
    s <- rowsum(cbind(score, v, ev), id, reorder = FALSE)
    return(list(id = id[first], u = s[, 1], v = s[, 2], events = s[, 3]))
  }
  # pooled Kaplan-Meier just before each time: exclusive product of (1 - 1/n)
  # over earlier event times (log scale; the n = 1 factor is never needed).
  l <- ifelse(status & at_risk > 1, log1p(-1 / at_risk), 0)
  s_minus <- exp(within_cumsum(l, first) - l)
  w <- cbind(1, 1 - s_minus, s_minus, s_minus * (1 - s_minus))
  pairs <- rbind(c(1, 2), c(1, 3), c(1, 4), c(2, 3), c(2, 4), c(3, 4))
  s <- rowsum(cbind(w * score, w^2 * v, w[, pairs[, 1]] * w[, pairs[, 2]] * v, ev), id,
              reorder = FALSE)
  list(id = id[first], u = s[, 1:4, drop = FALSE], v = s[, 5:8, drop = FALSE],
       cov = s[, 9:14, drop = FALSE], events = s[, 15])
}

# One chunk of B trials: entries sorted uniform on [0, A], permuted blocks of
# 4 in order of entry, event times from the cumulative hazard (hazard lam on
# control; on experimental lam before `delay`, hr * lam after), dropout
# hazard mu. Returns the patient-level vectors.
generate_trials <- function(B, n, A, lam, hr, mu, delay = 0) {
  id <- rep(seq_len(B), each = n)
  entry <- runif(B * n, 0, A)
  entry <- entry[order(id, entry, method = "radix")]
  nb <- (n + 3L) %/% 4L
  arm <- matrix(block_patterns[, sample.int(6L, nb * B, replace = TRUE)], 4L * nb)
  arm <- as.vector(arm[seq_len(n), , drop = FALSE])
  e <- rexp(B * n)
  event <- ifelse(arm == 1 & e > lam * delay, delay + (e - lam * delay) / (hr * lam), e / lam)
  dropout <- if (mu > 0) rexp(B * n) / mu else rep(Inf, B * n)
  ecal <- ifelse(event <= dropout, entry + event, Inf)
  list(B = B, n = n, id = id, entry = entry, arm = arm, event = event, dropout = dropout,
       ecal = ecal, sorted_ecal = matrix(ecal[order(id, ecal, method = "radix")], n))
}

# The analysis data of the trials `which` at calendar cut-offs cut[which]:
# patients entered before the cut; event when entry + event <= cut (decided
# on the calendar scale, so the D-th event is in), else censored at
# min(dropout, cut - entry).
analysis_data <- function(g, which, cut) {
  sel <- which[g$id]
  cutv <- cut[g$id[sel]]
  inside <- g$entry[sel] < cutv
  ii <- which(sel)[inside]
  cv <- cutv[inside]
  st <- g$ecal[ii] <= cv
  list(id = g$id[ii], time = ifelse(st, g$event[ii], pmin(g$dropout[ii], cv - g$entry[ii])),
       status = st, arm = g$arm[ii])
}

# The monitoring plan on one chunk. Per trial: stopping look, reason
# (1 efficacy, 2 futility, 0 final look without rejection), z, calendar time,
# events, patients enrolled by then, and the calendar time of every look
# reached (t1, t2, ...; NA after stopping).
simulate_plan_chunk <- function(B, sc, plan) {
  g <- generate_trials(B, sc$n, sc$A, sc$lam, sc$hr, sc$mu)
  K <- length(plan$events)
  alive <- rep(TRUE, B)
  out <- matrix(NA_real_, B, 6 + K, dimnames = list(NULL, c("look", "reason", "z", "time", "events",
                                                             "subjects", paste0("t", seq_len(K)))))
  for (k in seq_len(K)) {
    cut <- g$sorted_ecal[plan$events[k], ]
    check(all(is.finite(cut[alive])), "own simulator: event target reached")
    out[alive, 6 + k] <- cut[alive]
    a <- analysis_data(g, alive, cut)
    r <- logrank_sums(a$id, a$time, a$status, a$arm)
    check(identical(as.integer(r$id), which(alive)) && all(r$events == plan$events[k]),
          "own simulator: events at the look")
    z <- r$u / sqrt(r$v)
    eff <- z >= plan$efficacy[k]
    fut <- if (k < K && !is.na(plan$futility[k])) z <= plan$futility[k] else rep(FALSE, length(z))
    stop_now <- eff | fut | k == K
    b <- r$id[stop_now]
    out[b, "look"] <- k
    out[b, "reason"] <- ifelse(eff[stop_now], 1, ifelse(fut[stop_now], 2, 0))
    out[b, "z"] <- z[stop_now]
    out[b, "time"] <- cut[b]
    out[b, "events"] <- r$events[stop_now]
    out[b, "subjects"] <- tabulate(a$id, B)[b]
    alive[b] <- FALSE
  }
  out
}

# Exact expected calendar time of the D-th event, E T_D = integral over t of
# P(N(t) < D), N(t) the events by t, for the two entry models (exponential
# event hazard lam (control) / hr lam (experimental), dropout hazard mu):
# * "grid": rpact's model, patient i enters at i A / n, arms 1, 2, 1, 2, ...:
#   N(t) is a sum of independent Bernoulli(q_i(t)), q_i(t) = (lam_i / h_i)
#   (1 - exp(-h_i (t - e_i))), h_i = lam_i + mu (Poisson-binomial, by recursion);
# * "random": entries iid uniform on [0, A], n/2 per arm split completely at
#   random: N(t) = Bin(n/2, p_1(t)) + Bin(n/2, p_0(t)), p_a the probability
#   that a patient has had the event by calendar time t (closed form below).
#   osstats's permuted blocks of 4 differ from a completely random split only
#   in how the arms interleave in time; the checks show it does not matter.
event_by_calendar <- function(t, lam, mu, A) {
  h <- lam + mu
  ifelse(t >= A, (lam / h) * (1 - (exp(-h * (t - A)) - exp(-h * t)) / (h * A)),
         (lam / h) * (t - (1 - exp(-h * t)) / h) / A)
}
expected_look_time <- function(D, sc, model) {
  n <- sc$n
  lam_i <- ifelse(rep_len(c(TRUE, FALSE), n), sc$hr * sc$lam, sc$lam)
  e_i <- seq_len(n) * sc$A / n
  below <- function(t) {
    if (model == "grid") {
      h <- lam_i + sc$mu
      q <- ifelse(t > e_i, (lam_i / h) * (1 - exp(-h * (t - e_i))), 0)
      dist <- 1
      for (qi in q) dist <- c(dist * (1 - qi), 0) + c(0, dist * qi)
      sum(dist[seq_len(D)])
    } else {
      stopifnot(n %% 2 == 0)
      d1 <- dbinom(0:(n / 2), n / 2, event_by_calendar(t, sc$hr * sc$lam, sc$mu, sc$A))
      d0 <- dbinom(0:(n / 2), n / 2, event_by_calendar(t, sc$lam, sc$mu, sc$A))
      dist <- numeric(n + 1)
      for (j in 0:(n / 2)) dist[j + seq_len(n / 2 + 1)] <- dist[j + seq_len(n / 2 + 1)] + d1[j + 1] * d0
      sum(dist[seq_len(D)])
    }
  }
  f <- Vectorize(below)
  # piecewise smooth: kinks at the grid entries (and at A), integrated piece by piece
  knots <- c(0, if (model == "grid") e_i else sc$A)
  pieces <- vapply(seq_len(length(knots) - 1), function(j) {
    integrate(f, knots[j], knots[j + 1], rel.tol = 1e-10, abs.tol = 1e-13)$value
  }, 0)
  sum(pieces) + integrate(f, sc$A, Inf, rel.tol = 1e-10, abs.tol = 1e-13, subdivisions = 1000L)$value
}

# ---------------------------------------------------- checks of the code --

# logrank_sums against survival::survdiff (rho = 0: FH(0,0); rho = 1: FH(1,0))
# and a plain loop for every component and covariance, on 40 data sets.
check_logrank_sums <- function(seed) {
  set.seed(seed)
  g <- generate_trials(40L, 60L, 30, log(2) / 6, 0.6, 0.01, delay = 2)
  cut <- rep(40, 40)
  a <- analysis_data(g, rep(TRUE, 40), cut)
  r <- logrank_sums(a$id, a$time, a$status, a$arm, fh = TRUE)
  for (b in seq_len(40)) {
    j <- a$id == b
    tm <- a$time[j]; st <- a$status[j]; arm <- a$arm[j]
    for (rho in 0:1) {
      fit <- survdiff(Surv(tm, st) ~ arm, rho = rho)
      z <- r$u[b, 1 + 2 * rho] / sqrt(r$v[b, 1 + 2 * rho])
      check(abs(z^2 - fit$chisq) < 1e-9 * max(1, fit$chisq) &&
              sign(z) == sign(fit$exp[2] - fit$obs[2]), "logrank_sums vs survdiff")
    }
    o <- order(tm); tm <- tm[o]; st <- st[o]; arm <- arm[o]
    km <- 1; u <- numeric(4); v <- numeric(4); cv <- numeric(6)
    pairs <- rbind(c(1, 2), c(1, 3), c(1, 4), c(2, 3), c(2, 4), c(3, 4))
    for (i in seq_along(tm)) {
      if (!st[i]) next
      n <- sum(tm >= tm[i]); n1 <- sum(arm[tm >= tm[i]])
      w <- c(1, 1 - km, km, km * (1 - km))
      p <- n1 / n
      u <- u + w * (p - arm[i])
      if (n > 1) {
        v <- v + w^2 * p * (1 - p)
        cv <- cv + w[pairs[, 1]] * w[pairs[, 2]] * p * (1 - p)
      }
      km <- km * (n - 1) / n
    }
    check(close_to(u, r$u[b, ], 1e-10) && close_to(v, r$v[b, ], 1e-10) &&
            close_to(cv, r$cov[b, ], 1e-10), "logrank_sums vs loop")
  }
  invisible(TRUE)
}

# rpact's recruitment, allocation and test statistic, from its raw data.
check_rpact_conventions <- function(design, sc, plan, seed) {
  s <- getSimulationSurvival(design, hazardRatio = sc$hr, lambda2 = sc$lam, directionUpper = FALSE,
                             plannedEvents = plan$events, maxNumberOfSubjects = sc$n,
                             accrualTime = c(0, sc$A), dropoutRate1 = sc$dropout_rate,
                             dropoutRate2 = sc$dropout_rate, dropoutTime = sc$dropout_time,
                             allocation1 = 1, allocation2 = 1, maxNumberOfIterations = 20,
                             maxNumberOfRawDatasetsPerStage = 20, seed = seed)
  raw <- getRawData(s)
  per_it <- getData(s)
  for (it in unique(raw$iterationNumber)) {
    r <- raw[raw$iterationNumber == it, ]
    r <- r[order(r$subjectId), ]
    check(close_to(r$accrualTime, seq_len(sc$n) * sc$A / sc$n, 1e-12), "rpact entry grid i A / N")
    check(all(r$treatmentGroup == rep_len(c(1, 2), sc$n)), "rpact alternating allocation")
    inside <- r$accrualTime <= r$lastObservationTime[1]
    z <- logrank_sums(rep(1L, sum(inside)), r$timeUnderObservation[inside], r$event[inside],
                      as.integer(r$treatmentGroup[inside] == 1))
    row <- per_it[per_it$iterationNumber == it & per_it$trialStop, ]
    check(abs(z$u / sqrt(z$v) - row$testStatistic) < 1e-9, "rpact test statistic")
    check(row$numberOfSubjects == sum(inside), "rpact subjects = entered by the look")
  }
  invisible(TRUE)
}

# ----------------------------------------------------- summaries --

# Common summary of per-trial results: look, reason (1 efficacy, 2 futility,
# 0 final without rejection), z, calendar time, events, subjects, HR.
summarise_plan <- function(look, reason, time, events, subjects, hr, look_times, K) {
  n <- length(look)
  eff <- vapply(seq_len(K), function(k) sum(look == k & reason == 1), 0) / n
  fut <- vapply(seq_len(K), function(k) sum(look == k & reason == 2), 0) / n
  stopk <- vapply(seq_len(K), function(k) sum(look == k), 0) / n
  reach <- vapply(seq_len(K), function(k) sum(look >= k), 0)
  reject <- sum(eff)
  early <- mean(look < K)
  hr_look <- vapply(seq_len(K), function(k) if (any(look == k)) mean(hr[look == k]) else NA, 0)
  list(
    iterations = n,
    overall_reject = num(reject), overall_reject_se = num(se_p(reject, n)),
    reject_per_look = arr(eff), reject_per_look_se = arr(se_p(eff, n)),
    cumulative_reject_per_look = arr(cumsum(eff)),
    futility_per_look = arr(fut), futility_per_look_se = arr(se_p(fut, n)),
    futility_stop = num(sum(fut)),
    stop_per_look = arr(stopk),
    early_stop = num(early), early_stop_se = num(se_p(early, n)),
    trials_reaching_look = arr(reach),
    expected_events = num(mean(events)), expected_events_se = num(se_mean(events)),
    expected_subjects = num(mean(subjects)), expected_subjects_se = num(se_mean(subjects)),
    expected_duration = num(mean(time)), expected_duration_se = num(se_mean(time)),
    mean_hr_estimate_at_stop = num(mean(hr)), mean_hr_estimate_at_stop_se = num(se_mean(hr)),
    sd_hr_estimate_at_stop = num(sd(hr)),
    mean_hr_estimate_at_stop_per_look = arr(hr_look),
    mean_hr_estimate_given_reject = num(if (any(reason == 1)) mean(hr[reason == 1]) else NA),
    mean_look_time_per_look = arr(colMeans(look_times, na.rm = TRUE)),
    mean_look_time_per_look_se = arr(apply(look_times, 2, function(x) se_mean(x[!is.na(x)])))
  )
}

# ====================================================== part 1: designs ==

hr_estimate <- function(z, d) exp(-z * 2 / sqrt(d))
rpact_type <- c("lan-demets-obf" = "asOF", "lan-demets-pocock" = "asP")
rpact_beta_type <- c("lan-demets-obf" = "bsOF", "lan-demets-pocock" = "bsP")

check_logrank_sums(seed_base + 900L)

osstats_versions <- character(0)
design_entries <- list()
seed <- seed_base
for (name in designs) {
  t_design <- proc.time()[["elapsed"]]
  file <- file.path(design_dir, paste0(name, ".json"))
  d <- fromJSON(file, simplifyVector = TRUE)
  osstats_versions <- c(osstats_versions, d$osstats_version)
  check(d$sided == 1 && d$allocation == 1 && d$alpha == 0.025, paste(name, "one-sided 1:1"))
  type <- rpact_type[[d$spending]]
  looks <- d$looks
  events <- as.integer(looks$events)
  K <- length(events)
  D_max <- d$max_events
  check(events[K] == D_max, paste(name, "last look at max events"))
  t_actual <- events / D_max
  fut_z <- if (is.null(d$futility)) rep(NA_real_, K) else looks$futility_z
  fut_z[K] <- NA
  has_fut <- any(!is.na(fut_z))
  if (has_fut) check(identical(d$futility$binding, FALSE), paste(name, "non-binding futility"))

  des_args <- list(kMax = K, alpha = d$alpha, sided = 1L, typeOfDesign = type,
                   informationRates = t_actual)
  if (has_fut) {
    des_args$futilityBounds <- fut_z[-K]
    des_args$bindingFutility <- FALSE
  }
  design <- do.call(getDesignGroupSequential, des_args)
  rec <- recompute_bounds(type, d$alpha, t_actual)
  check(close_to(design$criticalValues, rec$bounds, 1e-6), paste(name, "critical values recomputed"))
  check(close_to(design$alphaSpent, rec$cumulative_alpha, 1e-7), paste(name, "alpha spent"))
  # the design file itself at its planned fractions
  planned <- getDesignGroupSequential(kMax = K, alpha = d$alpha, sided = 1L, typeOfDesign = type,
                                      informationRates = d$information_fractions)
  check(close_to(planned$criticalValues, looks$efficacy_z, 1e-6), paste(name, "design file efficacy z"))
  futility_info <- NULL
  if (has_fut) {
    bs <- getDesignGroupSequential(kMax = K, alpha = d$alpha, beta = d$beta, sided = 1L,
                                   typeOfDesign = type,
                                   typeBetaSpending = rpact_beta_type[[d$futility$spending]],
                                   informationRates = d$information_fractions,
                                   bindingFutility = FALSE)
    check(close_to(bs$futilityBounds, fut_z[-K], 1e-6), paste(name, "design file futility z"))
    futility_info <- list(
      kind = d$futility$kind, spending = d$futility$spending, binding = FALSE,
      futility_z = arr(fut_z),
      rpact_beta_spending_futility_z_planned = arr(c(bs$futilityBounds, NA)),
      rpact_beta_spending_type = rpact_beta_type[[d$futility$spending]]
    )
  }
  lam <- log(2) / d$accrual$control_median
  dropout_rate <- d$accrual$dropout_rate
  dropout_time <- d$accrual$dropout_time
  mu <- if (dropout_rate > 0) -log(1 - dropout_rate) / dropout_time else 0
  plan <- list(events = events, efficacy = design$criticalValues, futility = fut_z)

  scenario_entries <- list()
  for (hr in c(d$hr, 1)) {
    seed <- seed + 1L
    t_sc <- proc.time()[["elapsed"]]
    sc <- list(n = d$patients, A = d$accrual$accrual_time, lam = lam, hr = hr, mu = mu,
               dropout_rate = dropout_rate, dropout_time = dropout_time)
    if (hr == d$hr) check_rpact_conventions(design, sc, plan, seed + 500L)

    # ---- analytic
    first_grid <- expected_look_time(events[1], sc, "grid")
    first_random <- expected_look_time(events[1], sc, "random")
    pw <- getPowerSurvival(design, hazardRatio = hr, lambda2 = lam, directionUpper = FALSE,
                           maxNumberOfEvents = D_max, maxNumberOfSubjects = sc$n,
                           accrualTime = c(0, sc$A), dropoutRate1 = dropout_rate,
                           dropoutRate2 = dropout_rate, dropoutTime = dropout_time)
    cr <- crossing(design$criticalValues, fut_z, t_actual, abs(log(hr)) * sqrt(events) / 2)
    pw_fut <- if (K > 1) c(as.vector(pw$futilityPerStage), 0) else 0
    if (!has_fut) pw_fut[] <- 0     # rpact's internal -6 bound
    check(close_to(as.vector(pw$rejectPerStage), cr$efficacy, 1e-6), paste(name, hr, "analytic efficacy"))
    check(close_to(pw_fut, cr$futility, 1e-6), paste(name, hr, "analytic futility"))
    analytic <- list(
      overall_reject = num(pw$overallReject),
      reject_per_look = arr(pw$rejectPerStage),
      cumulative_reject_per_look = arr(cumsum(as.vector(pw$rejectPerStage))),
      futility_per_look = arr(pw_fut),
      early_stop = num(pw$earlyStop),
      expected_events = num(pw$expectedNumberOfEvents),
      expected_subjects = num(pw$expectedNumberOfSubjects),
      expected_duration = num(pw$studyDuration),
      look_times = arr(pw$analysisTime),
      first_look_expected_time_grid_entry = num(first_grid),
      first_look_expected_time_random_entry = num(first_random),
      mvtnorm_reject_per_look = arr(cr$efficacy),
      mvtnorm_futility_per_look = arr(cr$futility),
      drift_per_look = arr(abs(log(hr)) * sqrt(events) / 2)
    )

    # ---- rpact simulation
    sim <- getSimulationSurvival(design, hazardRatio = hr, lambda2 = lam, directionUpper = FALSE,
                                 plannedEvents = events, maxNumberOfSubjects = sc$n,
                                 accrualTime = c(0, sc$A), dropoutRate1 = dropout_rate,
                                 dropoutRate2 = dropout_rate, dropoutTime = dropout_time,
                                 allocation1 = 1, allocation2 = 1,
                                 maxNumberOfIterations = iterations, seed = seed)
    x <- getData(sim)
    check(sum(sim$eventsNotAchieved) == 0, paste(name, hr, "rpact events achieved"))
    st <- x[x$trialStop, ]
    st <- st[order(st$iterationNumber), ]
    check(nrow(st) == iterations && identical(st$iterationNumber, seq_len(iterations)),
          paste(name, hr, "one stopping row per iteration"))
    crit <- design$criticalValues
    fut_rpact <- c(design$futilityBounds, -Inf)
    check(all((x$rejectPerStage == 1) == (x$testStatistic >= crit[x$stageNumber])),
          paste(name, hr, "rpact efficacy rule"))
    check(all((x$futilityPerStage == 1) == (x$stageNumber < K & x$testStatistic <= fut_rpact[x$stageNumber])),
          paste(name, hr, "rpact futility rule"))
    check(has_fut || sum(x$futilityPerStage) == 0, paste(name, hr, "no futility stops"))
    d_stop <- st$overallEvents1 + st$overallEvents2
    hr_stop <- st$hazardRatioEstimateLR
    check(max(abs(hr_stop / hr_estimate(st$testStatistic, d_stop) - 1)) < 1e-12,
          paste(name, hr, "hazardRatioEstimateLR"))
    reason <- ifelse(st$rejectPerStage == 1, 1, ifelse(st$futilityPerStage == 1, 2, 0))
    look_times <- matrix(NA_real_, iterations, K)
    look_times[cbind(x$iterationNumber, x$stageNumber)] <- x$analysisTime
    rs <- summarise_plan(st$stageNumber, reason, st$analysisTime, d_stop, st$numberOfSubjects,
                         hr_stop, look_times, K)
    check(close_to(val(rs$mean_look_time_per_look), sim$analysisTime, 1e-9), paste(name, hr, "analysisTime"))
    check(abs(val(rs$overall_reject) - sim$overallReject) < 1e-12, paste(name, hr, "overallReject"))
    check(close_to(val(rs$reject_per_look), sim$rejectPerStage, 1e-12), paste(name, hr, "rejectPerStage"))
    if (K > 1) {
      check(close_to(val(rs$futility_per_look)[-K], sim$futilityPerStage, 1e-12),
            paste(name, hr, "futilityPerStage"))
      check(abs(val(rs$early_stop) - sim$earlyStop) < 1e-12, paste(name, hr, "earlyStop"))
    }
    check(abs(val(rs$expected_duration) - sim$studyDuration) < 1e-9, paste(name, hr, "studyDuration"))
    off_plan <- sum(d_stop != events[st$stageNumber])
    rpact_sim <- c(list(source = "rpact getSimulationSurvival", seed = seed), rs, list(
      rpact_overall_reject = num(sim$overallReject),
      rpact_reject_per_stage = arr(sim$rejectPerStage),
      rpact_futility_per_stage = arr(if (K > 1) sim$futilityPerStage else numeric(0)),
      rpact_early_stop = num(sim$earlyStop),
      rpact_expected_number_of_events = num(sim$expectedNumberOfEvents),
      rpact_expected_number_of_subjects = num(sim$expectedNumberOfSubjects),
      rpact_study_duration = num(sim$studyDuration),
      rpact_analysis_time = arr(sim$analysisTime),
      rpact_number_of_subjects = arr(sim$numberOfSubjects),
      rpact_iterations = arr(sim$iterations),
      rpact_events_not_achieved = num(sum(sim$eventsNotAchieved)),
      stops_with_events_off_plan = off_plan
    ))

    # ---- own simulation
    own_seed <- seed + 1000L
    set.seed(own_seed)
    own <- do.call(rbind, lapply(seq_len(iterations %/% chunk), function(i) simulate_plan_chunk(chunk, sc, plan)))
    own_sim <- c(list(source = "this script (random uniform entry, permuted blocks of 4)", seed = own_seed),
                 summarise_plan(own[, "look"], own[, "reason"], own[, "time"], own[, "events"],
                                own[, "subjects"], hr_estimate(own[, "z"], own[, "events"]),
                                own[, 6 + seq_len(K), drop = FALSE], K))
    # every trial reaches look 1: its mean time against the exact expectations
    t1_rpact <- val(rpact_sim$mean_look_time_per_look)[1]
    t1_own <- val(own_sim$mean_look_time_per_look)[1]
    check(abs(t1_rpact - first_grid) < 4.5 * val(rpact_sim$mean_look_time_per_look_se)[1],
          paste(name, hr, "rpact look 1 time vs exact (grid entry)"))
    check(abs(t1_own - first_random) < 4.5 * val(own_sim$mean_look_time_per_look_se)[1],
          paste(name, hr, "own look 1 time vs exact (random entry)"))

    scenario_entries[[length(scenario_entries) + 1]] <- list(
      label = if (hr == 1) "null" else "design_hr", hr = num(hr),
      analytic = analytic, rpact_simulation = rpact_sim, own_simulation = own_sim)
    cat(sprintf("%-16s HR %.2f  analytic %.6f  rpact %.6f (se %.6f)  own %.6f  E[dur] %.4f / %.4f  [%.1f s]\n",
                name, hr, pw$overallReject, val(rs$overall_reject), val(rs$overall_reject_se),
                val(own_sim$overall_reject), val(rs$expected_duration),
                val(own_sim$expected_duration), proc.time()[["elapsed"]] - t_sc))
  }

  design_entries[[length(design_entries) + 1]] <- list(
    name = name,
    design_file = file.path(design_dir, paste0(name, ".json")),
    osstats_command = d$command,
    spending = d$spending,
    rpact_type_of_design = type,
    futility = futility_info,
    hr_design = num(d$hr), alpha = num(d$alpha), sided = 1L,
    control_median = num(d$accrual$control_median),
    control_hazard = num(lam),
    accrual_time = num(d$accrual$accrual_time),
    patients = d$patients,
    dropout_rate = num(dropout_rate), dropout_time = num(dropout_time),
    dropout_hazard = num(mu),
    max_events = D_max,
    look_events = arr(events),
    planned_information_fractions = arr(d$information_fractions),
    information_fractions = arr(t_actual),
    efficacy_z = arr(design$criticalValues),
    efficacy_z_recomputed = arr(rec$bounds),
    cumulative_alpha = arr(rec$cumulative_alpha),
    rpact_alpha_spent = arr(design$alphaSpent),
    design_file_efficacy_z = arr(looks$efficacy_z),
    futility_z = arr(fut_z),
    design_file_power = num(d$power),
    design_file_efficacy_probability_h1 = arr(looks$efficacy_probability_h1),
    design_file_futility_probability_h1 = arr(looks$futility_probability_h1),
    design_file_overall_efficacy_probability_h1 = num(sum(looks$efficacy_probability_h1)),
    scenarios = scenario_entries
  )
  cat(sprintf("%s done [%.1f s]\n", name, proc.time()[["elapsed"]] - t_design))
}
check(length(unique(osstats_versions)) == 1, "one osstats version wrote the design files")

# ================================================ part 2: delayed effect ==

de <- list(n = 142L, A = 42, median = 6, events = 100L, delay = 3, hr_after = 0.6, alpha = 0.025)
de$lam <- log(2) / de$median
c_one <- qnorm(1 - de$alpha)
c_bonf <- qnorm(1 - de$alpha / 4)

# One-sided MaxCombo p-value P(max_j Y_j >= m) for Y ~ N(0, R), R the 4 x 4
# correlation of FH(0,0), FH(0,1), FH(1,0), FH(1,1) with U_1 = U_2 + U_3;
# exact reduction to orthants (see the header), valid for m >= 0.
tv <- TVPACK(abseps = 1e-14)
orthant <- function(m, R) pmvnorm(upper = rep(-m, nrow(R)), corr = R, algorithm = tv)[1]
maxcombo_p <- function(m, R) {
  stopifnot(m >= 0)
  pr <- function(i) orthant(m, R[i, i])
  4 * pnorm(m, lower.tail = FALSE) -
    pr(c(1, 2)) - pr(c(1, 3)) - pr(c(1, 4)) - pr(c(2, 4)) - pr(c(3, 4)) +
    pr(c(1, 2, 4)) + pr(c(1, 3, 4))
}
corr_of <- function(v, cv) {
  R <- diag(4)
  pairs <- rbind(c(1, 2), c(1, 3), c(1, 4), c(2, 3), c(2, 4), c(3, 4))
  for (q in 1:6) {
    a <- pairs[q, 1]; b <- pairs[q, 2]
    R[a, b] <- R[b, a] <- cv[q] / sqrt(v[a] * v[b])
  }
  R
}

simulate_fixed_chunk <- function(B, hr_after, delay) {
  g <- generate_trials(B, de$n, de$A, de$lam, hr_after, 0, delay = delay)
  cut <- g$sorted_ecal[de$events, ]
  a <- analysis_data(g, rep(TRUE, B), cut)
  r <- logrank_sums(a$id, a$time, a$status, a$arm, fh = TRUE)
  check(all(r$events == de$events) && all(r$v > 0), "delayed: events and variances")
  check(max(abs(r$u[, 1] - r$u[, 2] - r$u[, 3])) < 1e-9, "delayed: FH(0,0) = FH(0,1) + FH(1,0)")
  cbind(r$u / sqrt(r$v), r$v, r$cov, time = cut, subjects = tabulate(a$id, B))
}

delayed_scenarios <- list(
  list(key = "delayed_effect", hr_before = 1, hr_after = de$hr_after, delay = de$delay, seed = seed_base + 101L),
  list(key = "proportional_hazards", hr_before = de$hr_after, hr_after = de$hr_after, delay = 0, seed = seed_base + 102L),
  list(key = "null", hr_before = 1, hr_after = 1, delay = 0, seed = seed_base + 103L)
)
delayed_entries <- list()
gb_checked <- FALSE
for (sc in delayed_scenarios) {
  t_sc <- proc.time()[["elapsed"]]
  set.seed(sc$seed)
  res <- do.call(rbind, lapply(seq_len(delayed_trials %/% chunk),
                               function(i) simulate_fixed_chunk(chunk, sc$hr_after, sc$delay)))
  y <- res[, 1:4]; v <- res[, 5:8]; cv <- res[, 9:14]
  m <- apply(y, 1, max)
  amb <- which(m >= c_one & m < c_bonf)
  p_amb <- vapply(amb, function(i) maxcombo_p(m[i], corr_of(v[i, ], cv[i, ])), 0)
  if (!gb_checked) {
    # the orthant formula against GenzBretz on the full singular 4 x 4 matrix
    set.seed(sc$seed + 7L)
    for (i in amb[1:8]) {
      R <- corr_of(v[i, ], cv[i, ])
      gb <- pmvnorm(upper = rep(m[i], 4), corr = R,
                    algorithm = GenzBretz(maxpts = 2e5, abseps = 1e-6, releps = 0))
      check(abs((1 - gb[1]) - maxcombo_p(m[i], R)) < 5 * attr(gb, "error") + 1e-6,
            "MaxCombo p: orthant formula vs GenzBretz")
    }
    gb_checked <- TRUE
  }
  reject_mc <- m >= c_bonf
  reject_mc[amb] <- p_amb <= de$alpha
  n_tr <- nrow(res)
  comp <- colMeans(y >= c_one)
  lr <- comp[1]
  mc <- mean(reject_mc)

  # rpact: the same model (piecewise exponential for the delayed effect)
  rp_args <- list(design = getDesignGroupSequential(kMax = 1, alpha = de$alpha, sided = 1),
                  directionUpper = FALSE, plannedEvents = de$events, maxNumberOfSubjects = de$n,
                  accrualTime = c(0, de$A), maxNumberOfIterations = iterations,
                  seed = sc$seed + 500L)
  if (sc$delay > 0) {
    rp_args$piecewiseSurvivalTime <- c(0, sc$delay)
    rp_args$lambda2 <- c(de$lam, de$lam)
    rp_args$lambda1 <- de$lam * c(sc$hr_before, sc$hr_after)
  } else {
    rp_args$lambda2 <- de$lam
    rp_args$hazardRatio <- sc$hr_after
  }
  rp <- do.call(getSimulationSurvival, rp_args)
  entry <- list(
    key = sc$key,
    hr_before_delay = num(sc$hr_before), hr_after_delay = num(sc$hr_after), delay = num(sc$delay),
    trials = n_tr, seed = sc$seed,
    logrank_power = num(lr), logrank_power_se = num(se_p(lr, n_tr)),
    maxcombo_power = num(mc), maxcombo_power_se = num(se_p(mc, n_tr)),
    component_power = arr(comp), component_power_se = arr(se_p(comp, n_tr)),
    maxcombo_minus_logrank = num(mc - lr),
    maxcombo_minus_logrank_se = num(sd(reject_mc - (y[, 1] >= c_one)) / sqrt(n_tr)),
    maxcombo_p_evaluations = length(amb),
    maxcombo_p_within_1e_9_of_alpha = sum(abs(p_amb - de$alpha) < 1e-9),
    mean_component_correlation = arr(colMeans(cv / sqrt(v[, c(1, 1, 1, 2, 2, 3)] * v[, c(2, 3, 4, 3, 4, 4)]))),
    mean_analysis_time = num(mean(res[, "time"])), mean_analysis_time_se = num(se_mean(res[, "time"])),
    mean_subjects = num(mean(res[, "subjects"])),
    rpact_logrank_power = num(rp$overallReject),
    rpact_logrank_power_se = num(se_p(rp$overallReject, iterations)),
    rpact_iterations = iterations, rpact_seed = sc$seed + 500L,
    rpact_mean_analysis_time = num(rp$analysisTime[1, 1])
  )
  if (sc$delay == 0 && sc$hr_after != 1) {
    entry$schoenfeld_logrank_power <- num(pnorm(sqrt(de$events) / 2 * abs(log(sc$hr_after)) - c_one))
  }
  delayed_entries[[length(delayed_entries) + 1]] <- entry
  cat(sprintf("%-21s logrank %.5f (se %.5f)  maxcombo %.5f (se %.5f)  rpact logrank %.5f  p evals %d  [%.1f s]\n",
              sc$key, lr, se_p(lr, n_tr), mc, se_p(mc, n_tr), rp$overallReject, length(amb),
              proc.time()[["elapsed"]] - t_sc))
}

# Optional, not written to the JSON: compare the MaxCombo statistic of a few
# simulated trials with `osstats logrank --maxcombo --alternative less`
# when OSSTATS_BIN names an osstats binary.
osstats_bin <- Sys.getenv("OSSTATS_BIN")
if (nzchar(osstats_bin)) {
  set.seed(seed_base + 777L)
  g <- generate_trials(5L, de$n, de$A, de$lam, de$hr_after, 0, delay = de$delay)
  cut <- g$sorted_ecal[de$events, ]
  a <- analysis_data(g, rep(TRUE, 5), cut)
  r <- logrank_sums(a$id, a$time, a$status, a$arm, fh = TRUE)
  for (b in 1:5) {
    j <- a$id == b
    csv <- tempfile(fileext = ".csv")
    writeLines(c("time,status,arm",
                 sprintf("%.17g,%d,%s", a$time[j], as.integer(a$status[j]),
                         ifelse(a$arm[j] == 1, "experimental", "control"))), csv)
    js <- fromJSON(paste(system2(osstats_bin, c("logrank", csv, "--group", "arm", "--maxcombo",
                                                "--alternative", "less", "--format", "json"),
                                 stdout = TRUE), collapse = "\n"), simplifyVector = TRUE)
    unlink(csv)
    yb <- r$u[b, ] / sqrt(r$v[b, ])
    R <- corr_of(r$v[b, ], r$cov[b, ])
    mb <- max(yb)
    p_here <- if (mb >= 0) maxcombo_p(mb, R) else NA
    dz <- max(abs(-js$maxcombo$z - yb))
    dr <- max(abs(js$maxcombo$correlation - R))
    dp <- if (is.na(p_here)) NA else abs(js$maxcombo$p - p_here)
    cat(sprintf("osstats check %d: max y %.6f  |dz| %.2e  |dR| %.2e  p here %.12f  osstats %.12f  |dp| %.2e\n",
                b, mb, dz, dr, p_here, js$maxcombo$p, dp))
    check(dz < 1e-9 && dr < 1e-9 && (is.na(dp) || dp < 1e-8), "osstats MaxCombo agrees")
  }
}

# ============================================================== write ==

versions <- list(
  R = R.version.string,
  rpact = packageDescription("rpact")$Version,
  survival = packageDescription("survival")$Version,
  mvtnorm = packageDescription("mvtnorm")$Version,
  jsonlite = packageDescription("jsonlite")$Version,
  osstats = unique(osstats_versions),
  rng = paste(RNGkind(), collapse = " / ")
)

field_sources <- list(
  rpact_overall_reject = "SimulationResultsSurvival$overallReject: share of iterations rejecting H0 at any look",
  rpact_reject_per_stage = "$rejectPerStage: share of iterations stopping for efficacy at look k",
  rpact_futility_per_stage = "$futilityPerStage: share of iterations stopping for futility at interim look k (K - 1 values)",
  rpact_early_stop = "$earlyStop: share stopping before the last look (efficacy or futility)",
  rpact_expected_number_of_events = "$expectedNumberOfEvents: sum_k (mean cumulative events at look k) * P(stop at k)",
  rpact_expected_number_of_subjects = "$expectedNumberOfSubjects: PLUG-IN sum_k (mean subjects at look k over all iterations reaching k) * P(stop at k); not the mean patients at stopping (see expected_subjects)",
  rpact_study_duration = "$studyDuration: mean over iterations of the calendar time (from the start of accrual) of the stopping analysis",
  rpact_analysis_time = "$analysisTime: mean calendar time of look k over the iterations that reached look k",
  rpact_number_of_subjects = "$numberOfSubjects: mean patients entered by look k over the iterations that reached look k",
  rpact_iterations = "$iterations: number of iterations that reached look k",
  per_iteration = "getData(sim): one row per iteration and look reached; the row with trialStop = TRUE gives stageNumber, rejectPerStage, futilityPerStage, analysisTime, numberOfSubjects, overallEvents1 + overallEvents2 and hazardRatioEstimateLR at stopping, from which the unprefixed fields and all Monte Carlo SEs are computed",
  analytic = "getPowerSurvival(design, maxNumberOfEvents = max_events): overallReject, rejectPerStage, futilityPerStage, earlyStop, expectedNumberOfEvents, expectedNumberOfSubjects, studyDuration and analysisTime (expected look times), with the Schoenfeld drift"
)

out <- list(
  generated_by = "Datasets/References/sequential_simulation_reference.R",
  versions = versions,
  iterations = iterations,
  field_sources = field_sources,
  rpact_recruitment = "deterministic: patient i enters at i * accrual_time / patients (i = 1..N), every iteration; allocation alternates experimental, control, ... in order of entry; only survival and dropout times are random. Its look times and study duration therefore run 0.1 to 0.2 months later than under random uniform entry, and its patient counts (floor(t N / A)) differ slightly: compare osstats's expected duration and patients with own_simulation",
  own_simulator_recruitment = "entry times iid uniform on [0, accrual_time], sorted; arms by permuted blocks of 4 in order of entry (as osstats)",
  designs = design_entries,
  delayed_effect = list(
    patients = de$n, accrual_time = num(de$A), control_median = num(de$median),
    control_hazard = num(de$lam), events = de$events, dropout = num(0),
    alpha_one_sided = num(de$alpha), critical_z = num(c_one), bonferroni_z = num(c_bonf),
    components = I(c("FH(0,0)", "FH(0,1)", "FH(1,0)", "FH(1,1)")),
    weights = "w = S(t-)^rho (1 - S(t-))^gamma, S the pooled left-continuous Kaplan-Meier estimate",
    correlation = "null covariance of the weighted scores from the same data, sum w_a w_b d (n - d)/(n - 1) p1 (1 - p1) / sqrt(V_a V_b)",
    sidedness = "one-sided, favourable direction: osstats --alternative less with the experimental arm second; p = P(max_j Y_j >= max_j y_j), reject when p <= alpha",
    scenarios = delayed_entries
  )
)

json <- toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null",
               null = "null", json_verbatim = TRUE)
back <- fromJSON(json, simplifyVector = FALSE)
stopifnot(length(back$designs) == length(designs))
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d designs x 2 scenarios, %d delayed-effect scenarios\n", out_file,
            length(design_entries), length(delayed_entries)))
