#!/usr/bin/env bash
# The input benchmark (issue 11): reading a 10^6-row file as CSV, SAS transport (XPT) and
# SAS7BDAT with osstats, pandas, pyreadstat, R data.table::fread / read.csv and haven, in one run,
# on the same data; and whole commands as a user runs them (process start to exit): osstats cox and
# km on the CSV and cox on the XPT, against R reading the same file and fitting (fread + coxph,
# fread + survfit + survdiff).
#
#   bash Benchmarks/input.sh       (from anywhere; needs R with survival, haven and data.table,
#                                   and Python with pandas and pyreadstat)
#
# Writes its section into Benchmarks/RESULTS.md between the "input benchmark" markers (replacing
# the previous run's), raw outputs to Benchmarks/logs/input.*, data to Benchmarks/data/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
data="$here/data"; logs="$here/logs"; results="$here/RESULTS.md"
bin="$here/.build/release/osstats-bench"; cli="$root/.build/release/osstats"
seed=20260404; repeats=5
export OPENBLAS_NUM_THREADS=1
mkdir -p "$data" "$logs"
echo "== building (release)"
(cd "$here" && swift build -c release) >"$logs/input.build.log" 2>&1 || { tail -30 "$logs/input.build.log" >&2; exit 1; }
(cd "$root" && swift build -c release --product osstats) >"$logs/input.build-cli.log" 2>&1 ||
  { tail -30 "$logs/input.build-cli.log" >&2; exit 1; }

csv="$data/cox_n1e6.csv"; xpt="$data/cox_n1e6.xpt"; sas="$data/cox_n1e6.sas7bdat"; km="$data/km_1000000.csv"
[ -f "$csv" ] || "$bin" generate 1000000 10 "$seed" "$csv" >/dev/null
[ -f "$km" ] || "$bin" generate-km 1000000 "$seed" "$km" >/dev/null
if [ ! -f "$xpt" ] || [ ! -f "$sas" ] || [ "$csv" -nt "$xpt" ]; then
  echo "== writing the XPT and SAS7BDAT copies (haven)"
  Rscript "$here/write_sas_copies.R" "$csv" "$xpt" "$sas"
fi

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
times_of() { awk -v k="$1" '$1 == k { for (i = 2; i <= NF && $i != "rows"; i++) printf "%s ", $i }' "$2"; }
now() { date +%s.%N; }
wall() { # wall NAME RUNS COMMAND...: median process wall time over RUNS runs, peak RSS of the last
  local name=$1 runs=$2; shift 2; local ts=()
  for _ in $(seq "$runs"); do
    local t0; t0=$(now)
    /usr/bin/time -f "%M" -o "$logs/input.$name.rss" "$@" >"$logs/input.$name.out" 2>"$logs/input.$name.err"
    ts+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
  done
  echo "${ts[*]}" | median
}
fmt() { awk -v s="$1" 'BEGIN { if (s >= 1) printf "%.2f s", s; else printf "%.0f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
mb() { awk -v k="$(cat "$logs/input.$1.rss")" 'BEGIN { printf "%.0f MB", k * 1.024 / 1000 }'; }

echo "== osstats readers"
for f in csv xpt sas7bdat; do
  file=$csv; [ $f = xpt ] && file=$xpt; [ $f = sas7bdat ] && file=$sas
  "$bin" read "$file" "$f" "$repeats" >"$logs/input.osstats.$f.txt"
done
"$bin" read "$km" csv "$repeats" >"$logs/input.osstats.km.txt"
os_csv=$(awk '$1 == "read_median_seconds" { print $2 }' "$logs/input.osstats.csv.txt")
os_xpt=$(awk '$1 == "read_median_seconds" { print $2 }' "$logs/input.osstats.xpt.txt")
os_sas=$(awk '$1 == "read_median_seconds" { print $2 }' "$logs/input.osstats.sas7bdat.txt")
os_km=$(awk '$1 == "read_median_seconds" { print $2 }' "$logs/input.osstats.km.txt")
echo "== pandas and pyreadstat"
python3 "$here/input_bench.py" "$csv" "$xpt" "$sas" 3 >"$logs/input.python.txt"
echo "== R: fread, read.csv, haven"
Rscript "$here/input_bench.R" "$csv" "$xpt" "$sas" 3 >"$logs/input.R.txt"
py() { times_of "$1" "$logs/input.python.txt" | median; }
rr() { times_of "$1" "$logs/input.R.txt" | median; }
pd_csv=$(py pandas_read_csv); pd_xpt=$(py pandas_read_sas_xpt); pd_sas=$(py pandas_read_sas_sas7bdat)
prs_xpt=$(py pyreadstat_read_xport); prs_sas=$(py pyreadstat_read_sas7bdat)
fread=$(rr fread); readcsv=$(rr read.csv); hv_xpt=$(rr haven_read_xpt); hv_sas=$(rr haven_read_sas)

echo "== whole commands"
covs=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10
COVS=X1,X2,X3,X4,X5,X6,X7,X8,X9,X10
cox_csv=$(wall cox_csv 5 "$cli" cox "$csv" --covariates "$covs")
cox_xpt=$(wall cox_xpt 5 "$cli" cox "$xpt" --time TIME --event STATUS --covariates "$COVS")
km_csv=$(wall km_csv 5 "$cli" km "$km" --group group)
r_cox=$(wall r_cox 3 Rscript -e "suppressPackageStartupMessages(library(survival)); d <- data.table::fread('$csv'); f <- coxph(Surv(time, status) ~ ., data = d, ties = 'efron'); print(coef(f))")
r_km=$(wall r_km 3 Rscript -e "suppressPackageStartupMessages(library(survival)); d <- data.table::fread('$km'); print(survfit(Surv(time, status) ~ group, data = d)); print(survdiff(Surv(time, status) ~ group, data = d))")
r_fit=$(awk '$1 == "fit_median_seconds" { print $2 }' "$logs/n1e6.R.txt" 2>/dev/null || true)
# The coefficients agree (osstats text output against R's print(coef)).
agree=$(awk 'FNR == 1 { f++ } f == 1 && $1 ~ /^x[0-9]+$/ && NF >= 5 && !($1 in a) { a[$1] = $2 }
  f == 2 { for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9.]+(e-?[0-9]+)?$/) b[++n] = $i }
  END { bad = 0; for (k = 1; k <= 10; k++) { d = a["x" k] - b[k]; if (d < 0) d = -d; if (d > 5e-4 * (b[k] < 0 ? -b[k] : b[k])) bad = 1 } print bad ? "NO" : "yes (to the 4 printed digits)" }' \
  "$logs/input.cox_csv.out" "$logs/input.r_cox.out")
