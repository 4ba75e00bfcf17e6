# cox_reference.R -- Cox proportional-hazards reference values for the osstats
# Swift tests.
#
# Fits the Cox models listed in `specs` below with survival::coxph on the
# bundled datasets (Datasets/*.csv) and the hand-written Cox edge cases
# (Datasets/edge/cox_*.csv), and writes everything the tests compare against
# to Datasets/References/cox_reference.json: coefficients, model-based and
# robust standard errors, the full variance matrix, Wald z and p, hazard-ratio
# limits, log-likelihoods, the likelihood-ratio, Wald and score tests,
# concordance, cox.zph for four time transforms, residuals, baseline
# survival for a covariate profile with basehaz, warnings, and
# profile-likelihood confidence limits found by root-finding. A separate
# "firth" block holds Firth's penalized partial likelihood (Heinze & Schemper
# 2001) computed in this file from coxph's log-likelihood and information
# matrix, since coxphf cannot be installed here.
#
# Conventions shared with the Swift side: text covariates are treatment
# contrasts whose reference is the first level in C-locale (byte) order;
# numeric columns are used as numbers; rows with a missing value in any used
# column are dropped (na.omit).
#
# Run from the repository root:
#     Rscript Datasets/References/cox_reference.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# MASS 7.3-58.2, jsonlite 1.8.4 (no other packages). The versions actually
# used are also recorded in the JSON under "versions". Every step is
# deterministic (no random numbers, no timestamps), so running the script
# twice gives byte-identical files. A run takes under a minute.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(MASS)
  library(jsonlite)
})

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "cox_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

crit <- qchisq(0.95, 1)  # profile-likelihood cut-off, 3.841459
z975 <- qnorm(0.975)

# One entry per case. Optional fields: start, strata, weights, cluster,
# robust, residuals, baseline (covariate profile), profile_ci, collinear.
specs <- list(
  list(key = "aml_efron",   file = "aml.csv", time = "time", event = "status", covariates = "x", ties = "efron",
       residuals = TRUE, baseline = list(x = "Nonmaintained"), profile_ci = TRUE),
  list(key = "aml_breslow", file = "aml.csv", time = "time", event = "status", covariates = "x", ties = "breslow",
       residuals = TRUE, baseline = list(x = "Nonmaintained")),
  list(key = "aml_exact",   file = "aml.csv", time = "time", event = "status", covariates = "x", ties = "exact"),

  list(key = "gehan_efron",   file = "gehan.csv", time = "time", event = "cens", covariates = "treat", ties = "efron",
       residuals = TRUE, profile_ci = TRUE),
  list(key = "gehan_breslow", file = "gehan.csv", time = "time", event = "cens", covariates = "treat", ties = "breslow"),
  list(key = "gehan_exact",   file = "gehan.csv", time = "time", event = "cens", covariates = "treat", ties = "exact"),
  list(key = "gehan_cluster", file = "gehan.csv", time = "time", event = "cens", covariates = "treat", ties = "efron",
       cluster = "pair", robust = TRUE),

  list(key = "lung_efron",   file = "lung.csv", time = "time", event = "status", covariates = c("sex", "age", "ph.ecog"),
       ties = "efron", residuals = TRUE, baseline = list(sex = 2, age = 60, ph.ecog = 1)),
  list(key = "lung_breslow", file = "lung.csv", time = "time", event = "status", covariates = c("sex", "age", "ph.ecog"),
       ties = "breslow"),
  list(key = "lung_strata",  file = "lung.csv", time = "time", event = "status", covariates = c("sex", "age"),
       ties = "efron", strata = "ph.ecog", residuals = TRUE, baseline = list(sex = 2, age = 60)),
  list(key = "lung_robust",  file = "lung.csv", time = "time", event = "status", covariates = c("sex", "age", "ph.ecog"),
       ties = "efron", robust = TRUE),

  list(key = "veteran_efron",   file = "veteran.csv", time = "time", event = "status",
       covariates = c("trt", "celltype", "karno", "diagtime", "age", "prior"), ties = "efron"),
  list(key = "veteran_breslow", file = "veteran.csv", time = "time", event = "status",
       covariates = c("trt", "celltype", "karno", "diagtime", "age", "prior"), ties = "breslow"),

  list(key = "ovarian_efron", file = "ovarian.csv", time = "futime", event = "fustat", covariates = c("rx", "age"),
       ties = "efron", profile_ci = TRUE),
  list(key = "ovarian_exact", file = "ovarian.csv", time = "futime", event = "fustat", covariates = c("rx", "age"),
       ties = "exact"),

  # The simulated 73-patient cohort (simulated data): arm, stratified by salvage regimen.
  list(key = "simulated73_strata", file = "simulated_trial_73.csv", time = "time", event = "status", covariates = "arm",
       ties = "efron", strata = "stratum"),
  list(key = "simulated73_efron", file = "simulated_trial_73.csv", time = "time", event = "status",
       covariates = c("arm", "stratum"), ties = "efron", profile_ci = TRUE),

  list(key = "heavy_ties_efron",   file = "edge/cox_heavy_ties.csv", time = "time", event = "status", covariates = c("arm", "z"), ties = "efron"),
  list(key = "heavy_ties_breslow", file = "edge/cox_heavy_ties.csv", time = "time", event = "status", covariates = c("arm", "z"), ties = "breslow"),
  list(key = "heavy_ties_exact",   file = "edge/cox_heavy_ties.csv", time = "time", event = "status", covariates = c("arm", "z"), ties = "exact"),

  list(key = "weights_efron",  file = "edge/cox_weights.csv", time = "time", event = "status", covariates = c("arm", "z"),
       ties = "efron", weights = "w", residuals = TRUE),
  list(key = "counting_efron", file = "edge/cox_counting.csv", start = "tstart", time = "tstop", event = "status",
       covariates = c("arm", "z"), ties = "efron", residuals = TRUE),
  list(key = "monotone_efron", file = "edge/cox_monotone.csv", time = "time", event = "status", covariates = c("arm", "z"),
       ties = "efron", profile_ci = TRUE),
  list(key = "collinear",      file = "edge/cox_collinear.csv", time = "time", event = "status", covariates = c("a", "b", "c"),
       ties = "efron", collinear = TRUE)
)

