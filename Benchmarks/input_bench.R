# Reading the benchmark's data files in R: data.table::fread (when installed), read.csv, and
# haven's read_xpt and read_sas.
#
#   Rscript input_bench.R FILE.csv FILE.xpt FILE.sas7bdat REPEATS
#
# Prints `NAME seconds...` lines (each repeat, inside this process, after the library loads).
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]; xpt <- args[2]; sas <- args[3]; repeats <- as.integer(args[4])
timed <- function(name, read) {
  times <- numeric(repeats)
  for (i in seq_len(repeats)) {
    start <- proc.time()[["elapsed"]]
    frame <- read()
    times[i] <- proc.time()[["elapsed"]] - start
  }
  cat(name, sprintf("%.6f", times), "rows", nrow(frame), "\n")
}
if (requireNamespace("data.table", quietly = TRUE)) {
  timed("fread", function() data.table::fread(csv))
}
timed("read.csv", function() read.csv(csv))
timed("haven_read_xpt", function() read_xpt(xpt))
timed("haven_read_sas", function() read_sas(sas))
cat("versions R", paste(R.version$major, R.version$minor, sep = "."), "haven", as.character(packageVersion("haven")),
  "data.table", if (requireNamespace("data.table", quietly = TRUE)) as.character(packageVersion("data.table")) else "none", "\n")
