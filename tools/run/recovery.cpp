#include "tools/run/recovery.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "protocol/base/zab_trace.h"
#include "tools/run/trace_text.h"

namespace zab::tools {

namespace {

using sim::TraceEvent;
using sim::TraceKind;

std::string rel(std::int64_t ns) {
  return ns < 0 ? std::string("-") : fmt::format("+{:.1f}", static_cast<double>(ns) / 1'000'000.0);
}

// A client's data write (session txns are not what a user waits for) and a plain read.
bool is_data_write(OpCode op) { return op == OpCode::kCreate || op == OpCode::kDelete || op == OpCode::kSetData; }
bool is_data_read(OpCode op) { return op == OpCode::kGetData || op == OpCode::kExists || op == OpCode::kGetChildren; }

// The end of fault i's window: the next fault that fired later, else the end of time.
sim::SimTime window_end(const std::vector<sim::FiredFault>& fired, std::size_t i) {
  for (std::size_t k = i + 1; k < fired.size(); ++k) {
    if (!fired[k].skipped && fired[k].at > fired[i].at) return fired[k].at;
  }
  return sim::SimTime::max();
}

void measure_clients(const sim::ScenarioRun& run, sim::SimTime until, RecoveryPhases& p) {
  std::map<std::uint32_t, ServerService> per_server;
  for (const auto& op : run.history().ops()) {
    if (op.invoke < p.at || op.invoke >= until || op.outcome != sim::Outcome::kOk || !op.complete) continue;
    const bool write = is_data_write(op.request.type);
    const std::int64_t dt = (*op.complete - p.at).count_ns();
    if (run.is_probe(op.client)) {
      // The survivor probe's own figure; the clients' phases are the workload's alone.
      if (write && (p.probe_write_ns < 0 || dt < p.probe_write_ns)) p.probe_write_ns = dt;
      continue;
    }
    if (!write && !is_data_read(op.request.type)) continue;
    ServerService& s = per_server[op.server];
    s.server = op.server;
    std::int64_t& server_slot = write ? s.first_write_ns : s.first_read_ns;
    std::int64_t& any_slot = write ? p.first_write_ns : p.first_read_ns;
    if (server_slot < 0 || dt < server_slot) server_slot = dt;
    if (any_slot < 0 || dt < any_slot) any_slot = dt;
  }
  for (auto& [server, s] : per_server) p.servers.push_back(s);
  p.unavailable_ns = p.first_write_ns;
}

}  // namespace

const char* follower_exit_cause(FollowerExitReason reason) {
  switch (reason) {
    case FollowerExitReason::kConnectFailed: return "refused";
    case FollowerExitReason::kConnectionLost: return "reset";
    case FollowerExitReason::kReadTimeout: return "timeout";
    case FollowerExitReason::kEpochLower: return "epoch";
    case FollowerExitReason::kBadPacket: return "bad packet";
    case FollowerExitReason::kTruncateFailed: return "truncate failed";
  }
  return "?";
}

const char* learner_drop_cause(LearnerDropReason reason) {
  switch (reason) {
    case LearnerDropReason::kReadTimeout:
    case LearnerDropReason::kWaitTimeout:
    case LearnerDropReason::kSyncLimit: return "timeout";
    case LearnerDropReason::kConnectionLost: return "reset";
    case LearnerDropReason::kFollowerAhead: return "follower ahead";
    case LearnerDropReason::kBadPacket: return "bad packet";
    case LearnerDropReason::kLeaderShutdown: return "leader shutdown";
  }
  return "?";
}

std::vector<RecoveryPhases> recovery_phases(const sim::ScenarioRun& run) {
  const auto& events = run.world().trace().events();
  const auto& fired = run.fired();
  std::vector<RecoveryPhases> result;
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const sim::FiredFault& f = fired[i];
    if (f.skipped) continue;
    RecoveryPhases p{.fault = f.description, .at = f.at};
    const sim::SimTime until = window_end(fired, i);
    // A (re)started server's own recovery: it looks, finds the leader, syncs.
    const bool rejoin = (f.fault->kind == sim::FaultKind::kStart || f.fault->kind == sim::FaultKind::kRestart) &&
                        f.targets.size() == 1;
    const std::uint32_t who = rejoin ? f.targets.front() : 0;
    bool established = false;
    // Per server since the fault: why its role ended (the last follower exit or leader
    // shutdown), and why its last learner was dropped (a leader's shutdown inherits that).
    std::map<std::uint32_t, std::string> role_end_cause, drop_cause;
    std::map<std::uint32_t, std::string> chosen_mode;  // learner -> the leader's last sync choice
    std::map<std::uint32_t, bool> synced_once;
    auto detect = [&](const TraceEvent& e, std::int64_t dt, const std::string& by, const char* event) {
      if (p.detected_ns >= 0 || rejoin) return;
      p.detected_ns = dt;
      p.detected_by = by;
      p.detected_event = event;
      p.detected_server = e.process;
    };
    // The trace is in time order: start at the fault's instant rather than scan up to it.
    const auto first = std::lower_bound(events.begin(), events.end(), f.at,
                                        [](const TraceEvent& e, sim::SimTime t) { return e.time < t; });
    for (auto it = first; it != events.end(); ++it) {
      const TraceEvent& e = *it;
      if (e.time >= until) break;
      if (e.kind != TraceKind::kProtocol) continue;
      const std::int64_t dt = (e.time - f.at).count_ns();
      // Whether or not this fault disturbed leadership (a heal after a partition did not, yet
      // the election it allows finishes after it), at any server.
      if (p.next_leader_ns < 0 && sim::is_event<ev::LeaderEstablished>(e)) p.next_leader_ns = dt;
      if (p.next_commit_ns < 0 && sim::is_event<ev::Committed>(e)) p.next_commit_ns = dt;
      if (rejoin && e.process != who && !sim::is_event<ev::SyncChosen>(e)) continue;
      if (sim::is_event<ev::FollowerExit>(e)) {
        role_end_cause[e.process] = follower_exit_cause(sim::event_as<ev::FollowerExit>(e)->reason);
        detect(e, dt, role_end_cause[e.process], "follower_exit");
      } else if (sim::is_event<ev::LearnerDropped>(e)) {
        drop_cause[e.process] = learner_drop_cause(sim::event_as<ev::LearnerDropped>(e)->reason);
        detect(e, dt, drop_cause[e.process], "learner_dropped");
      } else if (sim::is_event<ev::LeaderShutdown>(e)) {
        const LeaderShutdownReason reason = sim::event_as<ev::LeaderShutdown>(e)->reason;
        // Losing the quorum of synced followers is noticed through how they were dropped; the
        // other reasons are initLimit waits that ran out.
        role_end_cause[e.process] = reason == LeaderShutdownReason::kNotSufficientSynced
                                        ? (drop_cause.count(e.process) ? drop_cause[e.process] : "quorum lost")
                                    : reason == LeaderShutdownReason::kZxidRollover       ? "zxid rollover"
                                    : reason == LeaderShutdownReason::kLearnerEpochAhead ? "learner epoch ahead"
                                                                                         : "timeout";
        detect(e, dt, role_end_cause[e.process], "leader_shutdown");
      } else if (sim::is_event<ev::SyncChosen>(e)) {
        const auto chosen = *sim::event_as<ev::SyncChosen>(e);
        chosen_mode[static_cast<std::uint32_t>(chosen.learner.value)] = sync_mode_name(chosen.mode);
        continue;
      }
      if (p.noticed_ns < 0 && sim::is_event<ev::PeerState>(e) &&
          sim::event_as<ev::PeerState>(e)->state == ServerState::kLooking) {
        p.noticed_ns = dt;
        p.noticed_server = e.process;
        // No exit recorded: the server (re)started and looks for a leader.
        p.noticed_by = role_end_cause.count(e.process) ? role_end_cause[e.process] : "start";
        detect(e, dt, p.noticed_by, "looking");
      }
      if (p.noticed_ns < 0) continue;  // phases count only once leadership was disturbed
      if (p.elected_ns < 0 && (sim::is_event<ev::FleElectionFinished>(e) || sim::is_event<ev::FleJoined>(e))) p.elected_ns = dt;
      if (p.epoch_agreed_ns < 0 && sim::is_event<ev::EpochAgreed>(e)) p.epoch_agreed_ns = dt;
      if (sim::is_event<ev::FollowerSynced>(e) && !synced_once[e.process]) {
        synced_once[e.process] = true;
        const auto mode = chosen_mode.find(e.process);
        p.followers.push_back({.server = e.process, .mode = mode == chosen_mode.end() ? "?" : mode->second, .synced_ns = dt});
        if (rejoin) {
          const auto synced = *sim::event_as<ev::FollowerSynced>(e);
          p.leader = static_cast<std::uint32_t>(synced.leader.value);
          p.epoch = synced.epoch;
        }
      }
      if (!established && (sim::is_event<ev::LeaderEstablished>(e) || (rejoin && sim::is_event<ev::FollowerSynced>(e)))) {
        established = true;
        p.synced_ns = dt;
        if (!rejoin) {
          p.leader = e.process;
          p.epoch = sim::event_as<ev::LeaderEstablished>(e)->epoch;
        }
      }
      if (established && p.first_commit_ns < 0 &&
          (sim::is_event<ev::Committed>(e) || (rejoin && sim::is_event<ev::Applied>(e)))) {
        p.first_commit_ns = dt;
      }
    }
    measure_clients(run, until, p);
    result.push_back(p);
  }
  return result;
}

