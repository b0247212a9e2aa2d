#include "tools/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "protocol/election_trace.h"
#include "protocol/zab_trace.h"
#include "tools/trace_text.h"

namespace zab::tools {

namespace {

using sim::TraceEvent;
using sim::TraceKind;


const char* role_name(std::uint64_t state) {
  return state == 0 ? "LOOKING" : state == 1 ? "FOLLOWING" : "LEADING";
}

}  // namespace

std::string render_timeline(const sim::ScenarioRun& run) {
  const sim::World& w = run.world();
  const auto& events = w.trace().events();
  std::string out = fmt::format("{:>10}  {}\n", "time (ms)", "event");
  std::size_t next_fault = 0;
  const auto& fired = run.fired();
  auto flush_faults = [&](sim::SimTime upto) {
    while (next_fault < fired.size() && fired[next_fault].at <= upto) {
      out += fmt::format("{:>10}  FAULT {}\n", format_ms(fired[next_fault].at), fired[next_fault].description);
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
    } else if (is_protocol_event(e, kTracePeerState) && e.a != 0) {
      line = fmt::format("{} {} (leader s{})", who, role_name(e.a), e.b);
    } else if (is_protocol_event(e, kTracePeerState)) {
      line = fmt::format("{} LOOKING", who);
    } else if (is_protocol_event(e, kTraceLeaderEstablished)) {
      line = fmt::format("{} established as leader of epoch {}", who, e.a);
    } else if (is_protocol_event(e, kTraceFollowerSynced)) {
      line = fmt::format("{} synced with s{} (epoch {})", who, e.a, e.b);
    } else if (is_protocol_event(e, kTraceLeaderShutdown)) {
      static const char* kReasons[] = {"?", "no epoch quorum in initLimit", "no epoch-ack quorum in initLimit",
                                       "no NEWLEADER quorum in initLimit", "not sufficient followers synced",
                                       "zxid counter rolled over",
                                       "a learner accepted a later epoch (D34)"};
      line = fmt::format("{} stops leading: {}", who, e.a < 7 ? kReasons[e.a] : "?");
    } else if (is_protocol_event(e, kTraceFollowerExit)) {
      static const char* kExits[] = {"?", "cannot connect to the leader", "connection to the leader lost",
                                     "read timeout (leader silent)", "leader's epoch is older", "bad packet",
                                     "truncate failed"};
      line = fmt::format("{} stops following: {}", who, e.a < 7 ? kExits[e.a] : "?");
    } else if (is_protocol_event(e, kTraceStartupRefused)) {
      line = fmt::format("{} REFUSES TO START", who);
    } else if (e.kind == TraceKind::kTimeStoodStill) {
      line = fmt::format("TIME STANDS STILL: {} events ran at this instant and more are due at it; the run stops here", e.a);
    } else if (is_protocol_event(e, kTraceSyncChosen)) {
      static const char* kModes[] = {"DIFF", "TRUNC", "TRUNC+DIFF", "SNAP"};
      line = fmt::format("{} syncs s{} by {}", who, e.a, e.b < 4 ? kModes[e.b] : "?");
    } else {
      continue;
    }
    flush_faults(e.time);
    out += fmt::format("{:>10}  {}\n", format_ms(e.time), line);
  }
  flush_faults(sim::SimTime::max());
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
