# json_numbers.R -- number formatting shared by the reference scripts that write JSON with
# jsonlite (sourced: source("Datasets/References/json_numbers.R")).
#
# jsonlite writes at most 15 significant digits, which does not always give back the same double,
# so numbers are formatted with the fewest of 15, 16 or 17 significant digits that read back
# exactly and inserted verbatim (class "json", written with json_verbatim = TRUE). NA, NaN and
# Inf become null; vectors stay arrays.
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
scalar <- function(x) structure(fmt_num(x), class = "json")
