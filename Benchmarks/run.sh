#!/usr/bin/env bash
# The benchmarks of issues 4 and 5: osstats against R survival (and Python lifelines), in one run,
# on the same simulated data: Kaplan–Meier + log-rank, the Cox model, simulated trials per second,
# and the `osstats km` command's start-up.
#
#   bash Benchmarks/run.sh            (from the repository root; any working directory works)
#
# Builds the harness (release), simulates the data (fixed seed), runs each tool in its own process
# under /usr/bin/time -v, checks that the coefficients agree, and writes Benchmarks/RESULTS.md.
# Raw outputs go to Benchmarks/logs/, data to Benchmarks/data/ (both ignored by git).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/data"
logs="$here/logs"
results="$here/RESULTS.md"
bin="$here/.build/release/osstats-bench"
seed=20260404

# Cox workloads: name, n, p, osstats repeats, R repeats, lifelines repeats. lifelines at n = 10⁶
# runs once, and only if it finishes within lifelines_limit seconds (process wall time).
workloads=(
  "n73 73 3 1001 101 21"
  "n1e4 10000 10 101 21 5"
  "n1e6 1000000 10 5 5 1"
)
lifelines_limit=60
# Kaplan–Meier + log-rank workloads: n, osstats repeats, R repeats, lifelines repeats.
km_workloads=(
  "73 1001 101 101"
  "10000 101 21 21"
  "1000000 5 5 5"
)
# Simulated trials: osstats trials (whole process), R loop trials, lifelines loop trials.
sim_trials=100000
sim_r_trials=500
sim_py_trials=200
# Simulated monitoring plans (issue 12): osstats trials and rpact getSimulationSurvival iterations.
plan_trials=100000
plan_rpact_trials=100000

# One BLAS thread for both tools (R here links Debian's OpenBLAS, pthread build).
export OPENBLAS_NUM_THREADS=1

run_start=$(date +%s)
for tool in swift Rscript python3 /usr/bin/time awk sha256sum timeout; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
Rscript -e 'suppressPackageStartupMessages(library(survival))' ||
  { echo "run.sh: R package survival is required" >&2; exit 1; }
Rscript -e 'suppressPackageStartupMessages(library(rpact))' ||
  { echo "run.sh: R package rpact is required (apt-get install r-cran-rpact)" >&2; exit 1; }
python3 -c 'import lifelines' ||
  { echo "run.sh: Python package lifelines is required (pip install lifelines)" >&2; exit 1; }
root="$(cd "$here/.." && pwd)"
cli="$root/.build/release/osstats"

mkdir -p "$data" "$logs"
echo "== building osstats-bench (release)"
(cd "$here" && swift build -c release) >"$logs/build.log" 2>&1 ||
  { tail -30 "$logs/build.log" >&2; exit 1; }
echo "== building the osstats command line (release, repository root)"
(cd "$root" && swift build -c release) >"$logs/build-cli.log" 2>&1 ||
  { tail -30 "$logs/build-cli.log" >&2; exit 1; }

# value KEY FILE [FIELD]: the FIELD-th word (default 2) of the line starting with KEY.
value() { awk -v k="$1" -v f="${3:-2}" '$1 == k { print $f; exit }' "$2"; }
# peak_kib TIMEFILE: "Maximum resident set size (kbytes)" from /usr/bin/time -v.
peak_kib() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB (%.0f MB)", k / 1024, k * 1.024 / 1000 }'; }
fmt_s() { awk -v s="$1" 'BEGIN {
  if (s >= 1) printf "%.2f s", s; else if (s >= 1e-3) printf "%.2f ms", s * 1e3;
  else printf "%.1f µs", s * 1e6 }'; }
# group 1234567 -> 1,234,567
group() { awk -v v="$1" 'BEGIN { s = sprintf("%d", v); o = "";
  while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
  print s o }'; }
# spread KEY FILE: "min–max" of the values on the KEY line, formatted like fmt_s.
spread() { awk -v k="$1" '$1 == k { lo = $2; hi = $2
  for (i = 3; i <= NF; i++) { if ($i < lo) lo = $i; if ($i > hi) hi = $i }
  u = (hi >= 1) ? 1 : ((hi >= 1e-3) ? 1e-3 : 1e-6); n = (u == 1) ? "s" : ((u == 1e-3) ? "ms" : "µs")
  printf "%.3g–%.3g %s", lo / u, hi / u, n; exit }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
