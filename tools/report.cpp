#include "tools/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "protocol/election_trace.h"
#include "protocol/zab_trace.h"

namespace zab::tools {

namespace {

using sim::TraceEvent;
using sim::TraceKind;

bool is_protocol(const TraceEvent& e, std::uint16_t kind) { return e.kind == TraceKind::kProtocol && e.sub == kind; }

std::string ms(sim::SimTime t) { return fmt::format("{:.1f}", static_cast<double>(t.us()) / 1000.0); }
std::string rel(std::int64_t ns) {
  return ns < 0 ? std::string("-") : fmt::format("+{:.1f}", static_cast<double>(ns) / 1'000'000.0);
}

const char* role_name(std::uint64_t state) {
  return state == 0 ? "LOOKING" : state == 1 ? "FOLLOWING" : "LEADING";
}

}  // namespace

std::vector<RecoveryPhases> recovery_phases(const sim::ScenarioRun& run) {
  const auto& events = run.world().trace().events();
  const auto& fired = run.fired();
  std::vector<RecoveryPhases> result;
  for (std::size_t i = 0; i < fired.size(); ++i) {
    const sim::FiredFault& f = fired[i];
    if (f.skipped) continue;
    RecoveryPhases p{.fault = f.description, .at = f.at};
    // A phase belongs to this fault only until the next fault fires.
    sim::SimTime until = sim::SimTime::max();
    for (std::size_t k = i + 1; k < fired.size(); ++k) {
      if (!fired[k].skipped && fired[k].at > f.at) {
        until = fired[k].at;
        break;
      }
    }
    // A (re)started server's own recovery: it looks, finds the leader, syncs.
    const bool rejoin = (f.fault->kind == sim::FaultKind::kStart || f.fault->kind == sim::FaultKind::kRestart) &&
                        f.targets.size() == 1;
    const std::uint32_t who = rejoin ? f.targets.front() : 0;
    bool established = false;
    for (const TraceEvent& e : events) {
      if (e.time < f.at) continue;
      if (e.time >= until) break;
      if (rejoin && e.process != who) continue;
      const std::int64_t dt = (e.time - f.at).count_ns();
      if (p.noticed_ns < 0 && is_protocol(e, kTracePeerState) && e.a == 0) p.noticed_ns = dt;
      if (p.noticed_ns < 0) continue;  // phases count only once leadership was disturbed
      if (p.elected_ns < 0 && (is_protocol(e, kFleElectionFinished) || is_protocol(e, kFleJoined))) p.elected_ns = dt;
      if (p.epoch_agreed_ns < 0 && is_protocol(e, kTraceEpochAgreed)) p.epoch_agreed_ns = dt;
      if (!established && (is_protocol(e, kTraceLeaderEstablished) || (rejoin && is_protocol(e, kTraceFollowerSynced)))) {
        established = true;
        p.synced_ns = dt;
      }
      if (established && p.first_commit_ns < 0 && (is_protocol(e, kTraceCommitted) || (rejoin && is_protocol(e, kTraceApplied)))) {
        p.first_commit_ns = dt;
        break;
      }
    }
    result.push_back(p);
  }
  return result;
}

std::string render_timeline(const sim::ScenarioRun& run) {
  const sim::World& w = run.world();
  const auto& events = w.trace().events();
  std::string out = fmt::format("{:>10}  {}\n", "time (ms)", "event");
  std::size_t next_fault = 0;
  const auto& fired = run.fired();
  auto flush_faults = [&](sim::SimTime upto) {
    while (next_fault < fired.size() && fired[next_fault].at <= upto) {
      out += fmt::format("{:>10}  FAULT {}\n", ms(fired[next_fault].at), fired[next_fault].description);
      ++next_fault;
    }
  };
  for (const TraceEvent& e : events) {
    const std::string who = w.trace().process_name(e.process);
    std::string line;
    if (e.kind == TraceKind::kCrash && e.process <= run.scenario().servers) {
      line = fmt::format("{} crashed ({} unsynced disk ops lost)", who, e.b);
    } else if (e.kind == TraceKind::kProcessStart && e.process <= run.scenario().servers && e.a > 1) {
      line = fmt::format("{} restarted", who);
    } else if (e.kind == TraceKind::kHang) {
      line = fmt::format("{} hung", who);
    } else if (e.kind == TraceKind::kResume) {
      line = fmt::format("{} resumed", who);
    } else if (is_protocol(e, kTracePeerState) && e.a != 0) {
      line = fmt::format("{} {} (leader s{})", who, role_name(e.a), e.b);
    } else if (is_protocol(e, kTracePeerState)) {
      line = fmt::format("{} LOOKING", who);
    } else if (is_protocol(e, kTraceLeaderEstablished)) {
      line = fmt::format("{} established as leader of epoch {}", who, e.a);
    } else if (is_protocol(e, kTraceFollowerSynced)) {
      line = fmt::format("{} synced with s{} (epoch {})", who, e.a, e.b);
    } else if (is_protocol(e, kTraceLeaderShutdown)) {
      static const char* kReasons[] = {"?", "no epoch quorum in initLimit", "no epoch-ack quorum in initLimit",
                                       "no NEWLEADER quorum in initLimit", "not sufficient followers synced",
                                       "zxid counter rolled over"};
      line = fmt::format("{} stops leading: {}", who, e.a < 6 ? kReasons[e.a] : "?");
    } else if (is_protocol(e, kTraceFollowerExit)) {
      static const char* kExits[] = {"?", "cannot connect to the leader", "connection to the leader lost",
                                     "read timeout (leader silent)", "leader's epoch is older", "bad packet",
                                     "truncate failed"};
      line = fmt::format("{} stops following: {}", who, e.a < 7 ? kExits[e.a] : "?");
    } else if (is_protocol(e, kTraceStartupRefused)) {
      line = fmt::format("{} REFUSES TO START", who);
    } else if (e.kind == TraceKind::kTimeStoodStill) {
      line = fmt::format("TIME STANDS STILL: {} events ran at this instant and more are due at it; the run stops here", e.a);
    } else if (is_protocol(e, kTraceSyncChosen)) {
      static const char* kModes[] = {"DIFF", "TRUNC", "TRUNC+DIFF", "SNAP"};
      line = fmt::format("{} syncs s{} by {}", who, e.a, e.b < 4 ? kModes[e.b] : "?");
    } else {
      continue;
    }
    flush_faults(e.time);
    out += fmt::format("{:>10}  {}\n", ms(e.time), line);
  }
  flush_faults(sim::SimTime::max());
  return out;
}

nlohmann::ordered_json recovery_to_json(const std::vector<RecoveryPhases>& phases) {
  auto ms_or_null = [](std::int64_t ns) -> nlohmann::ordered_json {
    if (ns < 0) return nullptr;
    return static_cast<double>(ns) / 1'000'000.0;
  };
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& p : phases) {
    out.push_back({{"fault", p.fault},
                   {"at_ms", static_cast<double>(p.at.ns()) / 1'000'000.0},
                   {"noticed_ms", ms_or_null(p.noticed_ns)},
                   {"elected_ms", ms_or_null(p.elected_ns)},
                   {"epoch_agreed_ms", ms_or_null(p.epoch_agreed_ns)},
                   {"synced_ms", ms_or_null(p.synced_ns)},
                   {"first_commit_ms", ms_or_null(p.first_commit_ns)}});
  }
  return out;
}