nlohmann::ordered_json recovery_to_json(const std::vector<RecoveryPhases>& phases) {
  using json = nlohmann::ordered_json;
  auto ms_or_null = [](std::int64_t ns) -> json {
    if (ns < 0) return nullptr;
    return static_cast<double>(ns) / 1'000'000.0;
  };
  auto server_or_null = [](std::uint32_t sid) -> json {
    if (sid == 0) return nullptr;
    return fmt::format("s{}", sid);
  };
  auto text_or_null = [](const std::string& s) -> json {
    if (s.empty()) return nullptr;
    return s;
  };
  json out = json::array();
  for (const auto& p : phases) {
    json followers = json::array();
    for (const auto& f : p.followers) {
      followers.push_back({{"server", server_or_null(f.server)}, {"mode", f.mode}, {"synced_ms", ms_or_null(f.synced_ns)}});
    }
    json servers = json::array();
    for (const auto& s : p.servers) {
      servers.push_back({{"server", server_or_null(s.server)},
                         {"first_write_ms", ms_or_null(s.first_write_ns)},
                         {"first_read_ms", ms_or_null(s.first_read_ns)}});
    }
    // The first seven keys are the original ones; the rest were added for the study and the
    // report (keep both stable).
    out.push_back({{"fault", p.fault},
                   {"at_ms", static_cast<double>(p.at.ns()) / 1'000'000.0},
                   {"noticed_ms", ms_or_null(p.noticed_ns)},
                   {"elected_ms", ms_or_null(p.elected_ns)},
                   {"epoch_agreed_ms", ms_or_null(p.epoch_agreed_ns)},
                   {"synced_ms", ms_or_null(p.synced_ns)},
                   {"first_commit_ms", ms_or_null(p.first_commit_ns)},
                   {"noticed_by", text_or_null(p.noticed_by)},
                   {"noticed_server", server_or_null(p.noticed_server)},
                   {"detected_ms", ms_or_null(p.detected_ns)},
                   {"detected_by", text_or_null(p.detected_by)},
                   {"detected_event", text_or_null(p.detected_event)},
                   {"detected_server", server_or_null(p.detected_server)},
                   {"leader", server_or_null(p.leader)},
                   {"epoch", p.leader == 0 ? json(nullptr) : json(p.epoch)},
                   {"leader_established_ms", ms_or_null(p.synced_ns)},
                   {"followers", followers},
                   {"first_write_ms", ms_or_null(p.first_write_ns)},
                   {"first_read_ms", ms_or_null(p.first_read_ns)},
                   {"unavailable_ms", ms_or_null(p.unavailable_ns)},
                   {"probe_write_ms", ms_or_null(p.probe_write_ns)},
                   {"servers", servers}});
  }
  return out;
}