firth_keys <- c("monotone_efron", "aml_efron")

# ---------------------------------------------------------------- helpers --

# Numeric vector with NA, NaN, Inf and -Inf all turned into NA (JSON null).
clean <- function(x) {
  x <- as.double(x)
  x[!is.finite(x)] <- NA
  unname(x)
}
# Always a JSON array, even when length 1.
arr <- function(x) I(clean(x))
# A JSON scalar (null when not finite).
num <- function(x) {
  stopifnot(length(x) == 1)
  clean(x)
}
# A character vector that stays a JSON array.
chr <- function(x) I(as.character(unname(x)))
# A numeric matrix as an array of row arrays, non-finite values as null.
mat <- function(m) {
  m <- as.matrix(m)
  out <- matrix(clean(m), nrow = nrow(m), ncol = ncol(m))
  lapply(seq_len(nrow(out)), function(i) I(out[i, ]))
}
# Value or JSON null.
or_null <- function(x, f) if (is.null(x)) NA else f(x)

close_to <- function(a, b, tol = 1e-10) isTRUE(all.equal(unname(a), unname(b), tolerance = tol))

# Evaluate expr, collecting its warnings instead of printing them.
with_warnings <- function(expr) {
  ws <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    ws <<- c(ws, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = ws)
}

# Variable numbers named in coxph's "Loglik converged before variable ..." warning.
infinite_vars <- function(ws) {
  hits <- regmatches(ws, regexpr("Loglik converged before variable [0-9, ]+", ws))
  if (length(hits) == 0) return(integer(0))
  nums <- unlist(regmatches(hits, gregexpr("[0-9]+", hits)))
  sort(unique(as.integer(nums)))
}

# ---------------------------------------------------------- reading data --

# The analysis data frame of a case: used columns only, na.omit applied,
# text covariates turned into factors with C-locale sorted levels.
load_data <- function(spec) {
  path <- file.path(data_dir, spec$file)
  raw <- read.csv(path, stringsAsFactors = FALSE, na.strings = "")
  used <- unique(c(spec$start, spec$time, spec$event, spec$covariates,
                   spec$strata, spec$weights, spec$cluster))
  stopifnot(all(used %in% names(raw)))
  d <- raw[, used, drop = FALSE]
  d <- d[complete.cases(d), , drop = FALSE]
  rownames(d) <- NULL
  stopifnot(all(d[[spec$event]] %in% c(0, 1)))
  for (v in spec$covariates) {
    if (is.character(d[[v]])) {
      d[[v]] <- factor(d[[v]], levels = sort(unique(d[[v]]), method = "radix"))
    }
  }
  list(data = d, n_file = nrow(raw))
}

