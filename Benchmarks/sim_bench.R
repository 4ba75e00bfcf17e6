# Simulated 73-patient trials per second in R (see README.md). This loop is written for the
# benchmark; it is not a library simulator. Per trial: 73 patients, entry uniform over 42 months,
# arm by a random 1:1 allocation (a shuffled 37/36 split), exponential survival with median 6
# months in control and hazard ratio 0.7 in the experimental arm, no dropout; analysis at the
# calendar time of the 60th event (patients entered later are excluded, the others censored
# there); then survfit() medians per arm, survdiff() (log-rank) and coxph() (Efron) hazard ratio.
#
#   Rscript sim_bench.R TRIALS SEED
args <- commandArgs(trailingOnly = TRUE)
trials <- as.integer(args[[1]])
set.seed(as.integer(args[[2]]))
suppressPackageStartupMessages(library(survival))
n <- 73L; accrual <- 42; events <- 60L; rate0 <- log(2) / 6; hr <- 0.7
reject <- 0L; loghr <- numeric(trials)
t0 <- proc.time()[["elapsed"]]
for (i in seq_len(trials)) {
  entry <- runif(n) * accrual
  arm <- sample(rep(0:1, length.out = n))
  t <- rexp(n, rate0 * ifelse(arm == 1L, hr, 1))
  cutoff <- sort(entry + t)[events]
  keep <- entry <= cutoff
  d <- data.frame(time = pmin(t, cutoff - entry), status = as.integer(entry + t <= cutoff),
                  arm = arm)[keep, ]
  fit <- survfit(Surv(time, status) ~ arm, data = d)
  med <- summary(fit)$table[, "median"]
  lr <- survdiff(Surv(time, status) ~ arm, data = d)
  cx <- coxph(Surv(time, status) ~ arm, data = d)
  reject <- reject + (pchisq(lr$chisq, 1, lower.tail = FALSE) < 0.05)
  loghr[i] <- coef(cx)
}
seconds <- proc.time()[["elapsed"]] - t0
cat("tool R\n")
cat("trials", trials, "\n")
cat("loop_seconds", sprintf("%.4f", seconds), "\n")
cat("trials_per_second", sprintf("%.6g", trials / seconds), "\n")
cat("power", reject / trials, "\n")
cat("hr_geometric_mean", exp(mean(loghr)), "\n")
