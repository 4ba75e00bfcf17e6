#!/usr/bin/env bash
# The competing-risks and delayed-entry benchmark (issue 16): whole commands as a user runs them
# (process start to exit) on the same simulated files, in one run:
#   - osstats cif (Aalen-Johansen per cause and group + Gray's test) against R cmprsk's cuminc
#     (fread + cuminc, which computes both), and against survfit with a factor status;
#   - osstats km --start (counting-process Kaplan-Meier) against R survfit(Surv(start, stop,
#     event) ~ group);
#   - the Fine-Gray model: osstats cif --covariates age,male --cause 1 against cmprsk's crr, at
#     growing n up to the largest crr finishes within its time limit, and osstats alone beyond.
#
#   bash Benchmarks/competing.sh     (from anywhere; needs R with survival, cmprsk, data.table, and
#                                     Python 3 with numpy for the data)
#
# Writes its section into Benchmarks/RESULTS.md between the "competing benchmark" markers
# (replacing the previous run's), raw outputs to Benchmarks/logs/competing.*, data to
# Benchmarks/data/. All data are simulated (Benchmarks/competing_data.py, seed 20261208).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="$here/data"; logs="$here/logs"; results="$here/RESULTS.md"
cli="$root/.build/release/osstats"
seed=20261208
crr_limit=${CRR_LIMIT:-60}
# survfit with a factor status takes minutes on 10^6 rows (its jackknife variance): run once.
survfit_runs=${SURVFIT_RUNS:-1}
export OPENBLAS_NUM_THREADS=1
mkdir -p "$data" "$logs"
t_start=$(date +%s)
echo "== building osstats (release)"
(cd "$root" && swift build -c release --product osstats) >"$logs/competing.build.log" 2>&1 ||
  { tail -30 "$logs/competing.build.log" >&2; exit 1; }

cr="$data/cr_1000000.csv"; cp="$data/cp_1000000.csv"
[ -f "$cr" ] || python3 "$here/competing_data.py" cr 1000000 "$seed" "$cr"
[ -f "$cp" ] || python3 "$here/competing_data.py" cp 1000000 "$seed" "$cp"
fg_sizes=(1000 2000 5000 10000 20000 50000)
for n in "${fg_sizes[@]}" 100000; do
  f="$data/cr_$n.csv"; [ -f "$f" ] || python3 "$here/competing_data.py" cr "$n" "$seed" "$f"
