# The R side of the Cox benchmark (see README.md): reads the CSV written by
# `osstats-bench generate` with base R's scan(), times coxph(Surv(time, status) ~ ., ties = "efron")
# alone (median of repeats; wall clock by Sys.time()), and prints the same key-value lines as
# `osstats-bench cox` so that run.sh can compare them.
#
#   Rscript cox_bench.R FILE REPEATS

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript cox_bench.R FILE REPEATS")
path <- args[[1]]
repeats <- max(1L, as.integer(args[[2]]))

suppressPackageStartupMessages(library(survival))

peak_rss_kib <- function() {
  status <- readLines("/proc/self/status")
  line <- grep("^VmHWM:", status, value = TRUE)
  as.numeric(gsub("[^0-9]", "", line))
}

t0 <- proc.time()[["elapsed"]]
header <- strsplit(readLines(path, n = 1L), ",", fixed = TRUE)[[1]]
columns <- scan(path, what = rep(list(0), length(header)), sep = ",", skip = 1L, quiet = TRUE)
names(columns) <- header
d <- as.data.frame(columns)
rm(columns)
read_seconds <- proc.time()[["elapsed"]] - t0
after_read <- peak_rss_kib()
stopifnot(identical(names(d)[1:2], c("time", "status")))

elapsed <- function(t0) as.numeric(difftime(Sys.time(), t0, units = "secs"))
# A full collection before each repeat at large n, so that one fit's garbage is not collected
# during the next one's timing; at small n a collection costs far more than the fit (~0.1 s) and
# the median already discards the repeats a collection falls into.
collect <- function() if (nrow(d) > 50000L) invisible(gc())

times <- numeric(repeats)
fit <- NULL
for (r in seq_len(repeats)) {
  fit <- NULL
  collect()
  t0 <- Sys.time()
  fit <- coxph(Surv(time, status) ~ ., data = d, ties = "efron")
  times[r] <- elapsed(t0)
}

# For reference only: R's fitting engine alone, coxph.fit() (the C Newton-Raphson, coxfit6) on the
# design matrix and the time-fixed response that coxph() hands it, without coxph()'s model frame,
# timefix, 0/1-column scan (nocenter), concordance or residuals.
x <- as.matrix(d[, -(1:2), drop = FALSE])
y <- aeqSurv(Surv(d$time, d$status))
engine_times <- numeric(repeats)
engine <- NULL
for (r in seq_len(repeats)) {
  engine <- NULL
  collect()
  t0 <- Sys.time()
  engine <- coxph.fit(x, y, strata = NULL, offset = NULL, init = NULL,
                      control = coxph.control(), weights = NULL, method = "efron",
                      rownames = NULL, resid = FALSE, nocenter = NULL)
  engine_times[r] <- elapsed(t0)
}
stopifnot(isTRUE(all.equal(unname(engine$coefficients), unname(coef(fit)), tolerance = 1e-8)))
rm(x, y)

num <- function(x) sprintf("%.17g", x)
cat("tool R\n")
cat("n", fit$n, "\n")
cat("p", length(coef(fit)), "\n")
cat("events", fit$nevent, "\n")
cat("read_seconds", sprintf("%.4f", read_seconds), "\n")
cat("fit_seconds", sprintf("%.6g", times), "\n")
cat("fit_median_seconds", sprintf("%.6g", median(times)), "\n")
cat("engine_fit_seconds", sprintf("%.6g", engine_times), "\n")
cat("engine_fit_median_seconds", sprintf("%.6g", median(engine_times)), "\n")
cat("repeats", repeats, "\n")
cat("iterations", fit$iter, "converged", fit$iter < coxph.control()$iter.max, "\n")
cat("loglik", num(fit$loglik[1]), num(fit$loglik[2]), "\n")
cat("peak_rss_after_read_kib", after_read, "\n")
cat("peak_rss_end_kib", peak_rss_kib(), "\n")
se <- sqrt(diag(fit$var))
for (j in seq_along(coef(fit))) cat("coef", names(coef(fit))[j], num(coef(fit)[j]), num(se[j]), "\n")
cat("r_version", paste(R.version$major, R.version$minor, sep = "."), "\n")
cat("survival_version", as.character(packageVersion("survival")), "\n")
cat("blas", extSoftVersion()[["BLAS"]], "\n")
cat("lapack", La_library(), "\n")
