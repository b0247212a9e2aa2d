#!/usr/bin/env bash
# zabsim check against Porcupine on Porcupine's own test histories, back to back on one core:
# the 102 etcd logs (test_data/jepsen) and the 6 partitioned kv histories (test_data/kv).
#
#   [BENCH_REPEAT=5] bash tools/bench/bench_porcupine.sh [PORCUPINE_DIR] [ZABSIM]
#
# PORCUPINE_DIR is a checkout of github.com/anishathalye/porcupine (default: cloned into a
# temporary directory); ZABSIM defaults to build/release/tools/zabsim. Porcupine runs through
# its own Go benchmarks, BENCH_REPEAT iterations each (-benchtime=5x, GOMAXPROCS=1: its check
# time, parsing excluded), built with Debian's golang-go when `go` is present; without it only
# zabsim runs. zabsim checks each group in one process (`zabsim check FILE...`, default
# settings, each file BENCH_REPEAT times in a row) and its mean check time is compared, its
# reading time shown beside. Prints one line per history —
# both verdicts and times — and the totals;
# exits 1 if a verdict differs from Porcupine's expected one. Nothing of Porcupine's is copied
# into this repository: its data is read where it is.
set -euo pipefail

cd "$(dirname "$0")/../.."
zabsim="$(realpath "${2:-build/release/tools/zabsim}")"
[ -x "$zabsim" ] || { echo "bench_porcupine: no zabsim at $zabsim (build it first)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
porcupine="${1:-}"
if [ -z "$porcupine" ]; then
  porcupine="$work/porcupine"
  git clone -q --depth 1 https://github.com/anishathalye/porcupine "$porcupine"
fi
porcupine="$(realpath "$porcupine")"
[ -f "$porcupine/porcupine_test.go" ] || { echo "bench_porcupine: $porcupine is not a Porcupine checkout" >&2; exit 2; }

# The expected verdicts, as Porcupine's tests state them: "etcd_NNN true|false".
grep -o 'checkJepsen(t, [0-9]*, [a-z]*)' "$porcupine/porcupine_test.go" |
  sed 's/checkJepsen(t, \([0-9]*\), \([a-z]*\))/\1 \2/' | awk '{printf "etcd_%03d %s\n", $1, $2}' > "$work/expected"
for kv in "c01-ok 1ClientOk true" "c01-bad 1ClientBad false" "c10-ok 10ClientsOk true" "c10-bad 10ClientsBad false" \
          "c50-ok 50ClientsOk true" "c50-bad 50ClientsBad false"; do
  set -- $kv
  echo "$1 $3" >> "$work/expected"
done

# Each history is checked REPEAT times back to back on both sides (Go's -benchtime=Nx; the file
# named N times in a row for zabsim) and the mean compared: a single run of a history checked in
# 50 microseconds moved by 3x with one preemption or page fault, on either side.
repeat="${BENCH_REPEAT:-5}"

# Porcupine: "NAME ns" per history (the mean of its iterations).
if command -v go >/dev/null 2>&1; then
  (cd "$porcupine" && GOMAXPROCS=1 GOFLAGS=-mod=mod go test -run '^$' -count=1 -benchtime=${repeat}x \
     -bench '^(BenchmarkEtcdJepsen[0-9]+|BenchmarkKv(1|10|50)Clients?(Ok|Bad))$' .) > "$work/go.out"
  awk '/^Benchmark/ {
         name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
         if (name ~ /^EtcdJepsen/) { sub(/^EtcdJepsen/, "", name); name = "etcd_" name }
         else { sub(/^Kv/, "", name); map["1ClientOk"]="c01-ok"; map["1ClientBad"]="c01-bad"; map["10ClientsOk"]="c10-ok";
                map["10ClientsBad"]="c10-bad"; map["50ClientsOk"]="c50-ok"; map["50ClientsBad"]="c50-bad"; name = map[name] }
         for (i = 2; i <= NF; i++) if ($(i + 1) == "ns/op") print name, $i
       }' "$work/go.out" > "$work/porcupine"
