#!/usr/bin/env bash
# Builds the libFuzzer harnesses (preset `fuzzers`: clang++, libFuzzer, ASan, UBSan) and runs
# each for a bounded time or number of executions, from seed corpora made of what the project
# already has (scenarios/, test/data, test/fuzzers/corpus). Fails if any harness crashes, trips
# a sanitizer, times out or leaks; the input that did it is left in build/fuzzers/artifacts.
#
#   bash tools/scripts/run_fuzzers.sh 20            # 20 seconds per harness (CI)
#   bash tools/scripts/run_fuzzers.sh runs 1000000  # 1,000,000 executions per harness (README figures)
set -euo pipefail
cd "$(dirname "$0")/../.."

mode=seconds
amount=${1:-20}
if [ "${1:-}" = "runs" ]; then
  mode=runs
  amount=${2:?usage: run_fuzzers.sh SECONDS | run_fuzzers.sh runs N}
fi
case "$amount" in
  ''|*[!0-9]*) echo "run_fuzzers.sh: '$amount' is not a whole number" >&2; exit 2 ;;
esac

cmake --preset fuzzers >/dev/null
cmake --build --preset fuzzers -j "$(nproc)"

work=build/fuzzers/work
artifacts=build/fuzzers/artifacts
mkdir -p "$artifacts"
seeds() {  # harness -> the directories its seed corpus is copied from
  case "$1" in
    scenario) echo scenarios scenarios/bugs test/data test/data/bad_input ;;
    history) echo test/data/check test/data/bad_input test/fuzzers/corpus/history ;;
    record) echo test/fuzzers/corpus/record test/data test/data/bad_input ;;
    study_spec) echo scenarios/studies test/data test/data/bad_input ;;
  esac
}
status=0
for h in scenario history record study_spec; do
  corpus=$work/corpus-$h
  mkdir -p "$corpus"
  for d in $(seeds "$h") test/fuzzers/crashes/$h; do
    [ -d "$d" ] || continue
    find "$d" -maxdepth 1 -type f \( -name '*.json' -o -name '*.jsonl' \) -exec cp {} "$corpus/" \;
  done
  if [ "$mode" = runs ]; then
    limit=(-runs="$amount")
  else
    limit=(-max_total_time="$amount")
  fi
  echo "== fuzz_$h: ${limit[*]} =="
  start=$(date +%s.%N)
  # -timeout: one input over 10 s is a hang; -rss_limit_mb: over 2 GB is unbounded memory.
  if ! build/fuzzers/test/fuzzers/fuzz_$h "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$h-" "$corpus" 2>"$work/$h.log"; then
    status=1
    echo "fuzz_$h FAILED: see $work/$h.log and $artifacts/" >&2
  fi
  end=$(date +%s.%N)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$h.log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$artifacts" -name "$h-*" | wc -l)
  awk -v h="$h" -v r="$runs" -v s="$start" -v e="$end" -v c="$crashes" \
    'BEGIN { t = e - s; printf "fuzz_%s: %d executions in %.0f s (%.0f exec/s), %d crash/timeout/leak inputs\n", h, r, t, r / t, c }'
done
exit $status
