# The R side of the Kaplan-Meier + log-rank benchmark (see README.md): reads time,status,group
# (written by `osstats-bench generate-km`) with read.csv, then times survfit() + the medians
# (summary(fit)$table) + survdiff() together, median of repeats (wall clock by proc.time()).
#
#   Rscript km_bench.R FILE REPEATS
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript km_bench.R FILE REPEATS")
repeats <- max(1L, as.integer(args[[2]]))
suppressPackageStartupMessages(library(survival))
peak_rss_kib <- function() {
  line <- grep("^VmHWM:", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", line))
}
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[[1]], colClasses = c("numeric", "numeric", "character"))
read_seconds <- proc.time()[["elapsed"]] - t0
after_read <- peak_rss_kib()
times <- numeric(repeats)
for (r in seq_len(repeats)) {
  if (nrow(d) > 50000L) invisible(gc())
  t0 <- proc.time()[["elapsed"]]
  fit <- survfit(Surv(time, status) ~ group, data = d)
  med <- summary(fit)$table[, "median"]
  lr <- survdiff(Surv(time, status) ~ group, data = d)
  times[r] <- proc.time()[["elapsed"]] - t0
}
num <- function(x) sprintf("%.17g", x)
cat("tool R\n")
cat("n", nrow(d), "\n")
cat("read_seconds", sprintf("%.4f", read_seconds), "\n")
cat("fit_seconds", sprintf("%.6g", times), "\n")
cat("fit_median_seconds", sprintf("%.6g", median(times)), "\n")
cat("repeats", repeats, "\n")
cat("peak_rss_after_read_kib", after_read, "\n")
cat("peak_rss_end_kib", peak_rss_kib(), "\n")
for (k in seq_along(med)) cat("median", sub("^group=", "", names(med)[k]), num(med[[k]]), "\n")
cat("chisq", num(lr$chisq), "\n")
