#!/usr/bin/env bash
# Determinism across builds: every scenario in scenarios/ and scenarios/regressions/, with two seeds, must give the same
# trace hash under every build given (e.g. release -O2 g++, debug -O0, asan, clang++).
#   bash tools/scripts/determinism_check.sh build/release build/debug build/asan build/clang
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR BUILD_DIR [BUILD_DIR...]" >&2; exit 2; }
failures=0
checked=0
for scenario in scenarios/*.json scenarios/regressions/*.json; do
  case "$scenario" in *.schema.json) continue ;; esac
  for seed in 1 2; do
    reference=""
    for build in "$@"; do
      # The verdict's exit code does not matter here (some scenarios expect violations).
      hash=$({ "$build/tools/zabsim" run "$scenario" --seed "$seed" || true; } | tail -n 1)
      if [ -z "$reference" ]; then
        reference="$hash"
      elif [ "$hash" != "$reference" ]; then
        echo "MISMATCH $scenario seed $seed: $1 gives '$reference', $build gives '$hash'"
        failures=$((failures + 1))
      fi
    done
    checked=$((checked + 1))
  done
done
echo "determinism: $checked scenario runs compared across $# builds, $failures mismatches"
[ "$failures" -eq 0 ]
