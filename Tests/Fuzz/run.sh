#!/usr/bin/env bash
# Coverage-guided fuzzing of osstats' parsers with libFuzzer and AddressSanitizer (issue 14, point 7).
#
#   bash Tests/Fuzz/run.sh            every target for 10^6 executions; writes Tests/Fuzz/RESULTS.md
#   bash Tests/Fuzz/run.sh --smoke    every target for 20 s (CI); fails on a crash or a hang
#
# Targets (Sources/): fuzz-input (CSV, TSV, XPT and SAS7BDAT bytes through SurvivalDataLoader,
# with four column mappings and a row filter chosen by the first byte), fuzz-design (design
# files through DesignFile.parse) and fuzz-options (command lines through every subcommand's
# option parsing and validation, OSStats.parseAsRoot as the binary calls it, then the commands'
# option-to-model code; Sources/OSStatsCommands is a link to the main package's Sources/osstats).
# Built in release with -sanitize=fuzzer,address on the Swift code (-sanitize=fuzzer alone if the
# toolchain has no AddressSanitizer), in this folder's own .build, so that the main package's build
# is never instrumented. A crash, a memory error or a hang (over 10 s on one input) leaves its input
# here as crash-* / timeout-* and fails the run.
#
# The full run splits each target's 10^6 executions over FUZZ_WORKERS processes (default: the
# number of cores) that share one corpus (libFuzzer reloads it every second); the smoke run uses
# one process per target. Reproduce a crash with full stacks:
#   ASAN_OPTIONS= .build/x86_64-unknown-linux-gnu/release/fuzz-options crash-...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
smoke=0; [ "${1:-}" = "--smoke" ] && smoke=1
runs=1000000
workers=${FUZZ_WORKERS:-$(nproc)}; [ $smoke = 1 ] && workers=1
[ "$workers" -ge 1 ] 2>/dev/null || workers=1
# Swift's own crash backtracer would catch the signal before libFuzzer and ASan (and, under ASan,
# report its own memory reads); no allocation stacks in ASan reports (a third of the time of the
# option target, which allocates much) and no leak checks (the Swift runtime's caches look like
# leaks): a crash input is reproduced with full stacks as above.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS-malloc_context_size=0:detect_leaks=0}"
link=(-Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
build() { swift build -c release -Xswiftc "-sanitize=$1" "${link[@]}" "${@:2}"; }
sanitizers=fuzzer,address
echo "== building the fuzz targets (release, -sanitize=$sanitizers)"
if ! build $sanitizers >"$here/.build-log.txt" 2>&1; then
  tail -30 "$here/.build-log.txt" >&2
  sanitizers=fuzzer
  echo "== AddressSanitizer did not build (above); building with -sanitize=$sanitizers" >&2
  if ! build $sanitizers >"$here/.build-log.txt" 2>&1; then
    tail -30 "$here/.build-log.txt" >&2
    # In CI's smoke run a toolchain without libFuzzer is reported, not a failure of the project.
    if [ $smoke = 1 ]; then echo "fuzz smoke run skipped: the fuzz targets did not build (above)" >&2; exit 0; fi
    exit 1
  fi
fi
bin="$(build $sanitizers --show-bin-path)"
status=0
rows=()
for target in fuzz-input fuzz-design fuzz-options; do
  corpus="$here/corpus/$target"; rm -rf "$corpus"; mkdir -p "$corpus"
  case $target in
    fuzz-input) cp "$here"/seeds/csv/* "$here"/seeds/sas/* "$corpus"/; maxlen=65536 ;;
    fuzz-design) cp "$here"/seeds/design/* "$corpus"/; maxlen=65536 ;;
    fuzz-options) cp "$here"/seeds/options/* "$corpus"/; maxlen=4096 ;;
  esac
  limit=(-runs=$(((runs + workers - 1) / workers))); [ $smoke = 1 ] && limit=(-max_total_time=20)
  echo "== $target ${limit[*]} x $workers process(es)"
  pids=()
  for w in $(seq 1 "$workers"); do
    nice "$bin/$target" "$corpus" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
      -artifact_prefix="$here/" -print_final_stats=1 >"$here/corpus/$target.$w.log" 2>&1 &
    pids+=($!)
  done
  rc=0
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  logs=("$here/corpus/$target".*.log)
  execs=$(awk '/stat::number_of_executed_units/ { n[FILENAME] = $2 } END { s = 0; for (f in n) s += n[f]; print s }' "${logs[@]}")
  # Coverage: the largest any process reached (they share the corpus).
  cov=$(for l in "${logs[@]}"; do grep -oE 'cov: [0-9]+ ft: [0-9]+' "$l" | tail -1; done | sort -t' ' -k2,2n | tail -1)
  crashes=$(cat "${logs[@]}" | grep -c -E '^==[0-9]+== ?ERROR|deadly signal|Fatal error' || true)
  hangs=$(cat "${logs[@]}" | grep -c 'ALARM: working on the last Unit' || true)
  echo "   exit $rc, $execs executions, $cov, crashes $crashes, hangs $hangs"
  rows+=("| $target | ${execs:-0} | $workers | ${cov:-} | $crashes | $hangs |")
  if [ $rc -ne 0 ] || [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then status=1; for l in "${logs[@]}"; do tail -40 "$l" >&2; done; fi
done
if [ $smoke = 0 ]; then
  {
    echo "# Fuzzing results"
    echo
    echo "Written by \`bash Tests/Fuzz/run.sh\` on $(date -u +%Y-%m-%d), commit $(git -C "$here" rev-parse --short HEAD),"
    echo "$(swift --version 2>&1 | head -1); libFuzzer with -sanitize=$sanitizers, -timeout=10 s per input, -rss_limit_mb=2048,"
    echo "ASAN_OPTIONS=$ASAN_OPTIONS, seeds in seeds/."
    echo
    echo "| target | executions | processes | coverage (cov / ft) | crashes | hangs |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Executions are summed over a target's processes, which share one corpus; coverage is the largest one reached."
    echo "Crashes and hangs count libFuzzer's and AddressSanitizer's error reports and its \"ALARM: working on the last Unit\" timeouts in each target's logs."
  } >"$here/RESULTS.md"
fi
exit $status
