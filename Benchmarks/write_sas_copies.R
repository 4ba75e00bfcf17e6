# Writes the benchmark CSV as SAS transport (version 5) and SAS7BDAT with haven, so that every
# reader times the same data in three formats.
#
#   Rscript write_sas_copies.R FILE.csv FILE.xpt FILE.sas7bdat
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
frame <- read.csv(args[1])
names(frame) <- toupper(names(frame))
write_xpt(frame, args[2], version = 5)
suppressWarnings(write_sas(frame, args[3]))