cox_formula <- function(spec, rhs = spec$covariates) {
  lhs <- if (is.null(spec$start)) {
    sprintf("Surv(%s, %s)", spec$time, spec$event)
  } else {
    sprintf("Surv(%s, %s, %s)", spec$start, spec$time, spec$event)
  }
  terms <- rhs
  if (!is.null(spec$strata)) terms <- c(terms, sprintf("strata(%s)", spec$strata))
  if (!is.null(spec$cluster)) terms <- c(terms, sprintf("cluster(%s)", spec$cluster))
  if (length(terms) == 0) terms <- "1"
  as.formula(paste(lhs, "~", paste(terms, collapse = " + ")), env = globalenv())
}

fit_cox <- function(spec, d, ...) {
  args <- list(formula = cox_formula(spec), data = d, ties = spec$ties, ...)
  if (!is.null(spec$weights)) args$weights <- d[[spec$weights]]
  if (isTRUE(spec$robust) && is.null(spec$cluster)) args$robust <- TRUE
  if (!is.null(spec$weights) && !isTRUE(spec$robust)) args$robust <- FALSE
  do.call(coxph, args)
}

# ------------------------------------------- log-likelihood at a given beta --

# A (p x 1)-design Cox problem on the model matrix of a fitted case, so that
# the log partial likelihood and information can be evaluated at any beta.
design_of <- function(spec, d, fit) {
  X <- model.matrix(fit)
  stopifnot(identical(colnames(X), names(coef(fit))))
  y <- if (is.null(spec$start)) {
    Surv(d[[spec$time]], d[[spec$event]])
  } else {
    Surv(d[[spec$start]], d[[spec$time]], d[[spec$event]])
  }
  st <- if (is.null(spec$strata)) NULL else d[[spec$strata]]
  list(X = X, y = y, strata = st)
}

# log partial likelihood and inverse information at beta (no iterations).
ll_at <- function(des, beta, ties) {
  X <- des$X
  y <- des$y
  fit <- if (is.null(des$strata)) {
    coxph(y ~ X, init = beta, control = coxph.control(iter.max = 0), ties = ties)
  } else {
    s <- des$strata
    coxph(y ~ X + strata(s), init = beta, control = coxph.control(iter.max = 0), ties = ties)
  }
  stopifnot(fit$iter == 0, close_to(fit$loglik[1], fit$loglik[2], 1e-15))
  list(loglik = fit$loglik[1], var = fit$var)
}

# Profile log-likelihood: beta_j fixed at b through an offset, the other
# coefficients re-maximized by coxph. Returns the maximized log-likelihood.
profile_ll <- function(des, j, b, ties) {
  X <- des$X
  y <- des$y
  off <- b * X[, j]
  Xo <- X[, -j, drop = FALSE]
  s <- des$strata
  rhs <- c(if (ncol(Xo) > 0) "Xo", "offset(off)", if (!is.null(s)) "strata(s)")
  f <- as.formula(paste("y ~", paste(rhs, collapse = " + ")))
  fw <- with_warnings(coxph(f, ties = ties, control = coxph.control(iter.max = 100)))
  if (length(infinite_vars(fw$warnings))) profile_diverged <<- TRUE
  tail(fw$value$loglik, 1)
}
profile_diverged <- FALSE  # set when a re-maximized coefficient runs off to infinity

# Find, on one side of est, the point where g(b) = 0, g(est) < 0 and g
# increasing away from est. Steps out from est by step * 2^k. Returns NA
# (and the largest g seen) when g stays negative up to est +- 2^10 * step.
one_sided_root <- function(g, est, step, side) {
  lo <- est
  g_lo <- g(est)
  stopifnot(g_lo < 0)
  seen <- g_lo
  for (k in 0:10) {
    b <- est + side * step * 2^k
    gb <- g(b)
    seen <- c(seen, gb)
    if (gb > 0) {
      r <- uniroot(g, interval = sort(c(lo, b)), f.lower = if (side > 0) g_lo else gb,
                   f.upper = if (side > 0) gb else g_lo, tol = 1e-13, maxiter = 1000)
      return(list(root = r$root, last_b = b, g_seen = seen))
    }
    lo <- b
    g_lo <- gb
  }
  list(root = NA_real_, last_b = b, g_seen = seen)
}

# --------------------------------------------------- profile-likelihood CI --

