#!/usr/bin/env python3
"""Step-cost samples for sim/step_costs.h from real ZooKeeper 3.8 servers' logs.

Reads the server.log of every server under each run directory that
tools/calibration/run_real_kills.sh kept (zabsim real --out DIR), and measures, from the log's
millisecond timestamps, after the leader's kill (the first "Exception when following the
leader" of the run; the JVMs are warm by then):

  role_exit_us      "Exception when following the leader" .. the next "PeerState set to LOOKING"
                    of the same server (Follower.shutdown: the request processors stopped and joined)
  leader_start_us   "LEADING" .. "LEADING - LEADER ELECTION TOOK" (makeLeader: the Leader binds)
  follower_start_us "FOLLOWING" .. the first connection attempt's line of a LeaderConnector (only
                    a refused attempt is logged, "Unexpected exception, tries=0"; on loopback a
                    refusal comes back at once, so its time is the attempt's)

and prints them per cluster size, as a study spec's "by_servers" (for each number of servers,
the scenario key cluster.step_costs), plus a summary on stderr: with several JVMs per core the
costs grow with the cluster. The log's resolution is 1 ms, so every sample is a multiple of
1000 us.

With --evidence FILE it also writes, for every sample, the two log lines it was measured
between (run directory, server), so the data can be checked without the logs.

usage: tools/calibration/step_costs_from_logs.py [--evidence FILE] RUN_DIR... > by_servers.json
"""
import datetime
import json
import pathlib
import re
import statistics
import sys

STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")


def stamp_ms(line):
    m = STAMP.match(line)
    if not m:
        return None
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    return int(t.timestamp()) * 1000 + int(m.group(2))


def server_lines(log):
    out = []
    for line in log.read_text(errors="replace").splitlines():
        t = stamp_ms(line)
        if t is not None:
            out.append((t, line))
    return out


def measure(run_dir, samples, evidence):
    logs = sorted(pathlib.Path(run_dir).glob("s*/server.log"))
    per_server = {log: server_lines(log) for log in logs}
    kills = [t for lines in per_server.values() for t, l in lines if "Exception when following the leader" in l]
    if not kills:
        return False
    after = min(kills)
    for log, lines in per_server.items():
        lines = [(t, l) for t, l in lines if t >= after]
        def keep(key, first, second):
            samples[key].append((second[0] - first[0]) * 1000)
            evidence.append(f"{key} {samples[key][-1]} us  {log.parent}\n  {first[1]}\n  {second[1]}\n")
        for i, (t, l) in enumerate(lines):
            later = lines[i + 1:]
            if "Exception when following the leader" in l:
                end = next(((u, m) for u, m in later if "PeerState set to LOOKING" in m), None)
                if end is not None:
                    keep("role_exit_us", (t, l), end)
            elif l.endswith("- LEADING") or re.search(r"QuorumPeer@\d+\] - LEADING$", l):
                end = next(((u, m) for u, m in later if "LEADING - LEADER ELECTION TOOK" in m), None)
                if end is not None:
                    keep("leader_start_us", (t, l), end)
            elif re.search(r"QuorumPeer@\d+\] - FOLLOWING$", l):
                nxt = next(((u, m) for u, m in later
                            if "LeaderConnector" in m or "Getting a diff" in m or "Getting a snapshot" in m
                            or "Truncating" in m), None)
                if nxt is not None and "Unexpected exception, tries=0" in nxt[1]:
                    keep("follower_start_us", (t, l), nxt)
    return True


def summary(key, values, label):
    if values:
        print(f"{label}{key}: n={len(values)} median={statistics.median(values) / 1000:.1f} ms "
              f"min={min(values) / 1000:.0f} max={max(values) / 1000:.0f}", file=sys.stderr)
    else:
        print(f"{label}{key}: no samples", file=sys.stderr)


def main(argv):
    args = argv[1:]
    evidence_file = None
    if args[:1] == ["--evidence"] and len(args) >= 2:
        evidence_file, args = args[1], args[2:]
    if not args:
        sys.exit(__doc__)
    keys = ("role_exit_us", "leader_start_us", "follower_start_us")
    # Samples per cluster size: on a 2-core machine, 5 JVMs contend for the CPU more than 3.
    by_size = {}
    runs = {}
    evidence = []
    for run_dir in args:
        size = len(list(pathlib.Path(run_dir).glob("s*/server.log")))
        samples = by_size.setdefault(size, {key: [] for key in keys})
        if measure(run_dir, samples, evidence):
            runs[size] = runs.get(size, 0) + 1
    if evidence_file:
        pathlib.Path(evidence_file).write_text("".join(evidence))
    out = {}
    for size in sorted(by_size):
        if size not in runs:
            continue
        for key in keys:
            summary(key, by_size[size][key], f"{size} servers: ")
        costs = {key: by_size[size][key] for key in keys}
        costs["source"] = (f"tools/calibration/step_costs_from_logs.py over {runs[size]} real leader kills on "
                           f"{size} servers (tools/calibration/run_real_kills.sh)")
        out[str(size)] = {"cluster": {"step_costs": costs}}
    # The shape of a study spec's "by_servers".
    text = json.dumps(out, indent=1)
    print(re.sub(r"\[[\d,\s]*\]", lambda m: "[" + ", ".join(m.group(0)[1:-1].split()).replace(",,", ",") + "]", text))


if __name__ == "__main__":
    main(sys.argv)
