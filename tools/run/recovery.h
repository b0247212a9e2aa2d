#pragma once
// How the ensemble and its clients recover from each fault of a run, measured from the trace
// and the history only (never from a server's state), so every figure is what ZooKeeper's own
// mechanisms produced: who noticed the fault first and how (a reset connection or a timeout),
// when leader election finished, when the new leader's epoch was agreed, when each follower
// synced and by which mode, when the leader was established and first committed, and when
// clients were served again, per server.
//
// A phase belongs to a fault only until the next fault fires. Times are relative to the fault,
// in ns; -1 when it did not happen in that window.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/events/reasons.h"
#include "sim/scenario/runner.h"

namespace zab::tools {

struct FollowerSync {
  std::uint32_t server = 0;
  std::string mode;  // DIFF, TRUNC, TRUNC+DIFF, SNAP (what the leader chose for it)
  std::int64_t synced_ns = -1;
};

struct ServerService {
  std::uint32_t server = 0;
  std::int64_t first_write_ns = -1;  // a successful write invoked on this server after the fault
  std::int64_t first_read_ns = -1;   // a successful read served by this server after the fault
};

struct RecoveryPhases {
  std::string fault;
  sim::SimTime at;
  std::int64_t noticed_ns = -1;       // a server left its role (LOOKING)
  std::int64_t elected_ns = -1;       // leader election finished at some server
  std::int64_t epoch_agreed_ns = -1;  // the new leader's epoch-ack quorum
  std::int64_t synced_ns = -1;        // the NEWLEADER quorum: the leader is established
  std::int64_t first_commit_ns = -1;  // the first commit after that
  // The first leader established and the first commit in the fault's window at any server,
  // whether or not the fault itself disturbed leadership: a campaign's "after the heal".
  std::int64_t next_leader_ns = -1;
  std::int64_t next_commit_ns = -1;

  // Why the first server to leave its role left it: "reset" (its connection to the leader, or
  // the leader's to its followers, broke), "timeout" (a read or sync-limit timeout: silence),
  // "refused" (it could not connect to the leader), another reason's name, or "" if none.
  std::string noticed_by;
  std::uint32_t noticed_server = 0;
  // The first reaction of any server to the fault, also one that does not end a role: a
  // leader dropping a follower's connection ("learner_dropped"), a follower giving up its leader
  // ("follower_exit"), a leader stepping down ("leader_shutdown"), or leaving a role ("looking").
  std::int64_t detected_ns = -1;
  std::string detected_by;  // as noticed_by
  std::string detected_event;
  std::uint32_t detected_server = 0;

  std::uint32_t leader = 0;  // the leader established after the fault (0: none)
  std::uint64_t epoch = 0;
  std::vector<FollowerSync> followers;  // each server that synced after the fault, in time order

  // Clients (from the history): the first successful write and read invoked at or after the
  // fault (and before the next fault), completion time; and per server.
  std::int64_t first_write_ns = -1;
  std::int64_t first_read_ns = -1;
  std::vector<ServerService> servers;
  // The client-visible unavailability window: from the fault until the first successful write
  // invoked at or after it completes (= first_write_ns). Writes go through the leader and a
  // quorum, so this covers noticing, election, discovery, sync and the first commit; a write
  // issued during the outage waits (or is retried) until the ensemble serves again. Reads are
  // left out: followers answer them locally, and a hung leader's followers keep doing so.
  // When nothing disturbed writes it is about one think time of the workload.
  std::int64_t unavailable_ns = -1;
  // The survivor probe's first committed write after a crash or hang (the scenario's
  // clients.probe; sim/client/probe.h), completion time: no client library's back-off.
  std::int64_t probe_write_ns = -1;
};

std::vector<RecoveryPhases> recovery_phases(const sim::ScenarioRun& run);
// The phases as JSON for the run record, the study and the HTML report: one object per fault,
// times in ms after the fault (null when the phase did not happen).
nlohmann::ordered_json recovery_to_json(const std::vector<RecoveryPhases>& phases);
// The table of phases per fault, then the details: who noticed and how, each follower's sync,
// when clients were served again.
std::string render_recovery(const std::vector<RecoveryPhases>& phases);

// The cause names used in noticed_by / detected_by, from the trace reasons.
const char* follower_exit_cause(FollowerExitReason reason);
const char* learner_drop_cause(LearnerDropReason reason);

}  // namespace zab::tools
