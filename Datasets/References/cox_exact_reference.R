# cox_exact_reference.R -- reference values of the exact partial likelihood
# (coxph ties = "exact") for the osstats Swift tests.
#
# For each case below the script evaluates, at several fixed coefficient
# vectors beta, the exact (discrete-time) log partial likelihood of the Cox
# model, its score vector U(beta) and its information matrix I(beta), as the
# survival package computes them, and writes them to
# Datasets/References/cox_exact_reference.json together with R's fitted
# coefficients and the case data needed to rebuild the design in Swift.
#
# Where each number comes from:
#   * loglik: coxph(..., ties = "exact", init = beta, iter.max = 0)$loglik[1]
#     (with iter.max = 0 both elements of $loglik are the value at init).
#   * information: solve(fit$var) of that same call (var = I(beta)^-1).
#   * score: coxph does not return U(beta), so the script calls survival's own
#     compiled routine with iter.max = 0 and the data prepared as survival
#     prepares it. For right-censored data (C routine coxexact, which works on
#     centred and scaled columns) the routine returns I_s^-1 U_s in the scaled
#     parametrisation, so U = diag(scale) I_s (I_s^-1 U_s); for (start, stop]
#     data (C routine agexact) it returns U itself. Each score is checked
#     against a central difference of coxph's log-likelihood (step 1e-5) and
#     each information against the same routine's matrix.
# Every beta is rounded to 15 significant digits before use, which is what
# jsonlite writes, so R and Swift evaluate at the same binary numbers; "the R
# estimate" is coef(coxph(..., ties = "exact")) rounded that way.
#
# The cases: aml (time, status ~ x), gehan (time, cens ~ treat), ovarian
# (futime, fustat ~ rx + age) from the bundled CSV files; and a small
# hand-written table with heavy ties (7 events at time 5 in stratum A, 3-way
# ties elsewhere, two covariates), written into the JSON itself and fitted
# three ways: unstratified, with strata(s), and as (start, stop] data with
# delayed entry. The JSON also records survival's refusal of case weights.
#
# Run from the repository root:
#     Rscript Datasets/References/cox_exact_reference.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# jsonlite 1.8.4. The versions actually used are also recorded in the JSON
# under "versions". The output contains no timestamps, so running the script
# twice gives byte-identical files.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "cox_exact_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

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
b15 <- function(b) signif(unname(b), 15)

# The score and information from survival's compiled routines at 'beta'.
# x: model matrix without intercept; y: Surv object; strata: integer codes or
# NULL. Mirrors the preparation survival's coxexact.fit / agexact.fit do
# before calling C (sort order, stratum markers, scaling), with iter.max = 0.
native_exact <- function(x, y, strata, beta) {
  n <- nrow(x)
  p <- ncol(x)
  if (ncol(y) == 2) {
    ord <- if (is.null(strata)) order(-y[, 1]) else order(strata, -y[, 1])
    first <- if (is.null(strata)) integer(n) else
      as.integer(c(1, diff(as.numeric(strata)[ord]) != 0))
    z <- scale(x[ord, , drop = FALSE])
    s <- attr(z, "scaled:scale")
    out <- .Call(survival:::Ccoxexact, 0L, as.double(y[ord, ]), z, double(n),
                 first, as.double(beta * s), 1e-9, .Machine$double.eps^0.75)
    inv_s <- matrix(out$imat, p, p)       # I_s(beta)^-1 in the scaled metric
    info_s <- solve(inv_s)
    u_s <- as.vector(info_s %*% out$u)    # out$u holds I_s^-1 U_s
    list(loglik = out$loglik[1], score = u_s * s,
         information = diag(s, p) %*% info_s %*% diag(s, p))
  } else {
    ord <- if (is.null(strata)) order(y[, 2], -y[, 3]) else
      order(strata, y[, 2], -y[, 3])
    last <- if (is.null(strata)) integer(n) else
      as.integer(c(diff(as.numeric(strata)[ord]) != 0, 1))
    out <- .C(survival:::Cagexact, iter = 0L, as.integer(n), as.integer(p),
              as.double(y[ord, 1]), as.double(y[ord, 2]), as.integer(y[ord, 3]),
              x = x[ord, , drop = FALSE], double(n), last,
              means = double(p), coef = as.double(beta), u = double(p),
              imat = double(p * p), loglik = double(2), flag = integer(1),
              double(2 * p * p + 4 * p + n), integer(2 * n), 1e-9,
              .Machine$double.eps^0.75, sctest = double(1), rep(1L, p))
    list(loglik = out$loglik[1], score = out$u,
         information = solve(matrix(out$imat, p, p)))
  }
}

