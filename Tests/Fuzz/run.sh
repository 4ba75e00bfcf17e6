#!/usr/bin/env bash
# Coverage-guided fuzzing of osstats' parsers with libFuzzer (issue 14, point 7).
#
#   bash Tests/Fuzz/run.sh            every target for 10^6 executions; writes Tests/Fuzz/RESULTS.md
#   bash Tests/Fuzz/run.sh --smoke    every target for 20 s (CI); fails on a crash or a hang
#
# Targets (Sources/): fuzz-input (CSV, TSV, XPT and SAS7BDAT bytes through SurvivalDataLoader,
# with four column mappings and a row filter chosen by the first byte) and fuzz-design (design
# files through DesignFile.parse). Built in release with -sanitize=fuzzer on the Swift code, in
# this folder's own .build, so that the main package's build is never instrumented. A crash or
# a hang (over 10 s on one input) leaves its input here as crash-* / timeout-* and fails the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
smoke=0; [ "${1:-}" = "--smoke" ] && smoke=1
runs=1000000
echo "== building the fuzz targets (release, -sanitize=fuzzer)"
if ! swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >"$here/.build-log.txt" 2>&1; then
  tail -30 "$here/.build-log.txt" >&2
  # In CI's smoke run a toolchain without libFuzzer is reported, not a failure of the project.
  if [ $smoke = 1 ]; then echo "fuzz smoke run skipped: the fuzz targets did not build (above)" >&2; exit 0; fi
  exit 1
fi
bin="$(swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld --show-bin-path)"
status=0
rows=()
for target in fuzz-input fuzz-design; do
  seeds=csv; [ "$target" = fuzz-design ] && seeds=design
  corpus="$here/corpus/$target"; rm -rf "$corpus"; mkdir -p "$corpus"
  cp "$here"/seeds/$seeds/* "$corpus"/
  [ "$target" = fuzz-input ] && cp "$here"/seeds/sas/* "$corpus"/
  log="$here/corpus/$target.log"
  limit=(-runs=$runs); [ $smoke = 1 ] && limit=(-max_total_time=20)
  echo "== $target ${limit[*]}"
  set +e
  nice "$bin/$target" "$corpus" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$here/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  crashes=$(grep -c -E '^==[0-9]+== ERROR|deadly signal|Fatal error' "$log" || true)
  hangs=$(grep -c 'ALARM: working on the last Unit' "$log" || true)
  echo "   exit $rc, $execs executions, $cov, crashes $crashes, hangs $hangs"
  rows+=("| $target | ${execs:-0} | ${cov:-} | $crashes | $hangs |")
  if [ $rc -ne 0 ] || [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then status=1; tail -40 "$log" >&2; fi
done
if [ $smoke = 0 ]; then
  {
    echo "# Fuzzing results"
    echo
    echo "Written by \`bash Tests/Fuzz/run.sh\` on $(date -u +%Y-%m-%d), commit $(git -C "$here" rev-parse --short HEAD),"
    echo "$(swift --version 2>&1 | head -1); libFuzzer, -timeout=10 s per input, -rss_limit_mb=2048, seeds in seeds/."
    echo
    echo "| target | executions | coverage (cov / ft) | crashes | hangs |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Crashes and hangs count libFuzzer's error reports and its \"ALARM: working on the last Unit\" timeouts in each target's log."
  } >"$here/RESULTS.md"
fi
exit $status