profile_ci <- function(spec, des, fit) {
  beta <- coef(fit)
  se <- sqrt(diag(if (is.null(fit$naive.var)) fit$var else fit$naive.var))
  ll_hat <- fit$loglik[2]
  lower <- upper <- rep(NA_real_, length(beta))
  notes <- character(0)
  for (j in seq_along(beta)) {
    # Profile at the estimate itself reproduces the maximum.
    stopifnot(abs(profile_ll(des, j, beta[j], spec$ties) - ll_hat) < 1e-6)
    profile_diverged <<- FALSE
    g <- function(b) 2 * (ll_hat - profile_ll(des, j, b, spec$ties)) - crit
    # Step: the model-based SE, but at most 1 (an infinite coefficient has an
    # enormous SE).
    step <- min(se[j], 1)
    for (side in c(-1, 1)) {
      r <- one_sided_root(g, beta[j], step, side)
      if (is.na(r$root)) {
        # The log partial likelihood is concave in beta, so the profile is
        # concave in b. If the deviance has not reached the cut-off 1024
        # steps out and has not increased along the way, the profile is
        # monotone towards its supremum on this side and no root exists.
        dev <- r$g_seen + crit
        stopifnot(all(diff(dev) <= 1e-8), max(dev) < 1e-6)
        notes <- c(notes, sprintf(paste(
          "%s: %s limit null (infinite). Stepping %s from the estimate %.6g to %.6g,",
          "the profile deviance 2(loglik(beta-hat) - loglik_p(b)) stays at or below %.3g and never increases.",
          "The log partial likelihood is concave, so its profile is concave in b: a profile that has",
          "flattened out at its supremum without rising cannot reach %.6f further out on this side."),
          names(beta)[j], if (side < 0) "lower" else "upper", if (side < 0) "down" else "up",
          beta[j], r$last_b, max(max(dev), 0), crit))
      } else {
        if (length(beta) == 1) {
          # One coefficient: the profile is the log-likelihood itself.
          stopifnot(abs(2 * (ll_hat - ll_at(des, r$root, spec$ties)$loglik) - crit) < 1e-8)
        }
        if (side < 0) lower[j] <- r$root else upper[j] <- r$root
      }
    }
    if (profile_diverged) {
      notes <- c(notes, sprintf(paste(
        "%s: in the refits with %s fixed another coefficient runs off to infinity and coxph stops when the",
        "log-likelihood has converged (relative change < 1e-9), as in the main fit; the profile values, and so",
        "the limits, are those of R's stopping points"), names(beta)[j], names(beta)[j]))
    }
  }
  list(method = "uniroot on 2*(loglik(beta-hat) - loglik(beta_j = b, other coefficients re-maximized by coxph with b*x_j as an offset)) = qchisq(0.95, 1); beta-hat's loglik is fit$loglik[2]",
       lower = arr(lower), upper = arr(upper),
       hr_lower = arr(exp(lower)), hr_upper = arr(exp(upper)),
       notes = chr(notes))
}

# ------------------------------------------------------------- one case --