# One evaluation at 'beta', all three quantities, with the cross-checks.
evaluate <- function(label, formula, data, x, y, strata, beta) {
  beta <- b15(beta)
  fit <- coxph(formula, data = data, ties = "exact", init = beta,
               control = coxph.control(iter.max = 0))
  stopifnot(isTRUE(all.equal(unname(coef(fit)), beta, tolerance = 0)),
            fit$loglik[1] == fit$loglik[2])
  info <- solve(fit$var)
  nat <- native_exact(x, y, strata, beta)
  stopifnot(abs(nat$loglik - fit$loglik[1]) <= 1e-12 * abs(fit$loglik[1]),
            isTRUE(all.equal(nat$information, unname(info), tolerance = 1e-10)))
  # Central differences of coxph's own log-likelihood.
  ll <- function(b) coxph(formula, data = data, ties = "exact", init = b,
                          control = coxph.control(iter.max = 0))$loglik[1]
  h <- 1e-5
  numeric_score <- sapply(seq_along(beta), function(j) {
    e <- replace(numeric(length(beta)), j, h)
    (ll(beta + e) - ll(beta - e)) / (2 * h)
  })
  scale <- sqrt(diag(info))
  stopifnot(all(abs(numeric_score - nat$score) <= 1e-6 * pmax(abs(nat$score), scale)))
  list(label = label, beta = arr(beta), loglik = num(fit$loglik[1]),
       score = arr(nat$score),
       information = arr(t(info)))   # row-major p x p (symmetric anyway)
}

make_case <- function(key, formula, data, betas, csv = NULL, spec = NULL,
                      inline = NULL, strata = NULL) {
  full <- coxph(formula, data = data, ties = "exact", x = TRUE)
  x <- full$x
  y <- full$y
  betas <- c(list(zero = rep(0, ncol(x)), estimate = coef(full)), betas)
  evals <- lapply(names(betas), function(l)
    evaluate(l, formula, data, x, y, strata, betas[[l]]))
  stop_time <- y[, ncol(y) - 1]
  status <- y[, ncol(y)]
  group <- if (is.null(strata)) rep(0L, nrow(y)) else strata
  ties <- table(paste(group, stop_time)[status == 1])
  or_null <- function(v) if (is.null(v)) NA else v
  list(key = key, file = or_null(csv), time = or_null(spec$time),
       event = or_null(spec$event), start = or_null(spec$start),
       covariates = I(spec$covariates),
       strata = I(spec$strata), columns = I(colnames(x)),
       n = nrow(x), events = sum(status), max_tied_events = max(ties),
       coef = arr(coef(full)), loglik_fit = arr(full$loglik),
       data = or_null(inline), evaluations = evals)
}

# ------------------------------------------------------------------ data --

read <- function(f) read.csv(file.path(data_dir, f), stringsAsFactors = FALSE)
aml <- read("aml.csv")
gehan <- read("gehan.csv")
ovarian <- read("ovarian.csv")
stopifnot(identical(sort(unique(gehan$treat), method = "radix"), c("6-MP", "control")))