std::string render_recovery(const std::vector<RecoveryPhases>& phases) {
  if (phases.empty()) return "recovery: no faults\n";
  std::string out = fmt::format("recovery after each fault (ms after the fault)\n  {:<36} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
                                "fault", "at", "noticed", "elected", "epoch", "synced", "commit");
  for (const auto& p : phases) {
    out += fmt::format("  {:<36} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", p.fault.substr(0, 36), ms(p.at),
                       rel(p.noticed_ns), rel(p.elected_ns), rel(p.epoch_agreed_ns), rel(p.synced_ns),
                       rel(p.first_commit_ns));
  }
  return out;
}

std::string render_clients(const sim::ScenarioRun& run) {
  std::map<sim::Outcome, std::uint64_t> counts;
  // Client availability: stretches of at least a second in which some operation was waiting
  // and none completed (ok or with a ZooKeeper error: an answer is availability).
  std::vector<std::pair<std::int64_t, std::int64_t>> busy;  // [invoke, end) of each operation
  std::vector<std::int64_t> answers;
  for (const auto& op : run.history().ops()) {
    counts[op.outcome]++;
    const std::int64_t end = op.complete ? op.complete->ns() : run.world().now().ns();
    busy.emplace_back(op.invoke.ns(), end);
    if (op.outcome == sim::Outcome::kOk || op.outcome == sim::Outcome::kFailed) answers.push_back(end);
  }
  std::sort(answers.begin(), answers.end());
  std::string out = fmt::format("clients: {} operations: {} ok, {} failed, {} indeterminate, {} pending at the end\n",
                                run.history().ops().size(), counts[sim::Outcome::kOk], counts[sim::Outcome::kFailed],
                                counts[sim::Outcome::kIndeterminate], counts[sim::Outcome::kPending]);
  constexpr std::int64_t kGapNs = 1'000'000'000;
  std::string gaps;
  for (std::size_t i = 0; i + 1 < answers.size(); ++i) {
    const std::int64_t from = answers[i], to = answers[i + 1];
    if (to - from < kGapNs) continue;
    // Only a gap during which some operation was outstanding is unavailability.
    const bool waiting = std::any_of(busy.begin(), busy.end(), [&](const auto& b) { return b.first <= from + kGapNs / 2 && b.second >= to; });
    if (!waiting) continue;
    gaps += fmt::format("{}{:.1f}-{:.1f} ms", gaps.empty() ? "" : ", ", static_cast<double>(from) / 1e6, static_cast<double>(to) / 1e6);
  }
  out += gaps.empty() ? "client availability: no stretch of 1 s or more without an answer\n"
                      : "client availability: no answers during " + gaps + "\n";
  return out;
}

}  // namespace zab::tools