make_case <- function(spec) {
  ld <- load_data(spec)
  d <- ld$data
  notes <- character(0)
  if (nrow(d) < ld$n_file) {
    notes <- c(notes, sprintf("%d of %d rows dropped for missing values (na.omit)", ld$n_file - nrow(d), ld$n_file))
  }
  fw <- with_warnings(fit_cox(spec, d))
  fit <- fw$value
  warns <- fw$warnings

  header <- list(
    key = spec$key, file = spec$file, time = spec$time,
    start = if (is.null(spec$start)) NA else spec$start,
    event = spec$event, covariates = chr(spec$covariates), ties = spec$ties,
    strata = chr(if (is.null(spec$strata)) character(0) else spec$strata),
    weights = if (is.null(spec$weights)) NA else spec$weights,
    cluster = if (is.null(spec$cluster)) NA else spec$cluster,
    robust = isTRUE(spec$robust)
  )

  beta <- coef(fit)
  terms <- names(beta)

  if (isTRUE(spec$collinear)) {
    na_terms <- terms[is.na(beta)]
    notes <- c(notes, "only the coefficients (NA for aliased columns) and the names of the NA columns are recorded")
    return(c(header, list(
      n = as.integer(fit$n), events = as.integer(fit$nevent),
      terms = chr(terms), coef = arr(beta), na_terms = chr(na_terms),
      warnings = chr(warns), infinite = I(infinite_vars(warns)),
      notes = chr(notes)
    )))
  }
  stopifnot(!anyNA(beta))

  robust <- isTRUE(spec$robust)
  stopifnot(robust == !is.null(fit$naive.var))
  se_model <- sqrt(diag(if (robust) fit$naive.var else fit$var))
  se_robust <- if (robust) sqrt(diag(fit$var)) else NULL
  se_used <- if (robust) se_robust else se_model
  z <- beta / se_used
  p <- 2 * pnorm(-abs(z))
  hr_lower <- exp(beta - z975 * se_used)
  hr_upper <- exp(beta + z975 * se_used)

  # Cross-check against summary.coxph.
  sm <- summary(fit)
  cm <- sm$coefficients
  stopifnot(close_to(cm[, "coef"], beta), close_to(cm[, "se(coef)"], se_model),
            close_to(cm[, "z"], z), close_to(cm[, "Pr(>|z|)"], p),
            close_to(sm$conf.int[, "lower .95"], hr_lower),
            close_to(sm$conf.int[, "upper .95"], hr_upper))
  if (robust) stopifnot(close_to(cm[, "robust se"], se_robust))

  df <- sum(!is.na(beta))
  lr <- 2 * (fit$loglik[2] - fit$loglik[1])
  # (summary.coxph rounds the Wald statistic to two decimals, so its p-value is compared.)
  stopifnot(close_to(sm$logtest[["test"]], lr), close_to(sm$waldtest[["pvalue"]], pchisq(fit$wald.test, df, lower.tail = FALSE)),
            close_to(sm$sctest[["test"]], fit$score))

  cc <- fit$concordance
  stopifnot(identical(names(cc), c("concordant", "discordant", "tied.x", "tied.y", "tied.xy",
                                   "concordance", "std")))

  # ---- weights: R's default with non-integer weights is the robust variance
  r_default <- NULL
  if (!is.null(spec$weights)) {
    fd <- with_warnings(do.call(coxph, list(formula = cox_formula(spec), data = d, ties = spec$ties,
                                            weights = d[[spec$weights]])))$value
    stopifnot(!is.null(fd$naive.var), close_to(coef(fd), beta), close_to(fd$naive.var, fit$var))
    r_default <- list(robust = TRUE, robust_se = arr(sqrt(diag(fd$var))),
                      variance = mat(fd$var),
                      wald = list(statistic = num(fd$wald.test), df = df,
                                  p = num(pchisq(fd$wald.test, df, lower.tail = FALSE))),
                      robust_score = num(fd$rscore))
    notes <- c(notes, paste(
      "survival 3.5-3's coxph turns robust on by default when the case weights are not integers;",
      "this case is fitted with robust = FALSE so se, variance, z, p, the HR limits and the Wald test are model-based.",
      "What R gives when robust is left at its default is under r_default."))
    notes <- c(notes, "n and events are unweighted counts (fit$n, fit$nevent)")
  }
  if (!is.null(spec$start)) notes <- c(notes, "n counts rows ((start, stop] intervals), not subjects")

  # ---- cox.zph
  zph <- NA
  if (spec$ties != "exact" && is.null(spec$start) && is.null(spec$weights)) {
    zph <- list()
    for (tr in c("km", "rank", "identity", "log")) {
      zz <- cox.zph(fit, transform = tr)
      tab <- zz$table
      zph[[tr]] <- list(terms = chr(rownames(tab)), chisq = arr(tab[, "chisq"]),
                        df = arr(tab[, "df"]), p = arr(tab[, "p"]))
    }
  } else {
    why <- c(if (spec$ties == "exact") "ties = exact",
             if (!is.null(spec$start)) "counting-process data",
             if (!is.null(spec$weights)) "case weights")
    notes <- c(notes, paste0("zph not recorded (", paste(why, collapse = ", "), ")"))
  }

  # ---- residuals
  residuals_out <- NA
  if (isTRUE(spec$residuals)) {
    rm <- residuals(fit, type = "martingale")
    rd <- residuals(fit, type = "deviance")
    rs <- as.matrix(residuals(fit, type = "score"))
    rsch <- residuals(fit, type = "schoenfeld")
    sch_time <- if (is.matrix(rsch)) rownames(rsch) else names(rsch)
    rsch <- as.matrix(rsch)
    rdf <- as.matrix(residuals(fit, type = "dfbeta"))
    stopifnot(length(rm) == nrow(d), length(rd) == nrow(d), nrow(rs) == nrow(d),
              nrow(rdf) == nrow(d), ncol(rs) == length(beta), ncol(rdf) == length(beta),
              nrow(rsch) == fit$nevent, ncol(rsch) == length(beta))
    # Residuals come back in the row order of d (names are row numbers).
    stopifnot(identical(names(rm), as.character(seq_len(nrow(d)))))
    sch_times <- as.numeric(sch_time)
    stopifnot(!anyNA(sch_times))
    residuals_out <- list(
      martingale = arr(rm), deviance = arr(rd), score = mat(rs),
      schoenfeld = mat(rsch), schoenfeld_time = arr(sch_times),
      dfbeta = mat(rdf)
    )
    if (!is.null(spec$strata)) {
      # Schoenfeld rows come stratum by stratum, by time within a stratum.
      ev <- d[[spec$event]] == 1
      st <- d[[spec$strata]][ev]
      tt <- d[[spec$time]][ev]
      o <- order(st, tt)
      stopifnot(all(sch_times == tt[o]))
      residuals_out$schoenfeld_stratum <- chr(paste0(spec$strata, "=", st[o]))
      notes <- c(notes, "schoenfeld rows are ordered by stratum, then by time; schoenfeld_stratum gives each row's stratum")
    }
    if (!is.null(spec$weights)) {
      notes <- c(notes, paste(
        "residuals use R's defaults: dfbeta rows are multiplied by the case weight (weighted = TRUE);",
        "martingale, deviance, score and schoenfeld are not"))
    }
  }

  # ---- baseline survival for a covariate profile, and basehaz
  baseline_out <- NA
  if (!is.null(spec$baseline)) {
    prof <- spec$baseline
    nd <- as.data.frame(prof, stringsAsFactors = FALSE)
    for (v in names(nd)) {
      if (is.factor(d[[v]])) nd[[v]] <- factor(nd[[v]], levels = levels(d[[v]]))
    }
    sf <- survfit(fit, newdata = nd, conf.type = "log")
    block <- function(idx) list(
      time = arr(sf$time[idx]), n_risk = arr(sf$n.risk[idx]), n_event = arr(sf$n.event[idx]),
      surv = arr(sf$surv[idx]), std_err = arr(sf$std.err[idx]),
      lower = arr(sf$lower[idx]), upper = arr(sf$upper[idx])
    )
    bh <- basehaz(fit, centered = FALSE)
    baseline_out <- list(profile = lapply(prof, function(v) v))
    if (is.null(sf$strata)) {
      baseline_out <- c(baseline_out, block(seq_along(sf$time)))
      stopifnot(is.null(bh$strata))
      baseline_out$basehaz <- list(time = arr(bh$time), hazard = arr(bh$hazard))
    } else {
      ends <- cumsum(sf$strata)
      starts <- ends - sf$strata + 1
      baseline_out$strata <- lapply(seq_along(sf$strata), function(k) {
        c(list(stratum = names(sf$strata)[k]), block(starts[k]:ends[k]))
      })
      baseline_out$basehaz <- list(time = arr(bh$time), hazard = arr(bh$hazard),
                                   strata = chr(as.character(bh$strata)))
    }
  }

  # ---- profile-likelihood limits
  prof_out <- NA
  if (isTRUE(spec$profile_ci)) {
    des <- design_of(spec, d, fit)
    prof_out <- profile_ci(spec, des, fit)
  }

  inf <- infinite_vars(warns)
  if (length(inf)) {
    notes <- c(notes, sprintf(
      "coxph reports variable(s) %s (%s) as possibly infinite; coef, se and iterations are R's values where it stopped",
      paste(inf, collapse = ","), paste(terms[inf], collapse = ",")))
  }

  c(header, list(
    n = as.integer(fit$n), events = as.integer(fit$nevent),
    terms = chr(terms), coef = arr(beta),
    se = arr(se_model), robust_se = or_null(se_robust, arr),
    variance = mat(fit$var),
    z = arr(z), p = arr(p), hr_lower = arr(hr_lower), hr_upper = arr(hr_upper),
    loglik_null = num(fit$loglik[1]), loglik = num(fit$loglik[2]),
    iterations = as.integer(fit$iter),
    lr = list(statistic = num(lr), df = df, p = num(pchisq(lr, df, lower.tail = FALSE))),
    wald = list(statistic = num(fit$wald.test), df = df, p = num(pchisq(fit$wald.test, df, lower.tail = FALSE))),
    score = list(statistic = num(fit$score), df = df, p = num(pchisq(fit$score, df, lower.tail = FALSE))),
    robust_score = or_null(fit$rscore, num),
    concordance = num(cc[["concordance"]]), concordance_se = num(cc[["std"]]),
    concordance_counts = list(concordant = num(cc[["concordant"]]), discordant = num(cc[["discordant"]]),
                              tied_x = num(cc[["tied.x"]]), tied_y = num(cc[["tied.y"]]),
                              tied_xy = num(cc[["tied.xy"]])),
    zph = zph,
    residuals = residuals_out,
    baseline = baseline_out,
    warnings = chr(warns),
    infinite = I(inf),
    profile_ci = prof_out,
    notes = chr(notes)
  ), if (is.null(r_default)) NULL else list(r_default = r_default))
}

