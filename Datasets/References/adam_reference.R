# adam_reference.R -- survival reference values for the SAS-format ADaM
# fixtures in Datasets/adam/ (written by make_adam.R), for the osstats Swift
# tests. Writes Datasets/References/adam_reference.json.
#
# THE DATA ARE SIMULATED (Datasets/simulated_trial_73.csv turned into an
# ADTTE-shaped data set). None of these numbers is a trial result.
#
# Each of the four files (XPT v5, XPT v8, sas7bdat, row-compressed sas7bdat) is
# read with haven (read_xpt / read_sas). Every case is computed on every file,
# the script stops unless the results are identical across the files
# (all.equal with tolerance 0, and identical()), and one set of numbers per
# case is written together with the list of files it was checked on.
#
# Cases (time = AVAL, event = 1 - CNSR, group = TRT01P):
#   os_all    PARAMCD == "OS"                   Kaplan-Meier by TRT01P
#   os_saffl  PARAMCD == "OS" & SAFFL == "Y"    Kaplan-Meier by TRT01P
#   pfs       PARAMCD == "PFS"                  Kaplan-Meier by TRT01P
#   cox_os    PARAMCD == "OS"                   coxph(~ TRT01P, ties = "efron")
#                                               and survdiff(~ TRT01P)
# Rows with missing AVAL (SAS "." or special missing ".A") are dropped by R's
# default na.action; each case records how many.
#
# The JSON also records, per file, the variable names, labels, formats and
# classes as haven reads them, and where the missing values are.
#
# Run from the repository root, after make_adam.R:
#     Rscript Datasets/References/adam_reference.R
#
# Written and run with R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3,
# haven 2.5.1, jsonlite 1.8.4 (recorded in the JSON under "versions"). The
# output has no timestamps; numbers are written with 17 significant digits, so
# they read back to the same doubles, and two runs give byte-identical files.

