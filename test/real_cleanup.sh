#!/usr/bin/env bash
# `zabsim real` leaves no server behind: killed outright (SIGKILL: no chance to clean up, the
# servers' parent-death signal does it) or interrupted (SIGINT, as Ctrl-C), every JVM it
# started is gone within a few seconds.
#   bash test/real_cleanup.sh ZABSIM SCENARIO
set -euo pipefail
zabsim="$1"
scenario="$2"
work="$(mktemp -d)"
trap 'pkill -9 -f "$work/" || true; rm -rf "$work"' EXIT
for sig in KILL INT; do
  "$zabsim" real "$scenario" --out "$work/$sig" > "$work/$sig.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    [ "$(pgrep -f -c "$work/$sig/s" || true)" -ge 3 ] && break
    sleep 0.1
  done
  started="$(pgrep -f -c "$work/$sig/s" || true)"
  if [ "$started" -lt 3 ]; then
    echo "SIG$sig: only $started of 3 servers started"
    cat "$work/$sig.log"
    exit 1
  fi
  kill "-$sig" "$pid"
  wait "$pid" || true
  for _ in $(seq 1 50); do
    pgrep -f "$work/$sig/" > /dev/null || break
    sleep 0.1
  done
  if pgrep -f "$work/$sig/" > /dev/null; then
    echo "SIG$sig: servers left behind:"
    pgrep -af "$work/$sig/"
    exit 1
  fi
  echo "SIG$sig: $started servers started, none left"
done