# ------------------------------------------------------------------ Firth --

# Breslow log partial likelihood and information written out directly, for
# right-censored data without strata or weights. Used only to check what
# coxph(init = beta, iter.max = 0) returns.
breslow_direct <- function(time, status, X, beta) {
  X <- as.matrix(X)
  eta <- drop(X %*% beta)
  r <- exp(eta)
  ll <- 0
  info <- matrix(0, ncol(X), ncol(X))
  for (t in sort(unique(time[status == 1]))) {
    dead <- time == t & status == 1
    risk <- time >= t
    d <- sum(dead)
    s0 <- sum(r[risk])
    s1 <- colSums(r[risk] * X[risk, , drop = FALSE])
    s2 <- crossprod(X[risk, , drop = FALSE] * r[risk], X[risk, , drop = FALSE])
    ll <- ll + sum(eta[dead]) - d * log(s0)
    info <- info + d * (s2 / s0 - tcrossprod(s1 / s0))
  }
  list(loglik = ll, info = info)
}

# Central-difference Hessian of f at x with one Richardson step.
num_hessian <- function(f, x, h = 1e-3) {
  H1 <- function(h) {
    p <- length(x)
    H <- matrix(0, p, p)
    for (i in seq_len(p)) for (j in i:p) {
      ei <- replace(numeric(p), i, h)
      ej <- replace(numeric(p), j, h)
      H[i, j] <- H[j, i] <- (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h^2)
    }
    H
  }
  (4 * H1(h / 2) - H1(h)) / 3
}
num_gradient <- function(f, x, h = 1e-5) {
  vapply(seq_along(x), function(i) {
    e <- replace(numeric(length(x)), i, h)
    (f(x + e) - f(x - e)) / (2 * h)
  }, numeric(1))
}

