# logrank_reference.R -- weighted k-sample log-rank reference values for the
# osstats Swift tests.
#
# For each case below the script computes the weighted log-rank test in the
# Klein & Moeschberger (2003, section 7.3) / SAS LIFETEST form, optionally
# stratified, for nine weight functions: log-rank, Fleming-Harrington
# (1,0), (0,1), (1,1), (0.5,0.5), Gehan-Breslow, Tarone-Ware, Peto-Peto and
# modified Peto-Peto. The statistic is computed by an independent
# implementation in this file; for the log-rank and FH(1,0) weights it must
# reproduce survival::survdiff (rho = 0 and rho = 1) to 1e-12, and the values
# written for those two weights are survdiff's own. Two-group unstratified
# cases also record survMisc::comp's chi-square for comparison; survMisc uses
# the same weights and numerator but a different tie correction in the
# variance (see the comment at the check in make_case), so it matches only
# when no event time is shared by both groups. Two-group
# cases get the MaxCombo test (max |Z| over FH(0,0), (0,1), (1,0), (1,1),
# p-value from mvtnorm::pmvnorm); cases with more than two groups get the
# log-rank test for trend and all pairwise log-rank tests with Holm and
# Bonferroni adjustment. Everything is written to
# Datasets/References/logrank_reference.json.
#
# Run from the repository root:
#     Rscript Datasets/References/logrank_reference.R
#
# Needs the Debian packages r-cran-mvtnorm and r-cran-survmisc in addition to
# what km_reference.R needs. Written and run with R 4.2.2 Patched (2022-11-10
# r83330), survival 3.5-3, mvtnorm 1.1-3, survMisc 0.5.6, jsonlite 1.8.4. The
# versions actually used are also recorded in the JSON under "versions". The
# output contains no timestamps and every pmvnorm call is preceded by the same
# set.seed, so running the script twice gives byte-identical files.
#
# Degenerate cases are written, not dropped: a stratum holding a single group
# contributes nothing; when the variance restricted to the groups with
# expected > 0 is singular (gehan_pair with FH weights whose gamma > 0: each
# pair's first event has weight 0 and its second has one subject at risk), the
# chi-square, p, z and the MaxCombo values that depend on it are null.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(mvtnorm)
  library(jsonlite)
})
stopifnot(requireNamespace("survMisc", quietly = TRUE))

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "logrank_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

pmvnorm_seed <- 20240611L
tol <- 1e-12

specs <- list(
  list(key = "aml",                     file = "aml.csv",                 time = "time",   event = "status", group = "x",        strata = character(0)),
  list(key = "gehan",                   file = "gehan.csv",               time = "time",   event = "cens",   group = "treat",    strata = character(0)),
  list(key = "gehan_pair",              file = "gehan.csv",               time = "time",   event = "cens",   group = "treat",    strata = "pair"),
  list(key = "lung",                    file = "lung.csv",                time = "time",   event = "status", group = "sex",      strata = character(0)),
  list(key = "lung_ecog_strata",        file = "lung.csv",                time = "time",   event = "status", group = "sex",      strata = "ph.ecog"),
  list(key = "lung_by_ecog",            file = "lung.csv",                time = "time",   event = "status", group = "ph.ecog",  strata = character(0)),
  list(key = "veteran",                 file = "veteran.csv",             time = "time",   event = "status", group = "trt",      strata = character(0)),
  list(key = "veteran_celltype_strata", file = "veteran.csv",             time = "time",   event = "status", group = "trt",      strata = "celltype"),
  list(key = "veteran_two_strata",      file = "veteran.csv",             time = "time",   event = "status", group = "trt",      strata = c("celltype", "prior")),
  list(key = "veteran_by_celltype",     file = "veteran.csv",             time = "time",   event = "status", group = "celltype", strata = character(0)),
  list(key = "ovarian",                 file = "ovarian.csv",             time = "futime", event = "fustat", group = "rx",       strata = character(0)),
  list(key = "ovarian_resid_strata",    file = "ovarian.csv",             time = "futime", event = "fustat", group = "rx",       strata = "resid.ds"),
  list(key = "ties",                    file = "edge/ties.csv",           time = "time",   event = "status", group = "group",    strata = character(0)),
  list(key = "no_events_group",         file = "edge/no_events_group.csv", time = "time",  event = "status", group = "group",    strata = character(0)),
  list(key = "unequal_strata",          file = "edge/unequal_strata.csv", time = "time",   event = "status", group = "group",    strata = "stratum")
)