std::string render_recovery(const std::vector<RecoveryPhases>& phases) {
  if (phases.empty()) return "recovery: no faults\n";
  // The fault column is as wide as the longest description: a label is never cut.
  std::size_t width = 36;
  for (const auto& p : phases) width = std::max(width, p.fault.size());
  std::string out = fmt::format("recovery after each fault (ms after the fault)\n  {:<{}} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
                                "fault", width, "at", "noticed", "elected", "epoch", "synced", "commit");
  for (const auto& p : phases) {
    // "noticed" is the details' "first noticed" (the study's phase of that name); a server
    // that (re)starts has nothing to notice, so its row shows when it started looking.
    const std::int64_t noticed_ns = p.detected_ns >= 0 ? p.detected_ns : p.noticed_ns;
    out += fmt::format("  {:<{}} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", p.fault, width, format_ms(p.at), rel(noticed_ns),
                       rel(p.elected_ns), rel(p.epoch_agreed_ns), rel(p.synced_ns), rel(p.first_commit_ns));
  }
  out += "\nrecovery details (ms after the fault)\n";
  for (const auto& p : phases) {
    out += fmt::format("  {} at {}\n", p.fault, format_ms(p.at));
    if (p.detected_ns >= 0) {
      out += fmt::format("    first noticed {} by s{} ({}, {})", rel(p.detected_ns), p.detected_server, p.detected_by,
                         p.detected_event);
      if (p.noticed_ns >= 0 && (p.noticed_ns != p.detected_ns || p.noticed_server != p.detected_server)) {
        out += fmt::format("; first to leave its role: s{} {} ({})", p.noticed_server, rel(p.noticed_ns), p.noticed_by);
      }
      out += "\n";
    }
    if (p.leader != 0) {
      std::string synced;
      for (const auto& f : p.followers) synced += fmt::format("{}s{} {} {}", synced.empty() ? "" : ", ", f.server, rel(f.synced_ns), f.mode);
      out += fmt::format("    leader s{} epoch {} established {}; synced: {}\n", p.leader, p.epoch, rel(p.synced_ns),
                         synced.empty() ? "-" : synced);
    }
    std::string per_server;
    for (const auto& s : p.servers) {
      per_server += fmt::format("{}s{} {}/{}", per_server.empty() ? "" : ", ", s.server, rel(s.first_write_ns), rel(s.first_read_ns));
    }
    out += fmt::format("    clients: first write {}, first read {}; unavailable for writes {}\n", rel(p.first_write_ns),
                       rel(p.first_read_ns), rel(p.unavailable_ns));
    if (!per_server.empty()) out += fmt::format("    first write/read per server: {}\n", per_server);
    if (p.probe_write_ns >= 0) out += fmt::format("    probe: first write through a survivor {}\n", rel(p.probe_write_ns));
  }
  return out;
}

}  // namespace zab::tools