firth_case <- function(spec) {
  ties <- "breslow"
  d <- load_data(spec)$data
  fs <- spec
  fs$ties <- ties
  fit <- suppressWarnings(fit_cox(fs, d))
  des <- design_of(fs, d, fit)
  p <- ncol(des$X)

  # Check that iter.max = 0 returns the log-likelihood and inverse
  # information at init: compare with numerical derivatives of the loglik.
  b_chk <- rep(0.3, p)
  e0 <- ll_at(des, b_chk, ties)
  H_num <- num_hessian(function(b) ll_at(des, b, ties)$loglik, b_chk)
  stopifnot(max(abs(-H_num - solve(e0$var))) < 1e-6 * max(1, abs(H_num)))
  # ... and that both agree with the Breslow formulas written out above.
  stopifnot(is.null(spec$start), is.null(spec$strata), is.null(spec$weights))
  for (b in list(rep(0, p), b_chk, seq(-1, 1, length.out = p))) {
    direct <- breslow_direct(d[[spec$time]], d[[spec$event]], des$X, b)
    e <- ll_at(des, b, ties)
    stopifnot(abs(direct$loglik - e$loglik) < 1e-10,
              max(abs(direct$info - solve(e$var))) < 1e-10 * max(1, abs(direct$info)))
  }

  pen <- function(b) {
    e <- ll_at(des, b, ties)
    info <- solve(e$var)
    e$loglik + 0.5 * as.numeric(determinant(info, logarithm = TRUE)$modulus)
  }
  ctrl <- list(fnscale = -1, reltol = 1e-14, maxit = 10000, ndeps = rep(1e-5, p))
  o_bfgs <- optim(rep(0, p), pen, method = "BFGS", control = ctrl)
  stopifnot(o_bfgs$convergence == 0)
  o_nm <- if (p > 1) {
    optim(rep(0, p), pen, method = "Nelder-Mead",
          control = list(fnscale = -1, reltol = 1e-14, maxit = 20000))
  } else {
    # Nelder-Mead is unreliable in one dimension; use Brent on a wide interval.
    optim(0, pen, method = "Brent", lower = -30, upper = 30,
          control = list(fnscale = -1, reltol = 1e-14))
  }
  stopifnot(o_nm$convergence == 0)
  # Polish with Newton steps on numerical derivatives, then compare.
  b_hat <- o_bfgs$par
  for (it in 1:5) {
    g <- num_gradient(pen, b_hat)
    H <- num_hessian(pen, b_hat)
    b_hat <- b_hat - solve(H, g)
  }
  grad_at_hat <- num_gradient(pen, b_hat)
  stopifnot(max(abs(grad_at_hat)) < 1e-6,
            max(abs(b_hat - o_bfgs$par)) < 1e-5,
            max(abs(b_hat - o_nm$par)) < 1e-4)
  pl_hat <- pen(b_hat)

  H <- num_hessian(pen, b_hat)
  se_hessian <- sqrt(diag(solve(-H)))
  e_hat <- ll_at(des, b_hat, ties)
  se_information <- sqrt(diag(e_hat$var))

  # Profile penalized likelihood: beta_j fixed, the others re-maximized.
  prof_pen <- function(j, b) {
    if (p == 1) return(pen(b))
    full <- function(rest) {
      x <- numeric(p)
      x[j] <- b
      x[-j] <- rest
      pen(x)
    }
    o <- optim(b_hat[-j], full, method = "BFGS",
               control = list(fnscale = -1, reltol = 1e-14, maxit = 10000, ndeps = rep(1e-5, p - 1)))
    stopifnot(o$convergence == 0)
    o$value
  }
  lower <- upper <- rep(NA_real_, p)
  notes <- character(0)
  for (j in seq_len(p)) {
    g <- function(b) 2 * (pl_hat - prof_pen(j, b)) - crit
    step <- min(se_information[j], 1)
    for (side in c(-1, 1)) {
      r <- one_sided_root(g, b_hat[j], step, side)
      if (is.na(r$root)) {
        notes <- c(notes, sprintf("%s: no %s penalized profile limit within %.6g of the estimate",
                                  colnames(des$X)[j], if (side < 0) "lower" else "upper",
                                  abs(r$last_b - b_hat[j])))
      } else if (side < 0) lower[j] <- r$root else upper[j] <- r$root
    }
  }

  list(
    key = spec$key, file = spec$file, time = spec$time, event = spec$event,
    covariates = chr(spec$covariates), ties = ties,
    terms = chr(colnames(des$X)),
    coef = arr(b_hat),
    loglik_penalized = num(pl_hat),
    loglik = num(e_hat$loglik),
    se_hessian = arr(se_hessian),
    se_information = arr(se_information),
    profile_lower = arr(lower), profile_upper = arr(upper),
    hr = arr(exp(b_hat)), hr_profile_lower = arr(exp(lower)), hr_profile_upper = arr(exp(upper)),
    optim = list(bfgs_coef = arr(o_bfgs$par), bfgs_value = num(o_bfgs$value),
                 check_method = if (p > 1) "Nelder-Mead" else "Brent",
                 check_coef = arr(o_nm$par), check_value = num(o_nm$value),
                 max_abs_gradient = num(max(abs(grad_at_hat)))),
    notes = chr(notes)
  )
}

