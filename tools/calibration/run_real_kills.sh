#!/usr/bin/env bash
# Collects calibration data for the simulated servers' step costs (sim/step_costs.h): runs the
# leader-kill scenarios of tools/calibration/ on a real ZooKeeper 3.8 ensemble here, N times
# each, one after another, and keeps every server's log (zabsim real --out). Then
# tools/calibration/step_costs_from_logs.py reads the logs. Run it on an otherwise idle machine:
# the figures are wall-clock times of real JVMs.
#
# usage: tools/calibration/run_real_kills.sh ZABSIM OUT_DIR [N]
set -euo pipefail
zabsim=$1
out=$2
n=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
for k in $(seq 1 "$n"); do
  for servers in 3 5; do
    dir="$out/kill-$servers-$k"
    rm -rf "$dir"
    "$zabsim" real "$here/leader-kill-$servers.json" --out "$dir" > "$dir.txt" 2>&1 || true
    echo "$dir: $(grep -c . "$dir.txt") lines of output"
  done
done