# The nine tests, in the order they are written. survdiff_rho marks the two
# that survdiff computes; survmisc names the matching row of survMisc::comp.
tests <- list(
  list(weights = "logrank",            rho = NA,  gamma = NA,  survdiff_rho = 0,  survmisc = "1"),
  list(weights = "fleming-harrington", rho = 1,   gamma = 0,   survdiff_rho = 1,  survmisc = "FH_p=1_q=0"),
  list(weights = "fleming-harrington", rho = 0,   gamma = 1,   survdiff_rho = NA, survmisc = "FH_p=0_q=1"),
  list(weights = "fleming-harrington", rho = 1,   gamma = 1,   survdiff_rho = NA, survmisc = "FH_p=1_q=1"),
  list(weights = "fleming-harrington", rho = 0.5, gamma = 0.5, survdiff_rho = NA, survmisc = "FH_p=0.5_q=0.5"),
  list(weights = "gehan-breslow",      rho = NA,  gamma = NA,  survdiff_rho = NA, survmisc = "n"),
  list(weights = "tarone-ware",        rho = NA,  gamma = NA,  survdiff_rho = NA, survmisc = "sqrtN"),
  list(weights = "peto-peto",          rho = NA,  gamma = NA,  survdiff_rho = NA, survmisc = "S1"),
  list(weights = "modified-peto-peto", rho = NA,  gamma = NA,  survdiff_rho = NA, survmisc = "S2")
)

# MaxCombo components: FH(0,0), FH(0,1), FH(1,0), FH(1,1).
maxcombo_rg <- list(c(0, 0), c(0, 1), c(1, 0), c(1, 1))

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
# A numeric matrix as an array of row arrays, non-finite values as null.
mat <- function(m) {
  m <- as.matrix(m)
  out <- matrix(clean(m), nrow = nrow(m), ncol = ncol(m))
  lapply(seq_len(nrow(out)), function(i) I(out[i, ]))
}
same <- function(a, b) isTRUE(all.equal(unname(a), unname(b), tolerance = tol))

note <- function(...) message("note: ", ...)

# ------------------------------------------------- the weighted statistic --

# Per-stratum tables at the distinct event times of that stratum:
# nk[i, k] = number at risk in group k (time >= t_i), dk[i, k] = events.
# Strata without any event contribute nothing and are left out.
risk_tables <- function(time, status, g, s, K) {
  tabs <- list()
  for (h in sort(unique(s))) {
    sel <- s == h
    tt <- time[sel]
    ev <- status[sel] == 1
    gg <- g[sel]
    ut <- sort(unique(tt[ev]))
    if (length(ut) == 0) next
    onehot <- outer(gg, seq_len(K), "==") * 1
    at_risk <- outer(ut, tt, "<=") * 1
    died <- outer(ut, tt, "==") * rep(ev, each = length(ut))
    nk <- at_risk %*% onehot
    dk <- died %*% onehot
    tabs[[length(tabs) + 1]] <- list(stratum = h, time = ut, nk = nk, dk = dk,
                                     n = rowSums(nk), d = rowSums(dk))
  }
  tabs
}

# Weight at each event time of one stratum (pooled over groups).
stratum_weights <- function(n, d, weights, rho, gamma) {
  switch(weights,
    "logrank" = rep(1, length(n)),
    "gehan-breslow" = n,
    "tarone-ware" = sqrt(n),
    "peto-peto" = cumprod(1 - d / (n + 1)),
    "modified-peto-peto" = cumprod(1 - d / (n + 1)) * n / (n + 1),
    "fleming-harrington" = {
      km <- cumprod(1 - d / n)            # pooled Kaplan-Meier after t_i
      km_left <- c(1, km[-length(km)])    # value just before t_i
      km_left^rho * (1 - km_left)^gamma
    },
    stop("unknown weights ", weights)
  )
}

# U, observed, expected and V summed over strata. Also returns, stacked over
# all strata in the same order, the weights and the group-2 variance term
# (used for the MaxCombo correlation).
weighted_logrank <- function(tabs, K, weights, rho = NA, gamma = NA) {
  U <- obs <- expd <- numeric(K)
  V <- matrix(0, K, K)
  w_all <- v22_all <- numeric(0)
  for (tb in tabs) {
    w <- stratum_weights(tb$n, tb$d, weights, rho, gamma)
    p <- tb$nk / tb$n                              # n_ik / n_i
    e <- tb$d * p                                  # d_i n_ik / n_i
    obs <- obs + colSums(w * tb$dk)
    expd <- expd + colSums(w * e)
    U <- U + colSums(w * (tb$dk - e))
    vt <- ifelse(tb$n > 1, tb$d * (tb$n - tb$d) / pmax(tb$n - 1, 1), 0)
    a <- w^2 * vt
    V <- V + diag(colSums(a * p), nrow = K) - crossprod(p * a, p)
    w_all <- c(w_all, w)
    if (K >= 2) v22_all <- c(v22_all, vt * p[, 2] * (1 - p[, 2]))
  }
  list(U = U, observed = obs, expected = expd, V = V, w = w_all, v22 = v22_all)
}