else
  echo "bench_porcupine: no Go toolchain (apt-get install golang-go): zabsim only" >&2
  : > "$work/porcupine"
fi

# zabsim: one process per group; "NAME verdict seconds" per history.
etcd_files=$(awk '/^etcd_/ {for (i = 0; i < r; i++) printf "%s/test_data/jepsen/%s.log ", dir, $1}' r="$repeat" dir="$porcupine" "$work/expected")
kv_files=$(awk '/^c[0-9]/ {for (i = 0; i < r; i++) printf "%s/test_data/kv/%s.txt ", dir, $1}' r="$repeat" dir="$porcupine" "$work/expected")
set +e
# shellcheck disable=SC2086
"$zabsim" check $etcd_files --format jepsen-log --model register --consistency linearizable > "$work/zabsim.out"
# shellcheck disable=SC2086
"$zabsim" check $kv_files --format jepsen-edn --model kv --initial '' --consistency linearizable >> "$work/zabsim.out"
set -e
# "FILE: VERDICT (N operations, T s: read R s, check C s)" -> "NAME VERDICT C R", the times the
# mean of the repeats; a verdict that differs between repeats shows as "unstable".
awk '/ check [0-9.]+ s\)$/ {
       name = $1; sub(/:$/, "", name); n = split(name, parts, "/"); name = parts[n]; sub(/\.(log|txt)$/, "", name)
       if (!(name in runs)) order[++count] = name
       if ((name in verdict) && verdict[name] != $2) verdict[name] = "unstable"; else if (!(name in verdict)) verdict[name] = $2
       runs[name]++; c[name] += $(NF - 1); r[name] += $(NF - 4) }
     END { for (i = 1; i <= count; i++) { h = order[i]; print h, verdict[h], c[h] / runs[h], r[h] / runs[h] } }' \
  "$work/zabsim.out" > "$work/zabsim"

awk 'FILENAME == ARGV[1] { expected[$1] = ($2 == "true") ? "ok" : "violation"; order[++n] = $1; next }
     FILENAME == ARGV[2] { pns[$1] = $2; next }
     { verdict[$1] = $2; zs[$1] = $3; zr[$1] = $4 }
     END {
       printf "%-10s %-10s %-10s %12s %12s %8s %9s\n", "history", "expected", "zabsim", "porcupine ms", "zabsim ms", "ratio", "+read ms"
       bad = 0; slower = 0; tp = 0; tz = 0; tr = 0
       for (i = 1; i <= n; i++) {
         h = order[i]; p = (h in pns) ? (pns[h] / 1e6) : -1; z = zs[h] * 1000
         if (verdict[h] != expected[h]) bad++
         ratio = (p > 0) ? sprintf("%.2f", z / p) : "-"
         if (p > 0 && z > 2 * p) slower++
         if (p > 0) tp += p
         tz += z; tr += zr[h] * 1000
         ptext = (p >= 0) ? sprintf("%.2f", p) : "-"
         printf "%-10s %-10s %-10s %12s %12.2f %8s %9.2f\n", h, expected[h], verdict[h], ptext, z, ratio, zr[h] * 1000
       }
       printf "\n%d histories; verdicts differing from Porcupine'"'"'s: %d\n", n, bad
       if (tp > 0) printf "total check time: porcupine %.1f ms, zabsim %.1f ms (%.2fx); histories where zabsim took more than 2x: %d\n", tp, tz, tz / tp, slower
       else printf "total check time: zabsim %.1f ms\n", tz
       printf "zabsim also spent %.1f ms reading the files (Porcupine'"'"'s benchmarks exclude parsing)\n", tr
       exit (bad > 0) ? 1 : 0
     }' "$work/expected" "$work/porcupine" "$work/zabsim"
