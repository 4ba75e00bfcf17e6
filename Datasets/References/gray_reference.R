# gray_reference.R -- reference values for osstats' Gray test (Gray RJ 1988, Ann Stat 16:1141-1154):
# the k-sample test for equal cumulative incidence of one cause among groups, optionally
# stratified and weighted by (1 - F(t-))^rho, as cmprsk's cuminc() reports it in $Tests.
#
# Writes one fixture:
#   Datasets/References/gray_reference.json
# with, for each case and each cause that has events, cuminc's statistic, p-value (cuminc's
# 1 - pchisq, and the upper tail pchisq(lower.tail = FALSE) computed without cancellation) and
# degrees of freedom, and the score vector and variance matrix behind the statistic (cmprsk's
# crstm routine called with the arguments cuminc gives it; the statistic is checked against
# cuminc's). Groups are R's factor levels in sorted order with empty levels dropped, as cuminc
# does; the variance is row-major over the first g - 1 of them.
#
# Cases on Datasets/mgus2.csv (etime, event 0 = censored / 1 = progression / 2 = death, sex F/M,
# age), with two age groupings derived from age as the test derives them:
#   age70 = "<70" when age < 70, else ">=70"
#   age3  = "1:<60" when age < 60, "2:60-69" when age < 70, else "3:70+"
# and inline data sets written into the fixture (heavy ties, an empty factor level, a group that
# is never at risk at an event time, a larger simulated set with three causes).
#
# Run from the repository root:
#     Rscript Datasets/References/gray_reference.R
# Written and run with the R, cmprsk and jsonlite versions recorded under "versions" in the JSON
# (R 4.2.2, cmprsk 2.2-11, jsonlite 1.8.4 on Debian 12). The simulated case uses set.seed(20240);
# everything else is deterministic.

invisible(Sys.setlocale("LC_COLLATE", "C"))
suppressPackageStartupMessages({
  library(cmprsk)
  library(jsonlite)
})

source("Datasets/References/json_numbers.R")  # fmt_num, num, scalar

d <- read.csv("Datasets/mgus2.csv", stringsAsFactors = FALSE)
d$age70 <- ifelse(d$age < 70, "<70", ">=70")
d$age3 <- ifelse(d$age < 60, "1:<60", ifelse(d$age < 70, "2:60-69", "3:70+"))

# Score and variance for one cause: crstm with the arguments cuminc builds (times sorted, empty
# group levels dropped, status 1 = this cause, 2 = another cause, 0 = censored).
score_variance <- function(time, status, group, strata, rho, cause) {
  x <- data.frame(time = time, cause = status, group = as.factor(group), strata = as.factor(strata))
  x <- x[order(x$time), ]
  counts <- table(x$group)
  x$group <- factor(x$group, names(counts)[counts > 0])
  ng <- nlevels(x$group)
  nst <- nlevels(x$strata)
  no <- nrow(x)
  censind <- ifelse(x$cause == 0, 0, 1)
  m <- 2 * censind - ifelse(x$cause == cause, 1, 0)
  ng1 <- ng - 1
  ng2 <- ng * ng1 / 2
  z <- .Fortran("crstm", as.double(x$time), as.integer(m), as.integer(x$group), as.integer(x$strata),
    as.integer(no), as.double(rho), as.integer(nst), as.integer(ng), double(ng1),
    matrix(0, ng1, ng1), as.double(x$time), as.integer(m), as.integer(x$group), double(ng2),
    double(ng1), double(ng2), double((4 + 3 * ng) * ng), integer(4 * ng), PACKAGE = "cmprsk")
  list(score = z[[9]], variance = z[[10]], groups = levels(x$group))
}

gray_case <- function(key, time, status, group, strata = NULL, rho = 0, inline = NULL, note = NULL) {
  st <- if (is.null(strata)) rep(1, length(time)) else strata
  fit <- cuminc(time, status, group, st, rho = rho)
  tests <- fit$Tests
  out <- lapply(seq_len(nrow(tests)), function(r) {
    cause <- as.numeric(rownames(tests)[r])
    sv <- score_variance(time, status, group, st, rho, cause)
    stat <- tests[r, "stat"]
    if (stat >= 0) {
      again <- drop(sv$score %*% solve(sv$variance) %*% sv$score)
      if (abs(again - stat) > 1e-10 * stat) stop(key, ": crstm call does not reproduce cuminc")
    }
    list(cause = cause, stat = scalar(stat), pv = scalar(tests[r, "pv"]),
      p_upper = scalar(if (stat >= 0) pchisq(stat, tests[r, "df"], lower.tail = FALSE) else 1),
      df = tests[r, "df"], singular = stat < 0,
      score = num(sv$score), variance = num(t(sv$variance)))
  })
  groups <- score_variance(time, status, group, st, rho, as.numeric(rownames(tests)[1]))$groups
  c(list(key = key, rho = scalar(rho), groups = groups), inline, list(note = note, tests = out))
}

