#!/bin/sh
# Runs the container command of tools/fuzz/k8s/fuzz-job.yaml as the Indexed Job would, once per
# completion index, without a cluster: the command is read from the manifest itself (so an edit
# there is what gets tested), /results is a temporary directory and zabsim is first on PATH.
# The merged shards must equal the unsharded campaign's summary.json byte for byte.
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
  PATH="$work/bin:$PATH" RUNS=120 SHARDS=4 SEED=7 JOB_COMPLETION_INDEX=$index sh -c "$script" >/dev/null
done
"$zabsim" merge "$work"/results/shard-* -o "$work/merged" >/dev/null
"$zabsim" fuzz --runs 120 --seed 7 --jobs 1 --out "$work/whole" --quiet >/dev/null || [ $? -eq 1 ]
cmp "$work/merged/summary.json" "$work/whole/summary.json"
echo "4 shards through the manifest's command merge to the unsharded summary"
