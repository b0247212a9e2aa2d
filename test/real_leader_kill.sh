#!/usr/bin/env bash
# The short real case: scenarios/real/leader-kill-3.json on a real 3-server ensemble. The
# servers elect s3, it is established in epoch 1; after s3 is killed the other two establish
# epoch 2 within initLimit x tickTime; a probe write commits after the start and after the
# kill; the three clients' operations mostly succeed and their history passes the
# ZooKeeper-consistency checker; the output says the run is not replayable.
#   bash test/real_leader_kill.sh ZABSIM SCENARIO
set -euo pipefail
out="$("$1" real "$2")"
echo "$out"
grep -q "s3 established as leader of epoch 1" <<< "$out"
crash="$(grep "FAULT crash s3" <<< "$out" | awk '{print $1}')"
established="$(grep -E "s[12] established as leader of epoch 2" <<< "$out" | head -1 | awk '{print $1}')"
[ -n "$crash" ] && [ -n "$established" ] || { echo "no new leader after the kill"; exit 1; }
after=$((established - crash))
echo "new leader established ${after} ms after the kill"
[ "$after" -gt 0 ] && [ "$after" -lt 20000 ]
# The probe, ZooKeeper's client protocol from zabsim, commits a write after the start and after the kill.
grep -q "probe: first write after the start committed through s" <<< "$out"
grep -q "probe: first write after crash s3 committed through s[12]" <<< "$out"
# The clients: more than 100 operations answered ok (of 450; others fail with ZooKeeper errors
# such as NONODE, or are indeterminate across the kill), and the
# history judged as a simulated run's.
ok="$(grep -o "^clients: [0-9]* operations ([0-9]* ok" <<< "$out" | awk '{print $4}' | tr -d '(')"
[ -n "$ok" ] && [ "$ok" -gt 100 ] || { echo "too few client operations succeeded: ${ok:-none}"; exit 1; }
grep -q "^  zk-consistency      pass" <<< "$out"
grep -q "^not replayable: a real run on this machine" <<< "$out"
