# km_reference.R -- Kaplan-Meier reference values for the osstats Swift tests.
#
# Reads the bundled datasets (Datasets/*.csv) and the hand-written edge cases
# (Datasets/edge/*.csv), fits Kaplan-Meier curves with the survival package and
# writes everything the tests compare against to
# Datasets/References/km_reference.json: the full step table, Greenwood
# standard errors, pointwise confidence intervals for every conf.type,
# quantiles with confidence limits, print.survfit's median, values at fixed
# times, restricted mean survival time, reverse Kaplan-Meier follow-up, and
# the two-arm RMST contrast.
#
# Run from the repository root (after make_datasets.R):
#     Rscript Datasets/References/km_reference.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# MASS 7.3-58.2, jsonlite 1.8.4. The versions actually used are also recorded
# in the JSON under "versions". The output contains no timestamps, so running
# the script twice gives byte-identical files.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(survival)
  library(MASS)
  library(jsonlite)
})

data_dir <- "Datasets"
out_file <- file.path(data_dir, "References", "km_reference.json")
if (!dir.exists(file.path(data_dir, "References"))) {
  stop("run this script from the repository root (Datasets/References must exist)")
}

conf_types <- c("log", "log-log", "plain", "logit", "arcsin")
probs <- c(0.25, 0.5, 0.75)
edge_times <- c(1, 2, 5, 10)

specs <- list(
  list(name = "aml",     file = "aml.csv",     time = "time",   event = "status", group = "x",     times = c(12, 24, 36, 200)),
  list(name = "gehan",   file = "gehan.csv",   time = "time",   event = "cens",   group = "treat", times = c(5, 10, 15, 20)),
  list(name = "lung",    file = "lung.csv",    time = "time",   event = "status", group = "sex",   times = c(180, 365, 730)),
  list(name = "veteran", file = "veteran.csv", time = "time",   event = "status", group = "trt",   times = c(30, 90, 180, 365)),
  list(name = "ovarian", file = "ovarian.csv", time = "futime", event = "fustat", group = "rx",    times = c(365, 730, 2000))
)

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

# Kaplan-Meier fit of one sample.
km <- function(d, conf.type = "log", conf.int = 0.95) {
  survfit(Surv(time, status) ~ 1, data = d, conf.type = conf.type, conf.int = conf.int)
}

# Everything recorded for one group (or the whole sample).
group_entry <- function(label, d, times, tau) {
  fit <- km(d)
  nrow_fit <- length(fit$time)

  s_cens <- summary(fit, censored = TRUE)
  stopifnot(length(s_cens$time) == nrow_fit,
            isTRUE(all.equal(s_cens$time, fit$time)),
            isTRUE(all.equal(s_cens$surv, fit$surv)))

  ci <- list()
  quants <- list()
  for (ct in conf_types) {
    f <- km(d, conf.type = ct)
    stopifnot(length(f$lower) == nrow_fit, length(f$upper) == nrow_fit)
    ci[[ct]] <- list(lower = arr(f$lower), upper = arr(f$upper))
    # Single-sample fit: quantile() returns plain vectors.
    q <- quantile(f, probs = probs, conf.int = TRUE)
    stopifnot(length(q$quantile) == length(probs))
    quants[[ct]] <- list(probs = arr(probs), quantile = arr(q$quantile),
                         lower = arr(q$lower), upper = arr(q$upper))
  }
  f90 <- km(d, conf.type = "log", conf.int = 0.90)
  stopifnot(length(f90$lower) == nrow_fit)

  # print.survfit / summary()$table median.
  tab <- summary(fit)$table
  print_median <- tab[["median"]]

  s_at <- summary(fit, times = times, extend = TRUE)
  stopifnot(length(s_at$time) == length(times))

  rm_tab <- summary(fit, rmean = tau)$table
  rmst <- list(tau = num(tau), rmean = num(rm_tab[["rmean"]]), se = num(rm_tab[["se(rmean)"]]))

  # Reverse Kaplan-Meier: censoring is the "event".
  rev_fit <- survfit(Surv(time, 1 - status) ~ 1, data = d, conf.type = "log")
  fq <- quantile(rev_fit, probs = 0.5, conf.int = TRUE)

  list(
    group = label,
    n = as.integer(fit$n),
    events = as.integer(sum(fit$n.event)),
    time = arr(fit$time),
    n_risk = arr(fit$n.risk),
    n_event = arr(fit$n.event),
    n_censor = arr(fit$n.censor),
    surv = arr(fit$surv),
    std_err = arr(s_cens$std.err),
    std_err_log = arr(fit$std.err),
    ci = ci,
    ci90_log = list(lower = arr(f90$lower), upper = arr(f90$upper)),
    quantiles = quants,
    print_median = num(print_median),
    at_times = list(time = arr(s_at$time), n_risk = arr(s_at$n.risk),
                    n_event = arr(s_at$n.event), surv = arr(s_at$surv),
                    std_err = arr(s_at$std.err), lower = arr(s_at$lower),
                    upper = arr(s_at$upper)),
    rmst = rmst,
    followup = list(median = num(fq$quantile), lower = num(fq$lower), upper = num(fq$upper)),
    # kept only for the RMST contrast; removed before writing
    .rmst_raw = c(rm_tab[["rmean"]], rm_tab[["se(rmean)"]])
  )
}