suppressPackageStartupMessages({
  library(survival)
  library(haven)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_COLLATE", "C"))
Sys.setenv(TZ = "UTC")

adam_dir <- "Datasets/adam"
out_file <- "Datasets/References/adam_reference.json"

files <- c(
  xpt_v5 = "adtte.xpt",
  xpt_v8 = "adtte_v8.xpt",
  sas7bdat = "adtte.sas7bdat",
  sas7bdat_compressed = "adtte_compressed.sas7bdat"
)

read_adam <- function(f) {
  path <- file.path(adam_dir, f)
  if (grepl("\\.xpt$", f)) read_xpt(path) else read_sas(path)
}
data <- lapply(files, read_adam)

# JSON helpers. jsonlite writes at most 15 significant digits, which does
# not always give back the same double, so numbers are formatted here with the
# fewest of 15, 16 or 17 significant digits that read back exactly, and are
# inserted verbatim (class "json"). NA / NaN / Inf -> null; arrays stay arrays.
fmt_num <- function(x) {
  vapply(as.numeric(x), function(v) {
    if (!is.finite(v)) return("null")
    for (d in 15:17) {
      s <- sprintf("%.*g", d, v)
      if (as.numeric(s) == v) return(s)
    }
    stop("cannot format ", v)
  }, character(1))
}
num <- function(x) structure(paste0("[", paste(fmt_num(x), collapse = ", "), "]"), class = "json")
scalar <- function(x) {
  if (length(x) != 1) stop("scalar expected")
  structure(fmt_num(x), class = "json")
}

# ---------------------------------------------------------------------------
# Kaplan-Meier cases
# ---------------------------------------------------------------------------

km_cases <- list(
  os_all   = list(filter = 'PARAMCD == "OS"',
                  select = function(x) x$PARAMCD == "OS"),
  os_saffl = list(filter = 'PARAMCD == "OS" & SAFFL == "Y"',
                  select = function(x) x$PARAMCD == "OS" & x$SAFFL == "Y"),
  pfs      = list(filter = 'PARAMCD == "PFS"',
                  select = function(x) x$PARAMCD == "PFS")
)

group_rows <- function(fit) {
  # survfit's row ranges per stratum, labels without the "TRT01P=" prefix.
  lab <- sub("^TRT01P=", "", names(fit$strata))
  end <- cumsum(fit$strata)
  start <- end - fit$strata + 1
  setNames(Map(seq, start, end), lab)
}

median_entry <- function(fit) {
  q <- quantile(fit, probs = 0.5)
  lab <- sub("^TRT01P=", "", rownames(q$quantile))
  lapply(setNames(seq_along(lab), lab), function(i)
    list(median = scalar(q$quantile[i, 1]), lower = scalar(q$lower[i, 1]),
         upper = scalar(q$upper[i, 1])))
}

km_case <- function(x, spec) {
  sub <- x[spec$select(x), ]
  sub <- data.frame(AVAL = as.numeric(sub$AVAL), CNSR = as.numeric(sub$CNSR),
                    TRT01P = sub$TRT01P, stringsAsFactors = FALSE)
  fit <- survfit(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub, conf.type = "log")
  fit_ll <- survfit(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub, conf.type = "log-log")
  stopifnot(identical(fit$time, fit_ll$time), identical(fit$surv, fit_ll$surv))
  rows <- group_rows(fit)
  stopifnot(identical(names(rows), sort(unique(sub$TRT01P[!is.na(sub$AVAL)]))))
  med_log <- median_entry(fit)
  med_ll <- median_entry(fit_ll)
  groups <- lapply(names(rows), function(g) {
    r <- rows[[g]]
    in_g <- sub$TRT01P == g
    list(
      group = g,
      n_rows = sum(in_g),
      n_missing_aval = sum(in_g & is.na(sub$AVAL)),
      n = fit$n[match(g, names(rows))],
      events = sum(fit$n.event[r]),
      time = num(fit$time[r]),
      n_risk = num(fit$n.risk[r]),
      n_event = num(fit$n.event[r]),
      n_censor = num(fit$n.censor[r]),
      surv = num(fit$surv[r]),
      std_err = num(fit$surv[r] * fit$std.err[r]),   # SE of S(t), as summary()
      std_err_log = num(fit$std.err[r]),             # SE of log S(t), survfit's std.err
      lower = num(fit$lower[r]),
      upper = num(fit$upper[r]),
      lower_loglog = num(fit_ll$lower[r]),
      upper_loglog = num(fit_ll$upper[r]),
      median = med_log[[g]],
      median_loglog = med_ll[[g]]
    )
  })
  list(
    n_rows = nrow(sub),
    n_missing_aval = sum(is.na(sub$AVAL)),
    n_used = sum(fit$n),
    groups = groups
  )
}

# ---------------------------------------------------------------------------
# Cox model and log-rank test on OS
# ---------------------------------------------------------------------------

cox_case <- function(x) {
  sub <- x[x$PARAMCD == "OS", ]
  sub <- data.frame(AVAL = as.numeric(sub$AVAL), CNSR = as.numeric(sub$CNSR),
                    TRT01P = sub$TRT01P, stringsAsFactors = FALSE)
  fit <- coxph(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub, ties = "efron")
  sd <- survdiff(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub)
  levels <- sort(unique(sub$TRT01P[!is.na(sub$AVAL)]))
  stopifnot(identical(names(coef(fit)), paste0("TRT01P", levels[-1])),
            identical(sub("^TRT01P=", "", names(sd$n)), levels))
  s <- summary(fit)
  list(
    n_rows = nrow(sub),
    n_missing_aval = sum(is.na(sub$AVAL)),
    n = fit$n,
    nevent = fit$nevent,
    levels = I(levels),
    reference = levels[1],
    coef_names = I(names(coef(fit))),
    coef = num(coef(fit)),
    se = num(sqrt(diag(fit$var))),
    hazard_ratio = num(exp(coef(fit))),
    hr_lower = num(s$conf.int[, "lower .95"]),
    hr_upper = num(s$conf.int[, "upper .95"]),
    loglik = num(fit$loglik),           # [null model, fitted model]
    score_test = scalar(fit$score),
    wald_test = scalar(fit$wald.test),
    lr_test = scalar(2 * diff(fit$loglik)),
    iter = fit$iter,
    survdiff = list(
      groups = I(levels),
      n = num(sd$n),
      observed = num(sd$obs),
      expected = num(sd$exp),
      chisq = scalar(sd$chisq),
      df = length(levels) - 1,
      p = scalar(pchisq(sd$chisq, length(levels) - 1, lower.tail = FALSE))
    )
  )
}

# ---------------------------------------------------------------------------
# Compute on every file, check that all files agree
# ---------------------------------------------------------------------------

same_across_files <- function(results, name) {
  ref <- results[[1]]
  for (k in names(results)[-1]) {
    ok <- isTRUE(all.equal(ref, results[[k]], tolerance = 0)) && identical(ref, results[[k]])
    if (!ok) stop(sprintf("case %s: %s differs from %s", name, k, names(results)[1]))
  }
  ref
}

cases <- list()
for (nm in names(km_cases)) {
  spec <- km_cases[[nm]]
  res <- same_across_files(lapply(data, km_case, spec = spec), nm)
  cases[[nm]] <- c(list(name = nm, kind = "kaplan_meier", files = I(unname(files)),
                        filter = spec$filter, time = "AVAL", event = "1 - CNSR",
                        group = "TRT01P", conf_int = 0.95,
                        conf_types = I(c("log", "log-log"))), res)
}
res <- same_across_files(lapply(data, cox_case), "cox_os")
cases[["cox_os"]] <- c(list(name = "cox_os", kind = "cox_logrank", files = I(unname(files)),
                            filter = 'PARAMCD == "OS"', time = "AVAL", event = "1 - CNSR",
                            covariate = "TRT01P", ties = "efron"), res)

# ---------------------------------------------------------------------------
# Metadata as haven reads it
# ---------------------------------------------------------------------------

file_meta <- function(f, x) {
  vars <- lapply(names(x), function(v) {
    col <- x[[v]]
    list(name = v,
         label = attr(col, "label", exact = TRUE),
         format_sas = if (is.null(attr(col, "format.sas"))) NA else attr(col, "format.sas"),
         class = I(class(col)),
         type = if (is.character(col)) "character" else "numeric")
  })
  miss <- which(is.na(x$AVAL))
  list(
    file = f,
    rows = nrow(x),
    file_label = if (is.null(attr(x, "label"))) NA else attr(x, "label"),
    variables = vars,
    missing_aval = lapply(miss, function(i) list(
      row = i, USUBJID = x$USUBJID[i], PARAMCD = x$PARAMCD[i],
      sas_missing = if (is.na(na_tag(x$AVAL[i]))) "." else paste0(".", toupper(na_tag(x$AVAL[i]))),
      haven_na_tag = na_tag(x$AVAL[i]),
      ADT_missing = is.na(x$ADT[i])))
  )
}
meta <- unname(Map(file_meta, files, data))

# The data themselves must agree across files too (values, tags, labels).
for (k in names(data)[-1]) {
  a <- data[[1]]; b <- data[[k]]
  attr(a, "label") <- NULL; attr(b, "label") <- NULL
  stopifnot(identical(names(a), names(b)))
  for (v in names(a)) stopifnot(identical(a[[v]], b[[v]]))
}
stopifnot(all(data[[1]]$SIMULATD == "yes"))

versions <- list(
  R = R.version.string,
  survival = packageDescription("survival")$Version,
  haven = packageDescription("haven")$Version,
  jsonlite = packageDescription("jsonlite")$Version
)

out <- list(
  description = paste("Reference values for the SAS-format ADaM fixtures in Datasets/adam/.",
                      "SIMULATED data (made from Datasets/simulated_trial_73.csv), not trial results."),
  simulated = TRUE,
  versions = versions,
  files = meta,
  cases = unname(cases)
)
json <- toJSON(out, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null",
               json_verbatim = TRUE)
writeLines(json, out_file, useBytes = TRUE)

# The JSON text must give back the same doubles (the values are recomputed
# here from the first file, since the case lists hold formatted text).
back <- fromJSON(out_file, simplifyVector = TRUE)
values <- lapply(km_cases, function(spec) {
  sub <- data[[1]][spec$select(data[[1]]), ]
  fit <- survfit(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub)
  fit_ll <- survfit(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = sub, conf.type = "log-log")
  lapply(group_rows(fit), function(r) {
    v <- list(time = fit$time[r], surv = fit$surv[r], std_err = fit$surv[r] * fit$std.err[r],
              lower = fit$lower[r], upper = fit$upper[r],
              lower_loglog = fit_ll$lower[r], upper_loglog = fit_ll$upper[r])
    lapply(v, function(z) { z[!is.finite(z)] <- NA; as.numeric(z) })
  })
})
cox_fit <- coxph(Surv(AVAL, 1 - CNSR) ~ TRT01P, data = data[[1]][data[[1]]$PARAMCD == "OS", ],
                 ties = "efron")
cox_values <- list(coef = as.numeric(coef(cox_fit)), loglik = as.numeric(cox_fit$loglik))
for (i in seq_along(cases)[1:3]) for (j in seq_along(cases[[i]]$groups)) {
  g <- cases[[i]]$groups[[j]]
  gb <- back$cases$groups[[i]]
  for (fld in c("time", "surv", "std_err", "lower", "upper", "lower_loglog", "upper_loglog"))
    stopifnot(identical(values[[i]][[j]][[fld]], as.numeric(gb[[fld]][[j]])))
}
stopifnot(identical(cox_values$coef, as.numeric(back$cases$coef[[4]])),
          identical(cox_values$loglik, as.numeric(back$cases$loglik[[4]])))

cat(sprintf("wrote %s: %d cases, each checked on %d files\n", out_file, length(cases), length(files)))
for (i in 1:3) {
  g <- back$cases$groups[[i]]
  for (j in seq_len(nrow(g)))
    cat(sprintf("  %-9s %-22s n=%2d events=%2d median=%s [%s, %s]  log-log [%s, %s]\n",
                back$cases$name[i], g$group[j], g$n[j], g$events[j],
                format(g$median$median[j], digits = 6), format(g$median$lower[j], digits = 6),
                format(g$median$upper[j], digits = 6), format(g$median_loglog$lower[j], digits = 6),
                format(g$median_loglog$upper[j], digits = 6)))
}
cat(sprintf("  cox_os    %s coef = %.6f (se %.6f), HR %.6f; logrank chisq %.6f\n",
            back$cases$coef_names[[4]], back$cases$coef[[4]], back$cases$se[[4]],
            back$cases$hazard_ratio[[4]], back$cases$survdiff$chisq[4]))
