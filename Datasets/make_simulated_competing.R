# make_simulated_competing.R -- writes Datasets/simulated_trial_73_competing.csv, a SIMULATED
# competing-risks version of Datasets/simulated_trial_73.csv (itself simulated by osstats
# simulate; not trial data). For each simulated patient a time to relapse is drawn (exponential,
# median 4 months on salvage, an assumed hazard ratio 0.8 on salvage+dexamethasone -- a design-style
# assumption, not an estimate); the first event is relapse when it comes before the patient's
# death or the analysis, else death without relapse (the OS death) or censoring at the OS time.
#
# Columns: id, stratum, arm, time, status (OS, as the source file), first_event_time,
# first_event (0 = censored, 1 = relapse, 2 = death without relapse), simulated (always yes).
#
# Run from the repository root (deterministic: the same bytes on every run):
#     Rscript Datasets/make_simulated_competing.R
# Written and run with R 4.2.2 (Debian 12); base R only.

set.seed(20261208)
# The OS times are kept as the source file writes them (text), so that OS analyses of both files
# agree to the last digit.
d <- read.csv("Datasets/simulated_trial_73.csv", stringsAsFactors = FALSE, colClasses = c(time = "character"))
stopifnot(all(d$simulated == "yes"))
os_time <- as.numeric(d$time)
rate <- log(2) / 4 * ifelse(d$arm == "salvage+dexamethasone", 0.8, 1)
relapse <- rexp(nrow(d), rate)
first <- ifelse(relapse < os_time, 1L, ifelse(d$status == 1, 2L, 0L))
first_time <- ifelse(first == 1L, sprintf("%.6f", relapse), d$time)
out <- data.frame(
  id = d$id, stratum = d$stratum, arm = d$arm, time = d$time, status = d$status,
  first_event_time = first_time, first_event = first, simulated = "yes")
write.csv(out, "Datasets/simulated_trial_73_competing.csv", row.names = FALSE, quote = FALSE)
