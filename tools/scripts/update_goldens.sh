#!/usr/bin/env bash
# Regenerates the golden summaries the tests pin (test/golden/*.txt). Review the diff after.
set -euo pipefail
cd "$(dirname "$0")/../.."
for name in leader-crash minority-partition; do
  ./build/release/tools/zabsim run "scenarios/$name.json" > "test/golden/$name.txt" || true
done
git diff --stat -- test/golden