# median of the numbers on stdin (one or more per line)
med() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ a[++n] = $1 }
  END { if (n % 2) print a[(n + 1) / 2]; else print (a[n / 2] + a[n / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.6f", b - a }'; }
# coef_agreement FILE_A FILE_R: "maxrel maxse k" of the coef lines of A against R's.
coef_agreement() { awk '
    FNR == 1 { file++ }
    $1 == "coef" && file == 1 { b[$2] = $3 }
    $1 == "coef" && file == 2 {
      if (!($2 in b)) { missing = missing " " $2; next }
      d = b[$2] - $3; if (d < 0) d = -d
      a = $3; if (a < 0) a = -a
      rel = a > 0 ? d / a : d
      if (rel > maxrel) maxrel = rel
      if (d / $4 > maxse) maxse = d / $4
      k++
    }
    END {
      if (missing != "" || k == 0) { print "MISSING" missing; exit }
      printf "%.2e %.2e %d\n", maxrel, maxse, k
    }' "$1" "$2"; }

sections=()
for w in "${workloads[@]}"; do
  read -r name n p swift_reps r_reps py_reps <<<"$w"
  csv="$data/cox_$name.csv"
  echo "== $name: n = $n, p = $p"
  "$bin" generate "$n" "$p" "$seed" "$csv" >"$logs/$name.data.txt"
  sha=$(sha256sum "$csv" | awk '{ print $1 }')

  echo "   osstats ($swift_reps repeats)"
  /usr/bin/time -v -o "$logs/$name.osstats.time" \
    "$bin" cox "$csv" "$swift_reps" >"$logs/$name.osstats.txt"
  echo "   R coxph ($r_reps repeats)"
  /usr/bin/time -v -o "$logs/$name.R.time" \
    Rscript "$here/cox_bench.R" "$csv" "$r_reps" >"$logs/$name.R.txt"
  py="$logs/$name.lifelines.txt"
  py_note=""
  rm -f "$py"
  if [ "$name" = n1e6 ]; then
    echo "   lifelines CoxPHFitter (1 repeat, only if done within ${lifelines_limit} s)"
    t_start=$(now)
    if ! timeout "$lifelines_limit" /usr/bin/time -v -o "$logs/$name.lifelines.time" \
      python3 "$here/cox_bench.py" "$csv" "$py_reps" >"$py" 2>"$logs/$name.lifelines.err"; then
      py_note="skipped, too slow: not finished after $(fmt_s "$(since "$t_start")") (limit ${lifelines_limit} s; at n = 10,000 one fit takes $(fmt_s "$py_1e4_t"))"
      rm -f "$py"
    fi
  else
    echo "   lifelines CoxPHFitter ($py_reps repeats)"
    /usr/bin/time -v -o "$logs/$name.lifelines.time" \
      python3 "$here/cox_bench.py" "$csv" "$py_reps" >"$py" 2>"$logs/$name.lifelines.err"
  fi
  [ "$name" = n1e4 ] && py_1e4_t=$(value fit_median_seconds "$py")

  os="$logs/$name.osstats.txt"
  rr="$logs/$name.R.txt"
  os_t=$(value fit_median_seconds "$os")
  r_t=$(value fit_median_seconds "$rr")
  r_engine_t=$(value engine_fit_median_seconds "$rr")
  os_m=$(peak_kib "$logs/$name.osstats.time")
  r_m=$(peak_kib "$logs/$name.R.time")
  # Coefficient agreement: max |b_os - b_R| / |b_R|, and max |b_os - b_R| / se_R.
  agreement=$(coef_agreement "$os" "$rr")
  read -r maxrel maxse ncoef <<<"$agreement"
  ll_os=$(value loglik "$os" 3)
  ll_r=$(value loglik "$rr" 3)
  lldiff=$(awk -v a="$ll_os" -v b="$ll_r" 'BEGIN { d = a - b; if (d < 0) d = -d;
    r = b < 0 ? -b : b; rel = (r > 0) ? d / r : d; printf "%.2e (relative %.1e)", d, rel }')
  agree_ok=$(awk -v m="$maxrel" 'BEGIN { ok = (m + 0 <= 1e-6) ? "yes" : "NO"; print ok }')
  echo "   osstats ${os_t} s, ${os_m} KiB; R ${r_t} s, ${r_m} KiB; coefficients max rel. diff ${maxrel}"
  if [ -s "$py" ]; then
    py_t=$(value fit_median_seconds "$py")
    py_m=$(peak_kib "$logs/$name.lifelines.time")
    read -r py_maxrel py_maxse py_ncoef <<<"$(coef_agreement "$py" "$rr")"
    py_ok=$(awk -v m="$py_maxrel" 'BEGIN { ok = (m + 0 <= 1e-6) ? "yes" : "NO"; print ok }')
    py_time_cell="$(fmt_s "$py_t")"; py_ratio_cell="$(ratio "$py_t" "$os_t")"
    py_reps_cell="$py_reps, $(spread fit_seconds "$py")"
    py_mem_cell="$(fmt_mib "$py_m")"; py_memratio_cell="$(ratio "$py_m" "$os_m")"
    py_read_cell="$(fmt_s "$(value read_seconds "$py")")"
    py_after_cell="$(fmt_mib "$(value peak_rss_after_read_kib "$py")")"
    py_agree="lifelines (\`CoxPHFitter\`, Efron) against R: coefficients differ by at most **$py_maxrel
relative** ($py_maxse standard errors). Within 1e-6: $py_ok."
    echo "   lifelines ${py_t} s, ${py_m} KiB; coefficients vs R max rel. diff ${py_maxrel}"
  else
    py_time_cell="$py_note"; py_ratio_cell=""; py_reps_cell=""; py_mem_cell=""; py_memratio_cell=""
    py_read_cell=""; py_after_cell=""
    py_agree="lifelines: $py_note."
    echo "   lifelines: $py_note"
  fi

  summary=$(cat "$logs/$name.data.txt")
  events=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "events") print $(i + 1) }')
  censored=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "censored") printf "%.1f%%", 100 * $(i + 1) }')
  tied=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "tied_event_times") print $(i + 1) }')
  largest=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "largest_tie") print $(i + 1) }')
  distinct=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "distinct_times") print $(i + 1) }')
  section=$(cat <<EOF
### n = $(group "$n"), p = $p (Efron)

Data: $(group "$events") events ($censored censored), $(group "$distinct") distinct times, $(group "$tied") event times
shared by 2 or more events (largest: $largest). File \`data/cox_$name.csv\`, sha256 \`$sha\`.

| | osstats | R coxph | lifelines | R / osstats | lifelines / osstats |
|---|---|---|---|---|---|
| median fit time | $(fmt_s "$os_t") | $(fmt_s "$r_t") | $py_time_cell | **$(ratio "$r_t" "$os_t")** | $py_ratio_cell |
| repeats: count, min–max | $swift_reps, $(spread fit_seconds "$os") | $r_reps, $(spread fit_seconds "$rr") | $py_reps_cell | | |
| process peak memory (max RSS) | $(fmt_mib "$os_m") | $(fmt_mib "$r_m") | $py_mem_cell | **$(ratio "$r_m" "$os_m")** | $py_memratio_cell |
| for reference: R's engine alone, \`coxph.fit()\` | | $(fmt_s "$r_engine_t") | | $(ratio "$r_engine_t" "$os_t") | |
| reading the CSV (not in the fit time) | $(fmt_s "$(value read_seconds "$os")") | $(fmt_s "$(value read_seconds "$rr")") | $py_read_cell | | |
| peak RSS after reading, before fitting | $(fmt_mib "$(value peak_rss_after_read_kib "$os")") | $(fmt_mib "$(value peak_rss_after_read_kib "$rr")") | $py_after_cell | | |
| Newton–Raphson iterations | $(value iterations "$os") | $(value iterations "$rr") | | | |

Agreement: the $ncoef coefficients differ by at most **$maxrel relative** ($maxse standard
errors); log partial likelihoods at the estimate differ by $lldiff. Within 1e-6: $agree_ok.
$py_agree
EOF
)
  if [ "$name" = n1e6 ]; then
    cox1e6_os_t=$os_t; cox1e6_r_t=$r_t
    t_ok=$(awk -v a="$r_t" -v b="$os_t" 'BEGIN { ok = (a / b >= 20) ? "met" : "**missed**"; print ok }')
    m_ok=$(awk -v k="$os_m" 'BEGIN { ok = (k * 1024 < 300e6) ? "met" : "**missed**"; print ok }')
    section+=$(cat <<EOF


Issue 4's target at n = 10⁶, p = 10: at least 20 times faster than R's coxph — $t_ok
($(ratio "$r_t" "$os_t")); peak memory under 300 MB — $m_ok ($(awk -v k="$os_m" 'BEGIN { printf "%.0f MB", k * 1.024 / 1000 }')).
EOF
)
  fi
  sections+=("$section")
done

# ---- Kaplan–Meier + log-rank (issue 5) -------------------------------------------------------
km_sections=()
for w in "${km_workloads[@]}"; do
  read -r n os_reps r_reps py_reps <<<"$w"
  csv="$data/km_$n.csv"
  name="km$n"
  echo "== Kaplan–Meier + log-rank: n = $n"
  "$bin" generate-km "$n" "$seed" "$csv" >"$logs/$name.data.txt"
  sha=$(sha256sum "$csv" | awk '{ print $1 }')
  echo "   osstats ($os_reps repeats)"
  /usr/bin/time -v -o "$logs/$name.osstats.time" "$bin" km "$csv" "$os_reps" >"$logs/$name.osstats.txt"
  echo "   R survfit + survdiff ($r_reps repeats)"
  /usr/bin/time -v -o "$logs/$name.R.time" Rscript "$here/km_bench.R" "$csv" "$r_reps" >"$logs/$name.R.txt"
  echo "   lifelines ($py_reps repeats)"
  /usr/bin/time -v -o "$logs/$name.lifelines.time" \
    python3 "$here/km_bench.py" "$csv" "$py_reps" >"$logs/$name.lifelines.txt" 2>"$logs/$name.lifelines.err"
  os="$logs/$name.osstats.txt"; rr="$logs/$name.R.txt"; py="$logs/$name.lifelines.txt"
  os_t=$(value fit_median_seconds "$os"); r_t=$(value fit_median_seconds "$rr"); py_t=$(value fit_median_seconds "$py")
  os_m=$(peak_kib "$logs/$name.osstats.time"); r_m=$(peak_kib "$logs/$name.R.time"); py_m=$(peak_kib "$logs/$name.lifelines.time")
  # Medians: largest absolute difference over groups and tool pairs (NA must match NA); log-rank
  # chi-square: largest relative difference between any two tools.
  read -r med_diff med_ok chi_diff chi_ok <<<"$(awk '
    FNR == 1 { file++ }
    $1 == "median" { m[file, $2] = $3; g[$2] = 1 }
    $1 == "chisq" { c[file] = $2 }
    END {
      md = 0; bad = 0
      for (k in g) for (a = 1; a <= 3; a++) for (b = a + 1; b <= 3; b++) {
        x = m[a, k]; y = m[b, k]
        if (x == "" || y == "") { bad = 1; continue }
        if (x == "NA" || y == "NA") { if (x != y) bad = 1; continue }
        d = x - y; if (d < 0) d = -d; if (d > md) md = d
      }
      cd = 0
      for (a = 1; a <= 3; a++) for (b = a + 1; b <= 3; b++) {
        d = c[a] - c[b]; if (d < 0) d = -d; r = c[b] < 0 ? -c[b] : c[b]
        if (d / r > cd) cd = d / r
      }
      printf "%.2g %s %.2e %s\n", md, (md == 0 && !bad) ? "yes" : "NO", cd, (cd <= 1e-6) ? "yes" : "NO"
    }' "$os" "$rr" "$py")"
  medians=$(awk '$1 == "median" { printf "%s%s %s", (k++ ? ", " : ""), $2, $3 }' "$os")
  chi=$(value chisq "$os")
  echo "   osstats ${os_t} s; R ${r_t} s; lifelines ${py_t} s; medians equal: $med_ok; chi-square max rel. diff $chi_diff"
  [ "$n" = 1000000 ] && { km1e6_os_t=$os_t; km1e6_r_t=$r_t; km1e6_py_t=$py_t; }
  summary=$(cat "$logs/$name.data.txt")
  events=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "events") print $(i + 1) }')
  censored=$(echo "$summary" | awk '{ for (i = 1; i < NF; i++) if ($i == "censored") printf "%.1f%%", 100 * $(i + 1) }')
  km_sections+=("$(cat <<EOF
### n = $(group "$n"), two groups

Data: $(group "$events") events ($censored censored). File \`data/km_$n.csv\`, sha256 \`$sha\`.

| | osstats | R survival | lifelines | R / osstats | lifelines / osstats |
|---|---|---|---|---|---|
| median analysis time | $(fmt_s "$os_t") | $(fmt_s "$r_t") | $(fmt_s "$py_t") | **$(ratio "$r_t" "$os_t")** | **$(ratio "$py_t" "$os_t")** |
| repeats: count, min–max | $os_reps, $(spread fit_seconds "$os") | $r_reps, $(spread fit_seconds "$rr") | $py_reps, $(spread fit_seconds "$py") | | |
| process peak memory (max RSS) | $(fmt_mib "$os_m") | $(fmt_mib "$r_m") | $(fmt_mib "$py_m") | $(ratio "$r_m" "$os_m") | $(ratio "$py_m" "$os_m") |
| reading the CSV (not in the time) | $(fmt_s "$(value read_seconds "$os")") | $(fmt_s "$(value read_seconds "$rr")") | $(fmt_s "$(value read_seconds "$py")") | | |

Agreement: medians ($medians) equal in all three tools: $med_ok (largest difference $med_diff).
Log-rank chi-square $(printf '%.10g' "$chi"): largest relative difference between any two tools
$chi_diff; within 1e-6: $chi_ok.
EOF
)")
done

# ---- Simulated trials per second (issue 5) -----------------------------------------------------
echo "== simulated trials"
sim_args=(simulate --trials "$sim_trials" --n 73 --median-control 6 --hr 0.7 --accrual 42 --events 60
  --seed 1 --format json)
t_start=$(now)
/usr/bin/time -v -o "$logs/sim.osstats1.time" "$cli" "${sim_args[@]}" --threads 1 >"$logs/sim.osstats1.json"
sim_os1_s=$(since "$t_start")
t_start=$(now)
/usr/bin/time -v -o "$logs/sim.osstats.time" "$cli" "${sim_args[@]}" >"$logs/sim.osstats.json"
sim_os_s=$(since "$t_start")
echo "   R loop ($sim_r_trials trials)"
/usr/bin/time -v -o "$logs/sim.R.time" Rscript "$here/sim_bench.R" "$sim_r_trials" 1 >"$logs/sim.R.txt"
echo "   lifelines loop ($sim_py_trials trials)"
/usr/bin/time -v -o "$logs/sim.lifelines.time" python3 "$here/sim_bench.py" "$sim_py_trials" 1 \
  >"$logs/sim.lifelines.txt" 2>"$logs/sim.lifelines.err"
jnum() { awk -v k="\"$1\":" '$1 == k { gsub(/,/, "", $2); print $2; exit }' "$2"; }
sim_os1_rate=$(awk -v t="$sim_trials" -v s="$sim_os1_s" 'BEGIN { printf "%.0f", t / s }')
sim_os_rate=$(awk -v t="$sim_trials" -v s="$sim_os_s" 'BEGIN { printf "%.0f", t / s }')
sim_r_rate=$(value trials_per_second "$logs/sim.R.txt")
sim_py_rate=$(value trials_per_second "$logs/sim.lifelines.txt")
same_json=$(diff <(grep -v '"command"' "$logs/sim.osstats1.json") <(grep -v '"command"' "$logs/sim.osstats.json") >/dev/null && echo yes || echo NO)
echo "   osstats 1 thread ${sim_os1_rate}/s, default ${sim_os_rate}/s; R ${sim_r_rate}/s; lifelines ${sim_py_rate}/s"
fmt_rate() { awk -v r="$1" 'BEGIN { if (r >= 100) printf "%d", r + 0.5; else printf "%.1f", r }'; }
sim_section=$(cat <<EOF
Design: 73 patients, uniform entry over 42 months, exponential survival with a control median of
6 months and hazard ratio 0.7, analysis at the calendar time of the 60th event.

| | trials | time | trials / second | what each trial computes | power (log-rank, 5%) | geometric mean HR |
|---|---|---|---|---|---|---|
| osstats, \`--threads 1\` | $(group "$sim_trials") | $(fmt_s "$sim_os1_s") (whole process) | **$(group "$sim_os1_rate")** | simulation (permuted blocks of 4) + KM medians, log-rank (also stratified), Cox HR | $(jnum power "$logs/sim.osstats1.json") | $(printf '%.4f' "$(jnum geometric_mean "$logs/sim.osstats1.json")") |
| osstats, default threads ($(nproc) cores) | $(group "$sim_trials") | $(fmt_s "$sim_os_s") (whole process) | **$(group "$sim_os_rate")** | same; output identical to \`--threads 1\`: $same_json | $(jnum power "$logs/sim.osstats.json") | $(printf '%.4f' "$(jnum geometric_mean "$logs/sim.osstats.json")") |
| R survival, loop written for this benchmark | $sim_r_trials | $(fmt_s "$(value loop_seconds "$logs/sim.R.txt")") (loop only) | **$(fmt_rate "$sim_r_rate")** | simulation + \`survfit\` medians, \`survdiff\`, \`coxph\` | $(value power "$logs/sim.R.txt") | $(printf '%.4f' "$(value hr_geometric_mean "$logs/sim.R.txt")") |
| lifelines, loop written for this benchmark | $sim_py_trials | $(fmt_s "$(value loop_seconds "$logs/sim.lifelines.txt")") (loop only) | **$(fmt_rate "$sim_py_rate")** | simulation + \`KaplanMeierFitter\` medians, \`logrank_test\`, \`CoxPHFitter\` | $(value power "$logs/sim.lifelines.txt") | $(printf '%.4f' "$(value hr_geometric_mean "$logs/sim.lifelines.txt")") |

osstats is the command \`osstats ${sim_args[*]}\`, timed as a whole process (start-up, all trials,
JSON output). The R and Python loops are **not library simulators**: they are written for this
benchmark (\`sim_bench.R\`, \`sim_bench.py\`) and time only the loop inside the process (start-up
and package loading excluded). Their per-trial work is the same design with a plain random 1:1
split (37/36), analysed with KM medians per arm, the log-rank test and a Cox model; osstats
computes the same three plus a stratified log-rank (one stratum here). Each tool uses its own
random numbers, so powers and hazard ratios agree only within Monte Carlo error
(±$(awk -v p="$(jnum power "$logs/sim.osstats1.json")" -v n="$sim_py_trials" 'BEGIN { printf "%.2f", 2 * sqrt(p * (1 - p) / n) }') at $sim_py_trials trials).
EOF
)

# ---- Simulated monitoring plans per second (issue 12) ------------------------------------------
echo "== simulated monitoring plans"
plan_design="$root/Datasets/design_simulated_trial.json"
plan_args=(simulate --design "$plan_design" --trials "$plan_trials" --hr 0.6 --seed 1 --format json)
t_start=$(now)
/usr/bin/time -v -o "$logs/plan.osstats1.time" "$cli" "${plan_args[@]}" --threads 1 >"$logs/plan.osstats1.json"
plan_os1_s=$(since "$t_start")
t_start=$(now)
/usr/bin/time -v -o "$logs/plan.osstats.time" "$cli" "${plan_args[@]}" >"$logs/plan.osstats.json"
plan_os_s=$(since "$t_start")
echo "   rpact getSimulationSurvival ($plan_rpact_trials iterations)"
/usr/bin/time -v -o "$logs/plan.rpact.time" Rscript "$here/plan_bench.R" "$plan_design" "$plan_rpact_trials" 1 \
  >"$logs/plan.rpact.txt"
plan_os1_rate=$(awk -v t="$plan_trials" -v s="$plan_os1_s" 'BEGIN { printf "%.0f", t / s }')
plan_os_rate=$(awk -v t="$plan_trials" -v s="$plan_os_s" 'BEGIN { printf "%.0f", t / s }')
plan_r_rate=$(value trials_per_second "$logs/plan.rpact.txt")
plan_r_whole=$(awk '/Elapsed \(wall clock\)/ { n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$logs/plan.rpact.time")
plan_same=$(diff <(grep -v '"command"' "$logs/plan.osstats1.json") <(grep -v '"command"' "$logs/plan.osstats.json") >/dev/null && echo yes || echo NO)
plan_jnum() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["scenarios"][0] if "scenarios" in d else d; print(s[sys.argv[2]])' "$1" "$2"; }
echo "   osstats 1 thread ${plan_os1_rate}/s, default ${plan_os_rate}/s; rpact ${plan_r_rate}/s"
plan_section=$(cat <<EOF
Plan: \`Datasets/design_simulated_trial.json\` (written by \`osstats design\`): two looks at 61 and 121
events, Lan–DeMets O'Brien–Fleming-type efficacy bounds, one-sided alpha 0.025; 142 patients
entering uniformly over 42 months; exponential survival, control median 6 months, hazard ratio 0.6;
no dropout.

| | trials | time | trials / second | osstats / rpact | power (overall rejection) | expected events |
|---|---|---|---|---|---|---|
| osstats, \`--threads 1\` | $(group "$plan_trials") | $(fmt_s "$plan_os1_s") (whole process) | **$(group "$plan_os1_rate")** | $(ratio "$plan_os1_rate" "$plan_r_rate") | $(printf '%.5f' "$(plan_jnum "$logs/plan.osstats1.json" overall_rejection)") | $(printf '%.3f' "$(plan_jnum "$logs/plan.osstats1.json" expected_events)") |
| osstats, default threads ($(nproc) cores) | $(group "$plan_trials") | $(fmt_s "$plan_os_s") (whole process) | **$(group "$plan_os_rate")** | $(ratio "$plan_os_rate" "$plan_r_rate") | same; output identical to \`--threads 1\`: $plan_same | |
| rpact $(value rpact "$logs/plan.rpact.txt") \`getSimulationSurvival\` | $(group "$plan_rpact_trials") | $(fmt_s "$(value loop_seconds "$logs/plan.rpact.txt")") (the call only; whole process $(fmt_s "$plan_r_whole")) | **$(fmt_rate "$plan_r_rate")** | 1 | $(value overall_rejection "$logs/plan.rpact.txt") | $(value expected_events "$logs/plan.rpact.txt") |

osstats is the command \`osstats ${plan_args[*]}\` (plus \`--threads 1\` in the first row), timed
as a whole process: per trial it draws the patients (permuted blocks of 4, random uniform entry),
cuts the data at each look's event count, computes the log-rank z and applies the boundaries
recomputed at the observed events. rpact's call (\`plan_bench.R\`) simulates the same plan with
its own conventions (fixed entry grid, alternating allocation), so the powers agree within
Monte Carlo error (±$(awk -v p="$(value overall_rejection "$logs/plan.rpact.txt")" -v n="$plan_rpact_trials" 'BEGIN { printf "%.4f", 2 * sqrt(2 * p * (1 - p) / n) }') for the difference at these counts) and the expected
events within about one event (see Datasets/References/plan_simulation_reference.R).
EOF
)

# ---- osstats km on a small file: process wall time (issue 5) ----------------------------------
echo "== osstats km Datasets/aml.csv (20 runs) and Rscript survfit (5 runs)"
cli_times=()
for _ in $(seq 20); do
  t_start=$(now); "$cli" km "$root/Datasets/aml.csv" --group x >"$logs/cli.osstats.txt"; cli_times+=("$(since "$t_start")")
done
r_cli_times=()
for _ in $(seq 5); do
  t_start=$(now)
  (cd "$root" && Rscript -e 'library(survival); print(survfit(Surv(time,status)~x, data=read.csv("Datasets/aml.csv")))') >"$logs/cli.R.txt" 2>&1
  r_cli_times+=("$(since "$t_start")")
done
cli_t=$(echo "${cli_times[*]}" | med)
r_cli_t=$(echo "${r_cli_times[*]}" | med)
echo "   osstats km ${cli_t} s; Rscript ${r_cli_t} s"

# ---- Targets of issue 5 -------------------------------------------------------------------------
mark() { awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN {
  ok = (dir == "ge") ? (v + 0 >= lim + 0) : (v + 0 < lim + 0); print ok ? "met" : "**missed**" }'; }
best_rate=$(awk -v a="$sim_os1_rate" -v b="$sim_os_rate" 'BEGIN { print (a > b) ? a : b }')
targets=$(cat <<EOF
| target | osstats measured | R measured | lifelines measured | status |
|---|---|---|---|---|
| simulated 73-patient trials: osstats ≥ 100,000/s (R ~200/s, lifelines ~30/s) | $(group "$sim_os_rate")/s default threads ($(nproc) cores); $(group "$sim_os1_rate")/s \`--threads 1\` | $(fmt_rate "$sim_r_rate")/s | $(fmt_rate "$sim_py_rate")/s | $(mark "$best_rate" 100000 ge) |
| KM + log-rank at n = 10⁶: osstats < 0.2 s (R ~6 s) | $(fmt_s "$km1e6_os_t") | $(fmt_s "$km1e6_r_t") | $(fmt_s "$km1e6_py_t") | $(mark "$km1e6_os_t" 0.2 lt) |
| Cox at n = 10⁶, p = 10: osstats < 0.5 s (R ~9 s) | $(fmt_s "$cox1e6_os_t") | $(fmt_s "$cox1e6_r_t") | see the Cox section | $(mark "$cox1e6_os_t" 0.5 lt) |
| \`osstats km Datasets/aml.csv --group x\` < 20 ms, process wall time, median of 20 (R's Rscript ~1 s, median of 5) | $(fmt_s "$cli_t") | $(fmt_s "$r_cli_t") | | $(mark "$cli_t" 0.020 lt) |
EOF
)

targets12=$(cat <<EOF
| target | measured | rpact measured | status |
|---|---|---|---|
| fixed design (73 patients; KM medians, log-rank, stratified log-rank, Cox HR): ≥ 150,000 trials/s on $(nproc) cores | $(group "$sim_os_rate")/s | | $(mark "$sim_os_rate" 150000 ge) |
| the same on one thread: ≥ 75,000 trials/s | $(group "$sim_os1_rate")/s | | $(mark "$sim_os1_rate" 75000 ge) |
| two-look group-sequential plan: ≥ 100,000 trials/s on $(nproc) cores | $(group "$plan_os_rate")/s | $(fmt_rate "$plan_r_rate")/s | $(mark "$plan_os_rate" 100000 ge) |
EOF
)
# The section of Benchmarks/input.sh (issue 11) is kept from the previous file.
input_section=""
if [ -f "$results" ]; then
  input_section=$(awk '/input benchmark: begin/ { keep = 1 } keep { print } /input benchmark: end/ { keep = 0 }' "$results")
fi

run_seconds=$(( $(date +%s) - run_start ))
cpu=$(awk -F': ' '/^model name/ { m = $2 } /^cpu family/ { f = $2 } /^model\t/ { d = $2 }
  /^$/ { exit } END { printf "%s (cpu family %s, model %s)", m, f, d }' /proc/cpuinfo)
os_name=$(. /etc/os-release && echo "$PRETTY_NAME")
swift_v=$(swift --version 2>&1 | head -1)
r_v=$(value r_version "$logs/n73.R.txt")
surv_v=$(value survival_version "$logs/n73.R.txt")
r_blas=$(value blas "$logs/n73.R.txt")
openblas_v=$(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo unknown)

{
  cat <<EOF
# Benchmark results: osstats against R survival and Python lifelines

Written by \`bash Benchmarks/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); the whole run (builds,
data, all tools, all workloads) took ${run_seconds} s. How it is measured: [README.md](README.md).
**All data are simulated** (seed $seed; the trial simulations use seed 1), except the small
\`Datasets/aml.csv\` used for the command's start-up time.

- **Analysis / fit time**: wall clock of the analysis calls alone, on data already in memory, median
  of the repeats. Kaplan–Meier + log-rank: \`KaplanMeier.curves(data)\`, \`.median()\` per curve
  and \`LogRankTest(data:)\` for osstats; \`survfit()\` + \`summary(fit)\$table\` medians +
  \`survdiff()\` for R (clock: \`proc.time()\`, 1 ms resolution); \`KaplanMeierFitter\` per group
  + \`median_survival_time_\` + \`logrank_test\` for lifelines (\`time.perf_counter\`). Cox:
  \`CoxModel(data:)\` for osstats; \`coxph(Surv(time, status) ~ ., ties = "efron")\` for R (which also builds the model
  frame, applies timefix, scans for 0/1 columns, computes the concordance and residuals);
  \`CoxPHFitter().fit()\` (Efron) for lifelines.
- **Peak memory**: maximum resident set size of the tool's whole process (\`/usr/bin/time -v\`):
  start-up, reading the CSV and all repeats. R with survival loaded already holds about 200 MiB.
- Each tool runs in its own process, one after the other, with \`OPENBLAS_NUM_THREADS=1\`.

## Machine

| | |
|---|---|
| CPU | $cpu, $(nproc) cores available (\`nproc\`) |
| Memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |
| OS | $os_name, Linux $(uname -r) |
| Swift | $swift_v, \`swift build -c release\` |
| R | $r_v, survival $surv_v |
| Python | $(python3 --version 2>&1), lifelines $(python3 -c 'import lifelines; print(lifelines.__version__)'), pandas $(python3 -c 'import pandas; print(pandas.__version__)'), numpy $(python3 -c 'import numpy; print(numpy.__version__)') |
| BLAS | OpenBLAS $openblas_v (Debian, pthread build) for both; R's BLAS is \`$r_blas\`; \`OPENBLAS_NUM_THREADS=1\` for both |

## Kaplan–Meier + log-rank (two groups)

Simulated two-arm data: arm A or B with probability ½, exponential survival with median 6 (A)
and hazard ratio 0.7 (B), exponential censoring (rate 0.05), times rounded to 3 decimals.
EOF
  for s in "${km_sections[@]}"; do
    printf '\n%s\n' "$s"
  done
  printf '\n## Cox model\n'
  for s in "${sections[@]}"; do
    printf '\n%s\n' "$s"
  done
  printf '\n## Simulated trials per second\n\n%s\n' "$sim_section"
  printf '\n## Simulated monitoring plans per second (issue 12)\n\n%s\n' "$plan_section"
  cat <<EOF

## Start-up: \`osstats km\` on a small file

\`osstats km Datasets/aml.csv --group x\` (23 patients), process wall time: median **$(fmt_s "$cli_t")**
of 20 runs (min–max $(fmt_s "$(echo "${cli_times[*]}" | tr ' ' '\n' | sort -g | head -1)")–$(fmt_s "$(echo "${cli_times[*]}" | tr ' ' '\n' | sort -g | tail -1)")).
\`Rscript -e 'library(survival); print(survfit(Surv(time,status)~x, data=read.csv("Datasets/aml.csv")))'\`:
median **$(fmt_s "$r_cli_t")** of 5 runs. Ratio $(ratio "$r_cli_t" "$cli_t").

## Targets from issue 5

$targets

## Targets from issue 12

$targets12
EOF
  if [ -n "$input_section" ]; then printf '\n%s\n' "$input_section"; fi
} >"$results"

echo "== wrote $results (${run_seconds} s)"