# Hand-written, heavily tied: stratum A has 7 events and 2 censorings at
# time 5 and 3 events at time 8; stratum B has a 3-way tie at 4 and 2-way
# ties at 6 and 9. 'entry' delays the entry of some rows for the
# (start, stop] variant.
tied <- data.frame(
  time   = c(2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 8, 8, 8, 8, 10, 12, 12, 15,
             1, 4, 4, 4, 6, 6, 7, 9, 9, 11, 13, 14),
  status = c(1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0,
             1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0),
  z1     = c(0.52, -1.31, 0.87, 1.45, -0.23, 0.66, -0.94, 2.10, 0.05, -0.48,
             1.12, -1.77, 0.31, -0.62, 1.58, -0.09, 0.74, -1.05, 0.28, -0.35,
             -0.15, 0.93, -1.22, 0.41, 1.67, -0.58, 0.12, -0.87, 1.03, 0.44,
             -0.29, 0.76),
  z2     = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1,
             0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0),
  s      = rep(c("A", "B"), c(20, 12)),
  entry  = c(0, 0, 1, 0, 2, 0, 0, 1, 3, 0, 0, 4, 0, 6, 0, 0, 7, 5, 0, 9,
             0, 0, 2, 0, 5, 0, 0, 4, 0, 8, 0, 10),
  stringsAsFactors = FALSE
)
stopifnot(all(tied$entry < tied$time))
tied_inline <- list(
  time = arr(tied$time), status = arr(tied$status), start = arr(tied$entry),
  stratum = I(match(tied$s, c("A", "B")) - 1L), strata = I(c("A", "B")),
  x = list(arr(tied$z1), arr(tied$z2)), columns = I(c("z1", "z2"))
)

# ----------------------------------------------------------------- cases --

cases <- list(
  make_case("aml", Surv(time, status) ~ x, aml,
            list(other = -0.6, large = 6), csv = "aml.csv",
            spec = list(time = "time", event = "status", covariates = "x",
                        strata = character(0))),
  make_case("gehan", Surv(time, cens) ~ treat, gehan,
            list(other = -0.8, large = 5), csv = "gehan.csv",
            spec = list(time = "time", event = "cens", covariates = "treat",
                        strata = character(0))),
  make_case("ovarian", Surv(futime, fustat) ~ rx + age, ovarian,
            list(other = c(-0.3, 0.05), large = c(2, 0.4)), csv = "ovarian.csv",
            spec = list(time = "futime", event = "fustat",
                        covariates = c("rx", "age"), strata = character(0))),
  make_case("tied", Surv(time, status) ~ z1 + z2, tied,
            list(other = c(0.8, -1.2), large = c(4, 3)), inline = tied_inline,
            spec = list(covariates = c("z1", "z2"), strata = character(0))),
  make_case("tied_strata", Surv(time, status) ~ z1 + z2 + strata(s), tied,
            list(other = c(0.8, -1.2), large = c(4, 3)), inline = tied_inline,
            spec = list(covariates = c("z1", "z2"), strata = "s"),
            strata = match(tied$s, c("A", "B"))),
  make_case("tied_counting", Surv(entry, time, status) ~ z1 + z2, tied,
            list(other = c(0.8, -1.2), large = c(4, 3)), inline = tied_inline,
            spec = list(start = "entry", covariates = c("z1", "z2"),
                        strata = character(0)))
)

# survival refuses case weights other than 1 with the exact method.
weights_error <- tryCatch({
  coxph(Surv(time, status) ~ x, aml, ties = "exact", weights = rep(2, nrow(aml)))
  NA_character_
}, error = function(e) conditionMessage(e))
stopifnot(!is.na(weights_error))
unit_weights <- coxph(Surv(time, status) ~ x, aml, ties = "exact",
                      weights = rep(1, nrow(aml)))
stopifnot(identical(unname(unit_weights$loglik), as.double(cases[[1]]$loglik_fit)))

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)
json <- toJSON(list(versions = versions, weights_error = weights_error,
                    cases = cases),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
writeLines(json, out_file, useBytes = TRUE)