# Chi-square over the groups with expected > 0, dropping the first of them.
# A singular system (or fewer than two such groups) gives NA.
chisq_test <- function(U, V, expected) {
  keep <- which(expected > 0)
  df <- length(keep) - 1
  chisq <- NA_real_
  if (df >= 1) {
    idx <- keep[-1]
    x <- tryCatch(solve(V[idx, idx, drop = FALSE], U[idx]), error = function(e) NULL)
    if (!is.null(x)) chisq <- sum(x * U[idx])
  }
  list(chisq = chisq, df = df,
       p = if (df >= 1) pchisq(chisq, df, lower.tail = FALSE) else NA_real_)
}

# ---------------------------------------------------------- reading data --

load_case <- function(spec) {
  path <- file.path(data_dir, spec$file)
  raw <- read.csv(path, stringsAsFactors = FALSE, na.strings = "")
  txt <- read.csv(path, colClasses = "character", na.strings = "")  # values as written
  used <- c(spec$time, spec$event, spec$group, spec$strata)
  stopifnot(all(used %in% names(raw)))
  ok <- complete.cases(raw[, used, drop = FALSE])  # as na.omit
  raw <- raw[ok, , drop = FALSE]
  txt <- txt[ok, , drop = FALSE]

  time <- as.double(raw[[spec$time]])
  status <- as.double(raw[[spec$event]])
  stopifnot(all(status %in% c(0, 1)))

  g_raw <- raw[[spec$group]]
  g_txt <- txt[[spec$group]]
  if (is.numeric(g_raw)) {
    # numeric group columns: numeric order, labelled as written in the CSV
    u <- sort(unique(g_raw))
    labels <- vapply(u, function(v) g_txt[match(v, g_raw)], character(1))
    scores <- u
  } else {
    labels <- sort(unique(g_raw), method = "radix")  # C-locale (byte) order
    u <- labels
    scores <- NULL
  }
  stopifnot(!anyDuplicated(labels))
  g <- match(g_raw, u)

  if (length(spec$strata) == 0) {
    s <- rep(1L, length(time))
  } else {
    key <- do.call(paste, c(lapply(spec$strata, function(v) txt[[v]]), sep = "\r"))
    s <- match(key, sort(unique(key), method = "radix"))
  }
  list(time = time, status = status, g = g, s = s, labels = labels,
       scores = scores, K = length(labels), n_strata = length(unique(s)))
}

# survdiff on integer group codes (factor with the given levels) and strata.
run_survdiff <- function(time, status, g, s, levels, stratified, rho) {
  dd <- data.frame(time = time, status = status,
                   grp = factor(g, levels = levels), st = factor(s))
  f <- if (stratified) {
    survdiff(Surv(time, status) ~ grp + strata(st), data = dd, rho = rho)
  } else {
    survdiff(Surv(time, status) ~ grp, data = dd, rho = rho)
  }
  o <- if (is.matrix(f$obs)) rowSums(f$obs) else f$obs
  e <- if (is.matrix(f$exp)) rowSums(f$exp) else f$exp
  list(observed = unname(o), expected = unname(e), V = unname(as.matrix(f$var)),
       chisq = f$chisq)
}

# survMisc::comp chi-squares (Q^2 / Var), named by survMisc's weight labels.
survmisc_chisq <- function(time, status, g, K) {
  dd <- data.frame(time = time, status = status, grp = factor(g, levels = seq_len(K)))
  res <- tryCatch({
    t1 <- survMisc::ten(Surv(time, status) ~ grp, data = dd)
    invisible(capture.output(survMisc::comp(t1, p = c(1, 0, 1, 0.5), q = c(0, 1, 1, 0.5))))
    lrt <- attr(t1, "lrt")
    setNames(as.double(lrt$chiSq), as.character(lrt$W))
  }, error = function(e) {
    note("survMisc::comp failed: ", conditionMessage(e))
    NULL
  })
  res
}

# ------------------------------------------------------------- one case --