done

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
wall() { # wall NAME RUNS COMMAND...: median process wall time over RUNS runs, peak RSS of the last
  local name=$1 runs=$2; shift 2; local ts=()
  for _ in $(seq "$runs"); do
    local t0; t0=$(now)
    /usr/bin/time -f "%M" -o "$logs/competing.$name.rss" "$@" >"$logs/competing.$name.out" 2>"$logs/competing.$name.err"
    ts+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
  done
  echo "${ts[*]}" | median
}
fmt() { awk -v s="$1" 'BEGIN { if (s >= 1) printf "%.2f s", s; else printf "%.0f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
mb() { awk -v k="$(cat "$logs/competing.$1.rss")" 'BEGIN { printf "%.0f MB", k * 1.024 / 1000 }'; }
# R code with the packages loaded (the timed process is Rscript itself: /usr/bin/time cannot run a
# shell function).
rcode() { echo "suppressPackageStartupMessages({library(survival); library(cmprsk); library(data.table)}); $1"; }

echo "== cumulative incidence + Gray's test, 10^6 rows"
os_cif=$(wall os_cif 5 "$cli" cif "$cr" --event status --group group --times 5,10,20)
r_cuminc=$(wall r_cuminc 3 Rscript -e "$(rcode "d <- fread('$cr'); r <- cuminc(d\$time, d\$status, d\$group); print(r\$Tests); print(timepoints(r, c(5, 10, 20)))")")
r_survfit=$(wall r_survfit "$survfit_runs" Rscript -e "$(rcode "d <- fread('$cr'); f <- survfit(Surv(time, factor(status)) ~ group, data = d); print(summary(f, times = c(5, 10, 20)))")")
# Gray's statistics agree (osstats text against cuminc's printed Tests).
gray_os=$(awk '/^Gray/ { g = 1; next } g && $1 ~ /^[12]$/ { printf "%s ", $2 } g && NF == 0 { g = 0 }' "$logs/competing.os_cif.out")
gray_r=$(awk '$1 ~ /^[12]$/ && NF == 4 && !seen[$1]++ { printf "%s ", $2 }' "$logs/competing.r_cuminc.out")

echo "== counting-process Kaplan-Meier, 10^6 rows"
os_kmcp=$(wall os_kmcp 5 "$cli" km "$cp" --start start --time stop --event event --group group)
r_kmcp=$(wall r_kmcp 3 Rscript -e "$(rcode "d <- fread('$cp'); f <- survfit(Surv(start, stop, event) ~ group, data = d); print(f)")")
med_os=$(awk '$1 == "A" || $1 == "B" { if (!s[$1]++) printf "%s ", $4 }' "$logs/competing.os_kmcp.out")
med_r=$(awk '$1 ~ /^group=/ { printf "%s ", $(NF - 2) }' "$logs/competing.r_kmcp.out")

echo "== Fine-Gray"
rows=""
last_r=""; last_n=""; last_os=""
for n in "${fg_sizes[@]}"; do
  f="$data/cr_$n.csv"
  os=$(wall "os_fg_$n" 3 "$cli" cif "$f" --event status --covariates age,male --cause 1)
  t0=$(now)
  if timeout "$crr_limit" Rscript -e "suppressPackageStartupMessages({library(cmprsk); library(data.table)}); d <- fread('$f'); m <- crr(d\$time, d\$status, cbind(age = d\$age, male = d\$male), failcode = 1, cencode = 0); print(m\$coef); print(sqrt(diag(m\$var)))" >"$logs/competing.r_fg_$n.out" 2>&1; then
    r=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
    rows+="| $n | $(fmt "$os") | $(fmt "$r") | **$(ratio "$r" "$os")** |"$'\n'
    last_r=$r; last_n=$n; last_os=$os
  else
    rows+="| $n | $(fmt "$os") | over ${crr_limit} s (stopped) | |"$'\n'
    break
  fi
done
os_fg_big=$(wall os_fg_big 3 "$cli" cif "$cr" --event status --covariates age,male --cause 1)
os_fg_1e5=$(wall os_fg_1e5 3 "$cli" cif "$data/cr_100000.csv" --event status --covariates age,male --cause 1)
fg_os=$(awk '$1 == "age" || $1 == "male" { printf "%s ", $2 }' "$logs/competing.os_fg_$last_n.out")
fg_r=$(awk 'NR == 2 { printf "%s %s", $1, $2 }' "$logs/competing.r_fg_$last_n.out")
versions_r=$(Rscript -e 'cat(R.version$major, ".", R.version$minor, ", survival ", format(packageVersion("survival")), ", cmprsk ", format(packageVersion("cmprsk")), ", data.table ", format(packageVersion("data.table")), sep = "")')
mark() { awk -v a="$1" -v b="$2" 'BEGIN { print (a / b >= 10) ? "met" : "**missed**" }'; }
elapsed=$(( $(date +%s) - t_start ))

section=$(cat <<EOF
<!-- competing benchmark: begin (written by Benchmarks/competing.sh; do not edit by hand) -->
## Competing risks and delayed entry (issue 16)

One run of \`bash Benchmarks/competing.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, ${elapsed} s in all.
**All data simulated** (\`Benchmarks/competing_data.py\`, seed $seed): two arms, two causes
(cause-specific exponential hazards, age and sex effects), uniform censoring, times to 3
decimals; the (start, stop] file has left-truncated rows. Whole commands, process start to exit,
median of 5 runs for osstats and of 3 for R (\`Rscript\` with fread, R $versions_r; survfit with a factor
status: ${survfit_runs} run), with peak memory. Load: $(uptime | sed 's/.*load average: //') (load average at the end of the run).

| command (10⁶ rows) | osstats | R | R / osstats |
|---|---|---|---|
| \`osstats cif cr_1000000.csv --event status --group group --times 5,10,20\` (CIF + Gray) vs \`cuminc\` + \`timepoints\` | **$(fmt "$os_cif")**, $(mb os_cif) | $(fmt "$r_cuminc"), $(mb r_cuminc) | **$(ratio "$r_cuminc" "$os_cif")** |
| the same osstats command vs \`survfit(Surv(time, factor(status)) ~ group)\` + \`summary(times =)\` | | $(fmt "$r_survfit"), $(mb r_survfit) | $(ratio "$r_survfit" "$os_cif") |
| \`osstats km cp_1000000.csv --start start --time stop --event event --group group\` vs \`survfit(Surv(start, stop, event) ~ group)\` | **$(fmt "$os_kmcp")**, $(mb os_kmcp) | $(fmt "$r_kmcp"), $(mb r_kmcp) | **$(ratio "$r_kmcp" "$os_kmcp")** |

Agreement in this run: Gray's chi-squares osstats ${gray_os}/ cuminc ${gray_r}(printed digits);
medians of the counting-process curves osstats ${med_os}/ R ${med_r}.

Fine–Gray, \`osstats cif cr_N.csv --event status --covariates age,male --cause 1\` against
\`crr(time, status, cbind(age, male), failcode = 1)\` (fread + crr), whole commands; crr stopped after
${crr_limit} s:

| n | osstats | R crr | crr / osstats |
|---|---|---|---|
${rows}
osstats beyond crr's reach: n = 10⁵ in $(fmt "$os_fg_1e5"), n = 10⁶ in **$(fmt "$os_fg_big")** ($(mb os_fg_big)).
crr's time grows as n² (its risk-set sums are recomputed for every event time); osstats' as
n log n (one sort, then forward and backward scans per Newton step). Coefficients at n = ${last_n}:
osstats ${fg_os}/ crr ${fg_r}.

Issue 16's targets (at least 10×): CIF + Gray vs cuminc — $(mark "$r_cuminc" "$os_cif"); counting-process
km vs survfit — $(mark "$r_kmcp" "$os_kmcp"); Fine–Gray vs crr at n = ${last_n} — $(mark "${last_r:-0}" "${last_os:-1}").
<!-- competing benchmark: end -->
EOF
)
if [ -f "$results" ] && grep -q "competing benchmark: begin" "$results"; then
  awk -v s="$section" '/competing benchmark: begin/ { print s; skip = 1; next } /competing benchmark: end/ { skip = 0; next } !skip' "$results" >"$results.tmp"
else
  { cat "$results" 2>/dev/null; echo; echo "$section"; } >"$results.tmp"
fi
mv "$results.tmp" "$results"
echo "$section"
