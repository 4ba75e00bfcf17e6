#!/usr/bin/env bash
# The Cox benchmark of issue 4: osstats against R survival's coxph, in one run, on the same data.
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

# Workloads: name, n, p, osstats repeats, R repeats.
workloads=(
  "n73 73 3 1001 101"
  "n1e4 10000 10 101 21"
  "n1e6 1000000 10 5 5"
)

# One BLAS thread for both tools (R here links Debian's OpenBLAS, pthread build).
export OPENBLAS_NUM_THREADS=1

run_start=$(date +%s)
for tool in swift Rscript /usr/bin/time awk sha256sum; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
Rscript -e 'suppressPackageStartupMessages(library(survival))' ||
  { echo "run.sh: R package survival is required" >&2; exit 1; }

mkdir -p "$data" "$logs"
echo "== building osstats-bench (release)"
(cd "$here" && swift build -c release) >"$logs/build.log" 2>&1 ||
  { tail -30 "$logs/build.log" >&2; exit 1; }

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

sections=()
for w in "${workloads[@]}"; do
  read -r name n p swift_reps r_reps <<<"$w"
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

  os="$logs/$name.osstats.txt"
  rr="$logs/$name.R.txt"
  os_t=$(value fit_median_seconds "$os")
  r_t=$(value fit_median_seconds "$rr")
  r_engine_t=$(value engine_fit_median_seconds "$rr")
  os_m=$(peak_kib "$logs/$name.osstats.time")
  r_m=$(peak_kib "$logs/$name.R.time")
  # Coefficient agreement: max |b_os - b_R| / |b_R|, and max |b_os - b_R| / se_R.
  agreement=$(awk '
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
    }' "$os" "$rr")
  read -r maxrel maxse ncoef <<<"$agreement"
  ll_os=$(value loglik "$os" 3)
  ll_r=$(value loglik "$rr" 3)
  lldiff=$(awk -v a="$ll_os" -v b="$ll_r" 'BEGIN { d = a - b; if (d < 0) d = -d;
    r = b < 0 ? -b : b; rel = (r > 0) ? d / r : d; printf "%.2e (relative %.1e)", d, rel }')
  agree_ok=$(awk -v m="$maxrel" 'BEGIN { ok = (m + 0 <= 1e-6) ? "yes" : "NO"; print ok }')
  echo "   osstats ${os_t} s, ${os_m} KiB; R ${r_t} s, ${r_m} KiB; coefficients max rel. diff ${maxrel}"

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

| | osstats | R coxph | R / osstats |
|---|---|---|---|
| median fit time | $(fmt_s "$os_t") | $(fmt_s "$r_t") | **$(ratio "$r_t" "$os_t")** |
| repeats: count, min–max | $swift_reps, $(spread fit_seconds "$os") | $r_reps, $(spread fit_seconds "$rr") | |
| process peak memory (max RSS) | $(fmt_mib "$os_m") | $(fmt_mib "$r_m") | **$(ratio "$r_m" "$os_m")** |
| for reference: R's engine alone, \`coxph.fit()\` | | $(fmt_s "$r_engine_t") | $(ratio "$r_engine_t" "$os_t") |
| reading the CSV (not in the fit time) | $(fmt_s "$(value read_seconds "$os")") | $(fmt_s "$(value read_seconds "$rr")") | |
| peak RSS after reading, before fitting | $(fmt_mib "$(value peak_rss_after_read_kib "$os")") | $(fmt_mib "$(value peak_rss_after_read_kib "$rr")") | |
| Newton–Raphson iterations | $(value iterations "$os") | $(value iterations "$rr") | |

Agreement: the $ncoef coefficients differ by at most **$maxrel relative** ($maxse standard
errors); log partial likelihoods at the estimate differ by $lldiff. Within 1e-6: $agree_ok.
EOF
)
  if [ "$name" = n1e6 ]; then
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
# Benchmark results: Cox model, osstats against R survival

Written by \`bash Benchmarks/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); the whole run (build,
data, both tools, all workloads) took ${run_seconds} s. How it is measured: [README.md](README.md).
The data are simulated (seed $seed).

- **Fit time**: wall clock of the fit call alone, median of the repeats: \`CoxModel(data:)\` for
  osstats; \`coxph(Surv(time, status) ~ ., ties = "efron")\` for R (which also builds the model
  frame, applies timefix, scans for 0/1 columns, computes the concordance and residuals).
- **Peak memory**: maximum resident set size of the tool's whole process (\`/usr/bin/time -v\`):
  start-up, reading the CSV and all repeats. R with survival loaded already holds about 200 MiB.

## Machine

| | |
|---|---|
| CPU | $cpu, $(nproc) cores available (\`nproc\`) |
| Memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |
| OS | $os_name, Linux $(uname -r) |
| Swift | $swift_v, \`swift build -c release\` |
| R | $r_v, survival $surv_v |
| BLAS | OpenBLAS $openblas_v (Debian, pthread build) for both; R's BLAS is \`$r_blas\`; \`OPENBLAS_NUM_THREADS=1\` for both |

## Results
EOF
  for s in "${sections[@]}"; do
    printf '\n%s\n' "$s"
  done
} >"$results"

echo "== wrote $results (${run_seconds} s)"
