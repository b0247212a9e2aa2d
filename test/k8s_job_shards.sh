#!/bin/sh
# Runs the container command of tools/fuzz/k8s/fuzz-job.yaml as the Indexed Job would, once per
# completion index, without a cluster: the command is read from the manifest itself (so an edit
# there is what gets tested), /results is a temporary directory and zabsim is first on PATH.
# The shards are steered and share their corpora through /results/corpus; run one after another
# here, each later shard imports the earlier shards' schedules at its batch boundaries. The merge
# must account for every run, and its coverage is the union of the shards'.
# Usage: k8s_job_shards.sh ZABSIM MANIFEST WORKDIR
set -eu
zabsim=$1 manifest=$2 work=$3
rm -rf "$work" && mkdir -p "$work/bin" "$work/results"
ln -s "$zabsim" "$work/bin/zabsim"
# The folded scalar after "args: - >-" up to "resources:", joined into one line.
script=$(sed -n '/^ *- >-$/,/^ *resources:/p' "$manifest" | sed '1d;$d' | tr '\n' ' ')
case $script in *--shard*JOB_COMPLETION_INDEX*) ;; *) echo "no shard command found in $manifest" >&2; exit 1 ;; esac
script=$(printf '%s' "$script" | sed "s#/results/#$work/results/#g")
for index in 0 1 2 3; do
  PATH="$work/bin:$PATH" RUNS=256 SHARDS=4 SEED=7 JOB_COMPLETION_INDEX=$index sh -c "$script" >/dev/null
done
"$zabsim" merge "$work"/results/shard-* -o "$work/merged" >/dev/null
grep -q '"runs": 256,' "$work/merged/summary.json" || { echo "the merge does not count 256 runs" >&2; exit 1; }
grep -q '"missing": 0,' "$work/merged/summary.json" || { echo "the merge misses runs" >&2; exit 1; }
for index in 0 1 2 3; do
  ls "$work/results/corpus/shard-$((index + 1))"/entry-*.json >/dev/null || { echo "shard $index shared no schedule" >&2; exit 1; }
done
# The last shard ran after the other three: at its first batch boundary it read their schedules.
imported=$(tail -1 "$work/results/shard-3/coverage.csv" | cut -d, -f4)
[ "$imported" -gt 0 ] || { echo "shard 3 imported no schedule from the others" >&2; exit 1; }
union=$(grep -o '"protocol_state_features": [0-9]*' "$work/merged/summary.json" | grep -o '[0-9]*$')
for index in 0 1 2 3; do
  mine=$(grep -o '"protocol_state_features": [0-9]*' "$work/results/shard-$index/summary.json" | grep -o '[0-9]*$')
  [ "$union" -ge "$mine" ] || { echo "the union of coverage ($union) is below shard $index's ($mine)" >&2; exit 1; }
done
echo "4 steered shards through the manifest's command shared corpora ($imported schedules imported by the last) and merged: $union features"