# ------------------------------------------------------------------ cases --

cases <- lapply(specs, make_case)
names(specs) <- vapply(specs, `[[`, character(1), "key")

firth <- list(
  method = paste(
    "Firth-penalized partial likelihood l*(beta) = l(beta) + 0.5 log det I(beta) (Heinze & Schemper 2001),",
    "l and I = solve(var) from coxph(..., init = beta, iter.max = 0, ties = 'breslow'), Breslow ties as in coxphf",
    "(with iter.max = 0, fit$loglik[1] and fit$loglik[2] are both the log-likelihood at init, and fit$var is",
    "the inverse information at init: both checked against numerical derivatives and against the Breslow",
    "formulas written out in the script);",
    "maximized by optim BFGS from 0 (reltol 1e-14, ndeps 1e-5), polished by Newton steps on numerical derivatives",
    "and checked against Nelder-Mead (Brent for one coefficient).",
    "se_hessian = sqrt(diag(solve(-d2 l*))) by central differences with Richardson extrapolation;",
    "se_information = sqrt(diag(I(beta_firth)^-1)), the unpenalized information at the Firth estimate (coxphf's se).",
    "Profile limits: uniroot on 2*(l*(beta_firth) - max l* with beta_j fixed) = qchisq(0.95, 1)."),
  ties = "breslow",
  cases = lapply(firth_keys, function(k) firth_case(specs[[k]]))
)

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  MASS = packageDescription("MASS")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

json <- toJSON(list(versions = versions, cases = cases, firth = firth),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d cases, %d Firth fits\n", out_file, length(cases), length(firth$cases)))