# survRM2::rmst2's between-arm contrast (difference and ratio of RMST, arm 2
# versus arm 1). survRM2 cannot be installed here, so its formulas are applied
# to the per-arm RMST and standard error that survival reports at the same tau.
rmst_contrast <- function(tau, first, second, r1, se1, r2, se2) {
  z975 <- qnorm(0.975)
  d <- r2 - r1
  se <- sqrt(se1^2 + se2^2)
  z <- d / se
  ratio <- r2 / r1
  se_log_ratio <- sqrt(se1^2 / r1^2 + se2^2 / r2^2)
  list(
    tau = num(tau), first = first, second = second,
    difference = num(d), se = num(se),
    lower = num(d - z975 * se), upper = num(d + z975 * se),
    z = num(z), p = num(2 * pnorm(-abs(z))),
    ratio = num(ratio),
    ratio_lower = num(exp(log(ratio) - z975 * se_log_ratio)),
    ratio_upper = num(exp(log(ratio) + z975 * se_log_ratio)),
    ratio_p = num(2 * pnorm(-abs(log(ratio) / se_log_ratio)))
  )
}

# One case: a dataset, either grouped by spec$group or as a whole sample.
make_case <- function(spec, grouped) {
  path <- file.path(data_dir, spec$file)
  raw <- read.csv(path, stringsAsFactors = FALSE, na.strings = "")
  txt <- read.csv(path, colClasses = "character", na.strings = "")  # values as written
  stopifnot(all(c(spec$time, spec$event) %in% names(raw)))

  d <- data.frame(time = as.double(raw[[spec$time]]), status = as.double(raw[[spec$event]]))
  stopifnot(!anyNA(d$time), !anyNA(d$status), all(d$status %in% c(0, 1)))

  if (grouped) {
    g_raw <- raw[[spec$group]]
    g_txt <- txt[[spec$group]]
    stopifnot(!anyNA(g_raw))
    if (is.numeric(g_raw)) {
      # numeric group columns: numeric order, labelled as written in the CSV
      u <- sort(unique(g_raw))
      labels <- vapply(u, function(v) g_txt[match(v, g_raw)], character(1))
      stopifnot(!anyDuplicated(labels))
      key <- match(g_raw, u)
    } else {
      labels <- sort(unique(g_raw), method = "radix")  # C-locale (byte) order
      key <- match(g_raw, labels)
    }
    tau <- min(tapply(d$time, key, max))
    groups <- lapply(seq_along(labels), function(k) {
      group_entry(labels[k], d[key == k, , drop = FALSE], spec$times, tau)
    })

    # Cross-check: the stratified fit gives the same curves as the per-group fits.
    d$key <- factor(key, levels = seq_along(labels))
    sfit <- survfit(Surv(time, status) ~ key, data = d)
    if (is.null(sfit$strata)) {
      stopifnot(length(labels) == 1)
      stopifnot(isTRUE(all.equal(sfit$surv, as.numeric(groups[[1]]$surv))))
    } else {
      stopifnot(length(sfit$strata) == length(labels))
      ends <- cumsum(sfit$strata)
      starts <- ends - sfit$strata + 1
      for (k in seq_along(labels)) {
        idx <- starts[k]:ends[k]
        stopifnot(isTRUE(all.equal(sfit$surv[idx], as.numeric(groups[[k]]$surv))),
                  isTRUE(all.equal(sfit$time[idx], as.numeric(groups[[k]]$time))))
      }
    }
  } else {
    tau <- max(d$time)
    groups <- list(group_entry("all", d, spec$times, tau))
  }

  contrast <- NA  # JSON null
  if (length(groups) == 2) {
    a <- groups[[1]]$.rmst_raw
    b <- groups[[2]]$.rmst_raw
    contrast <- rmst_contrast(tau, groups[[1]]$group, groups[[2]]$group, a[1], a[2], b[1], b[2])
  }
  groups <- lapply(groups, function(g) { g$.rmst_raw <- NULL; g })

  list(
    name = spec$name,
    file = spec$file,
    time = spec$time,
    event = spec$event,
    group = if (grouped) spec$group else NA,
    times = arr(spec$times),
    tau = num(tau),
    groups = groups,
    rmst_difference = contrast
  )
}

# ------------------------------------------------------------------ cases --

cases <- list()
for (spec in specs) {
  cases[[length(cases) + 1]] <- make_case(spec, grouped = TRUE)
  cases[[length(cases) + 1]] <- make_case(spec, grouped = FALSE)
}

edge_names <- c("all_censored", "one_subject", "one_time", "ties", "flat_half")
for (nm in edge_names) {
  file <- file.path("edge", paste0(nm, ".csv"))
  header <- names(read.csv(file.path(data_dir, file), nrows = 1))
  has_group <- "group" %in% header
  spec <- list(name = nm, file = file, time = "time", event = "status",
               group = if (has_group) "group" else NA, times = edge_times)
  cases[[length(cases) + 1]] <- make_case(spec, grouped = has_group)
}

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  MASS = packageDescription("MASS")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

json <- toJSON(list(versions = versions, cases = cases),
               auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
writeLines(json, out_file, useBytes = TRUE)
cat(sprintf("wrote %s: %d cases\n", out_file, length(cases)))