versions_py=$(awk '$1 == "versions" { $1 = ""; print }' "$logs/input.python.txt")
versions_r=$(awk '$1 == "versions" { $1 = ""; print }' "$logs/input.R.txt")
mark() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "**missed**" }'; }

section=$(cat <<EOF
<!-- input benchmark: begin (written by Benchmarks/input.sh; do not edit by hand) -->
## Reading data and whole commands (issue 11)

One run of \`bash Benchmarks/input.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores. The same 10⁶-row,
12-column file (\`data/cox_n1e6.csv\`, $(du -m "$csv" | awk '{ print $1 }') MB) as CSV, as SAS
transport v5 (\`.xpt\`) and as SAS7BDAT, both written by haven. Reader times are inside each
process (median of $repeats for osstats, of 3 for the others), every column converted.
Python:$versions_py; R:$versions_r.

| reading 10⁶ × 12 | osstats | pandas | pyreadstat | R fread | R read.csv | haven | pandas / osstats |
|---|---|---|---|---|---|---|---|
| CSV | **$(fmt "$os_csv")** | $(fmt "$pd_csv") | | $(fmt "$fread") | $(fmt "$readcsv") | | **$(ratio "$pd_csv" "$os_csv")** |
| XPT | **$(fmt "$os_xpt")** | $(fmt "$pd_xpt") | $(fmt "$prs_xpt") | | | $(fmt "$hv_xpt") | $(ratio "$pd_xpt" "$os_xpt") |
| SAS7BDAT | **$(fmt "$os_sas")** | $(fmt "$pd_sas") | $(fmt "$prs_sas") | | | $(fmt "$hv_sas") | $(ratio "$pd_sas" "$os_sas") |

The 3-column Kaplan–Meier file (\`data/km_1000000.csv\`, 10⁶ rows): osstats reads it in
**$(fmt "$os_km")**.

Whole commands, process start to exit (median of 5; R: median of 3), with peak memory:

| command | osstats | R (fread + fit, Rscript) | R / osstats |
|---|---|---|---|
| \`osstats cox cox_n1e6.csv --covariates x1,…,x10\` | **$(fmt "$cox_csv")**, $(mb cox_csv) | $(fmt "$r_cox"), $(mb r_cox) | **$(ratio "$r_cox" "$cox_csv")** |
| \`osstats cox cox_n1e6.xpt --time TIME --event STATUS --covariates X1,…,X10\` | **$(fmt "$cox_xpt")**, $(mb cox_xpt) | | $(ratio "$r_cox" "$cox_xpt") |
| \`osstats km km_1000000.csv --group group\` | **$(fmt "$km_csv")**, $(mb km_csv) | $(fmt "$r_km"), $(mb r_km) | **$(ratio "$r_km" "$km_csv")** |

Coefficients of the CSV fit equal R's: $agree. The Cox command includes what \`osstats cox\` prints
besides the fit (Harrell's concordance and its standard error, as coxph's print does).

Issue 11's read targets: 10⁶ × 12 CSV in at most 0.3 s — $(mark "$os_csv" 0.3) ($(fmt "$os_csv"));
the 3-column file in at most 0.12 s — $(mark "$os_km" 0.12) ($(fmt "$os_km")); whole-process
\`osstats cox\` in at most 0.5 s — $(mark "$cox_csv" 0.5) ($(fmt "$cox_csv")).
<!-- input benchmark: end -->
EOF
)
if [ -f "$results" ] && grep -q "input benchmark: begin" "$results"; then
  awk -v s="$section" '/input benchmark: begin/ { print s; skip = 1; next } /input benchmark: end/ { skip = 0; next } !skip' "$results" >"$results.tmp"
else
  { cat "$results" 2>/dev/null; echo; echo "$section"; } >"$results.tmp"
fi
mv "$results.tmp" "$results"
echo "$section"