make_case <- function(spec) {
  dat <- load_case(spec)
  K <- dat$K
  stratified <- length(spec$strata) > 0
  tabs <- risk_tables(dat$time, dat$status, dat$g, dat$s, K)

  n_k <- tabulate(dat$g, nbins = K)
  events_k <- tabulate(dat$g[dat$status == 1], nbins = K)

  # strata in which every subject is in one group contribute nothing
  if (stratified) {
    one_group <- vapply(split(dat$g, dat$s), function(x) length(unique(x)) == 1, logical(1))
    if (any(one_group)) {
      note(spec$key, ": ", sum(one_group), " of ", dat$n_strata,
           " strata hold a single group and contribute nothing")
    }
  }

  sm <- if (K == 2 && !stratified) survmisc_chisq(dat$time, dat$status, dat$g, K) else NULL

  fits <- list()
  out_tests <- list()
  for (ts in tests) {
    own <- weighted_logrank(tabs, K, ts$weights, ts$rho, ts$gamma)
    stopifnot(same(own$U, own$observed - own$expected))
    ct <- chisq_test(own$U, own$V, own$expected)
    rec <- list(observed = own$observed, expected = own$expected, V = own$V,
                chisq = ct$chisq, df = ct$df)

    if (!is.na(ts$survdiff_rho)) {
      sd <- run_survdiff(dat$time, dat$status, dat$g, dat$s, seq_len(K), stratified, ts$survdiff_rho)
      stopifnot(same(own$observed, sd$observed),
                same(own$expected, sd$expected),
                same(own$V, sd$V),
                same(ct$chisq, sd$chisq))
      df_sd <- sum(sd$expected > 0) - 1
      stopifnot(df_sd == ct$df)
      rec <- list(observed = sd$observed, expected = sd$expected, V = sd$V,
                  chisq = sd$chisq, df = df_sd)
    }
    if (is.na(rec$chisq)) {
      note(spec$key, ", ", ts$weights,
           if (!is.na(ts$rho)) sprintf("(%g,%g)", ts$rho, ts$gamma) else "",
           ": V is singular (max |V| = ", format(max(abs(rec$V))),
           ", max |U| = ", format(max(abs(rec$observed - rec$expected))),
           "), chi-square undefined")
    }
    p <- if (rec$df >= 1) pchisq(rec$chisq, rec$df, lower.tail = FALSE) else NA_real_
    z <- NA_real_
    if (K == 2) z <- (rec$observed[2] - rec$expected[2]) / sqrt(rec$V[2, 2])

    sm_chisq <- NA_real_
    if (!is.null(sm)) {
      sm_chisq <- sm[[ts$survmisc]]
      # survMisc uses the same weights and U, but its two-group variance puts
      # each group's own event count d_ik, not the total d_i, into the
      # hypergeometric term: sum_k (n_ik/n_i)(1 - n_ik/n_i) d_ik (n_i - d_ik)/(n_i - 1).
      # It therefore agrees with survdiff only when no two groups have an event
      # at the same time. Check that this is the whole difference.
      tb <- tabs[[1]]
      p1 <- tb$nk[, 1] / tb$n
      v_sm <- sum(own$w^2 * p1 * (1 - p1) *
                  rowSums(tb$dk * (tb$n - tb$dk) / pmax(tb$n - 1, 1)))
      stopifnot(same(sm_chisq, own$U[2]^2 / v_sm))
    }

    fits[[length(fits) + 1]] <- c(rec, list(z = z, w = list(own$w), v22 = list(own$v22)))
    out_tests[[length(out_tests) + 1]] <- list(
      weights = ts$weights, rho = num(ts$rho), gamma = num(ts$gamma),
      observed = arr(rec$observed), expected = arr(rec$expected),
      variance = mat(rec$V),
      chisq = num(rec$chisq), df = as.integer(rec$df), p = num(p),
      z = num(z), survmisc = num(sm_chisq)
    )
  }

  # ---- MaxCombo (two groups)
  maxcombo <- NA
  if (K == 2) {
    mc <- lapply(maxcombo_rg, function(rg) {
      if (all(rg == 0)) {
        f <- fits[[1]]  # log-rank, survdiff's numbers
        own <- weighted_logrank(tabs, K, "logrank")
      } else {
        f <- fits[[which(vapply(tests, function(ts) identical(ts$weights, "fleming-harrington") &&
                                  isTRUE(ts$rho == rg[1]) && isTRUE(ts$gamma == rg[2]), logical(1)))]]
        own <- weighted_logrank(tabs, K, "fleming-harrington", rg[1], rg[2])
      }
      stopifnot(same(sum(own$w^2 * own$v22), f$V[2, 2]))
      list(z = f$z, w = own$w, v22 = own$v22)
    })
    z <- vapply(mc, `[[`, numeric(1), "z")
    W <- do.call(cbind, lapply(mc, `[[`, "w"))
    v22 <- mc[[1]]$v22
    C <- crossprod(W * v22, W)          # cov(U_a, U_b) for group 2
    R <- C / sqrt(outer(diag(C), diag(C)))
    diag(R)[diag(C) > 0] <- 1
    if (all(is.finite(z)) && all(is.finite(R))) {
      m <- max(abs(z))
      set.seed(pmvnorm_seed)
      two <- pmvnorm(lower = rep(-m, 4), upper = rep(m, 4), corr = R,
                     algorithm = GenzBretz(maxpts = 1e7, abseps = 1e-10, releps = 0))
      mn <- min(z)
      set.seed(pmvnorm_seed)
      one <- pmvnorm(lower = rep(mn, 4), upper = rep(Inf, 4), corr = R,
                     algorithm = GenzBretz(maxpts = 1e7, abseps = 1e-10, releps = 0))
      # With abseps = 1e-10 and releps = 0 pmvnorm usually stops at maxpts and
      # says "Completion with error > abseps"; its error estimate is recorded.
      for (x in list(two, one)) {
        if (!attr(x, "msg") %in% c("Normal Completion", "Completion with error > abseps")) {
          stop(spec$key, ": pmvnorm says ", attr(x, "msg"))
        }
      }
      maxcombo <- list(
        z = arr(z), correlation = mat(R), max_abs_z = num(m),
        p = num(1 - as.double(two)), p_error = num(attr(two, "error")),
        p_one_sided_less = num(1 - as.double(one)),
        p_one_sided_less_error = num(attr(one, "error"))
      )
    } else {
      note(spec$key, ": MaxCombo undefined (a component Z is not finite)")
      maxcombo <- list(
        z = arr(z), correlation = mat(R), max_abs_z = NA,
        p = NA, p_error = NA, p_one_sided_less = NA, p_one_sided_less_error = NA
      )
    }
  }

  # ---- trend and pairwise (more than two groups), log-rank weights
  trend <- NA
  pairwise <- NA
  if (K > 2) {
    lr <- fits[[1]]
    U <- lr$observed - lr$expected
    score_sets <- list(seq_len(K))
    if (!is.null(dat$scores)) score_sets[[2]] <- dat$scores
    trend <- lapply(score_sets, function(sc) {
      q <- sum(sc * U)
      v <- drop(t(sc) %*% lr$V %*% sc)
      list(scores = arr(sc), chisq = num(q^2 / v), df = 1L,
           p = num(pchisq(q^2 / v, 1, lower.tail = FALSE)), z = num(q / sqrt(v)))
    })
    pairs <- combn(K, 2)
    pw <- lapply(seq_len(ncol(pairs)), function(j) {
      a <- pairs[1, j]
      b <- pairs[2, j]
      sel <- dat$g %in% c(a, b)
      sd <- run_survdiff(dat$time[sel], dat$status[sel], dat$g[sel], dat$s[sel],
                         c(a, b), stratified, 0)
      # cross-check against the own implementation on the subset
      sub_tabs <- risk_tables(dat$time[sel], dat$status[sel], match(dat$g[sel], c(a, b)),
                              dat$s[sel], 2)
      own <- weighted_logrank(sub_tabs, 2, "logrank")
      stopifnot(same(chisq_test(own$U, own$V, own$expected)$chisq, sd$chisq))
      df <- sum(sd$expected > 0) - 1
      list(first = dat$labels[a], second = dat$labels[b], chisq = sd$chisq,
           p = pchisq(sd$chisq, df, lower.tail = FALSE))
    })
    pv <- vapply(pw, `[[`, numeric(1), "p")
    holm <- p.adjust(pv, "holm")
    bonf <- p.adjust(pv, "bonferroni")
    pairwise <- lapply(seq_along(pw), function(j) {
      list(first = pw[[j]]$first, second = pw[[j]]$second,
           chisq = num(pw[[j]]$chisq), p = num(pw[[j]]$p),
           p_holm = num(holm[j]), p_bonferroni = num(bonf[j]))
    })
  }

  list(
    key = spec$key, file = spec$file, time = spec$time, event = spec$event,
    group = spec$group, strata = I(spec$strata),
    groups = I(dat$labels), n = I(as.integer(n_k)), events = I(as.integer(events_k)),
    tests = out_tests,
    maxcombo = maxcombo,
    trend = trend,
    pairwise = pairwise
  )
}

# ------------------------------------------------------------------ cases --

cases <- lapply(specs, make_case)

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  mvtnorm = packageDescription("mvtnorm")$Version,
  survMisc = packageDescription("survMisc")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

json <- toJSON(list(versions = versions, cases = cases),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d cases\n", out_file, length(cases)))