mgus_case <- function(key, group_by, strata_by = NULL, rho = 0) {
  c(list(data = "mgus2", group_by = group_by, strata_by = strata_by),
    gray_case(key, d$etime, d$event, d[[group_by]], if (is.null(strata_by)) NULL else d[[strata_by]], rho))
}

inline_case <- function(key, time, status, group, strata = NULL, rho = 0, group_levels = NULL, note = NULL) {
  g <- if (is.null(group_levels)) group else factor(group, levels = group_levels)
  inline <- list(data = "inline", time = num(time), status = status, group = as.character(group),
    group_levels = if (is.null(group_levels)) sort(unique(group)) else group_levels,
    strata = if (is.null(strata)) NULL else as.character(strata))
  gray_case(key, time, status, g, strata, rho, inline = inline, note = note)
}

# Heavy ties: six distinct times (one of them 0) for 30 subjects, causes and censorings tied at the
# same times, a group (C) whose last subjects all fail at once (its Kaplan-Meier reaches 0), and an
# unused factor level D that cuminc drops.
ties_time <- c(0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5,
  1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5,
  0, 1, 1, 2, 2, 3, 3, 3, 3)
ties_status <- c(1, 1, 2, 0, 1, 1, 2, 0, 1, 2, 2, 0, 1, 0, 1,
  1, 0, 2, 2, 1, 1, 0, 1, 1, 2, 2, 1, 0, 0, 1,
  2, 1, 0, 1, 2, 1, 1, 2, 1)
ties_group <- c(rep("A", 15), rep("B", 15), rep("C", 9))
ties_strata <- c(rep(c("s1", "s2"), length.out = 15), rep(c("s2", "s1", "s1"), length.out = 15),
  rep(c("s1", "s2"), length.out = 9))

# Never at risk: group C is censored before the first event, so its score and variance row are 0
# and cuminc reports statistic -1, p 1.
never_time <- c(0.5, 0.5, 0.5, 1, 1, 1, 1, 2, 2, 2, 3, 3)
never_status <- c(0, 0, 0, 1, 1, 2, 0, 1, 2, 1, 1, 0)
never_group <- c("C", "C", "C", "A", "B", "A", "B", "A", "B", "B", "A", "B")

# Simulated: 2000 subjects, 4 groups, 3 causes, 3 strata, times rounded to 0.1 (many ties).
set.seed(20240)
n <- 2000
sim_group <- sample(c("g1", "g2", "g3", "g4"), n, replace = TRUE)
sim_strata <- sample(c("x", "y", "z"), n, replace = TRUE)
hazard <- c(g1 = 1, g2 = 1.2, g3 = 0.8, g4 = 1.5)[sim_group]
t_event <- rexp(n, hazard * 0.3)
t_cens <- runif(n, 0, 6)
sim_time <- round(pmin(t_event, t_cens), 1)
sim_status <- ifelse(t_event <= t_cens, sample(1:3, n, replace = TRUE, prob = c(0.5, 0.3, 0.2)), 0)

cases <- list(
  mgus_case("mgus2_sex", "sex"),
  mgus_case("mgus2_sex_rho_minus1", "sex", rho = -1),
  mgus_case("mgus2_age3", "age3"),
  mgus_case("mgus2_sex_strata_age3", "sex", "age3"),
  mgus_case("mgus2_age3_strata_sex", "age3", "sex"),
  mgus_case("mgus2_age3_rho1", "age3", rho = 1),
  mgus_case("mgus2_age70_rho_minus1", "age70", rho = -1),
  mgus_case("mgus2_sex_strata_age70_rho0.5", "sex", "age70", rho = 0.5),
  inline_case("ties", ties_time, ties_status, ties_group, group_levels = c("A", "B", "C", "D"),
    note = "unused level D dropped: 3 groups, 2 df"),
  inline_case("ties_strata_rho1", ties_time, ties_status, ties_group, ties_strata, rho = 1),
  inline_case("never_at_risk", never_time, never_status, never_group,
    note = "cuminc reports statistic -1 and p 1: the variance is singular"),
  inline_case("simulated_strata_rho0.5", sim_time, sim_status, sim_group, sim_strata, rho = 0.5))

versions <- list(R = R.version.string, cmprsk = as.character(packageVersion("cmprsk")),
  jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(list(versions = versions, cases = cases),
  auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE, digits = NA, null = "null"),
  "Datasets/References/gray_reference.json")
