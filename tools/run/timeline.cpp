#include "tools/run/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "protocol/base/zab_trace.h"
#include "sim/step_costs.h"
#include "tools/run/trace_text.h"

namespace zab::tools {

namespace {

using sim::TraceEvent;
using sim::TraceKind;
const char* role_name(ServerState state) {
  return state == ServerState::kLooking ? "LOOKING" : state == ServerState::kFollowing ? "FOLLOWING" : "LEADING";
}

// The timeline's line for one trace event, nullopt if the timeline leaves it out. `servers`:
// processes up to that address are servers (a client's start or crash is not shown).
std::optional<std::string> timeline_line(const TraceEvent& e, const std::string& who, std::uint32_t servers) {
  const bool server = e.process <= servers;
  if (const auto crash = sim::event_as<ev::Crash>(e); crash && server) {
    return fmt::format("{} crashed ({} unsynced disk ops lost)", who, crash->disk_ops_lost);
  }
  if (const auto start = sim::event_as<ev::ProcessStart>(e); start && server && start->incarnation > 1) {
    return fmt::format("{} restarted", who);
  }
  if (sim::is_event<ev::Hang>(e)) return fmt::format("{} hung", who);
  if (const auto busy = sim::event_as<ev::Busy>(e); busy && server) {
    // The step's effects (its lines below) appear when the work is done.
    return fmt::format("{} busy {:.1f} ms: {}", who, static_cast<double>(busy->cost_ns) / 1e6,
                       sim::step_cost_cause_name(busy->cause));
  }
  if (sim::is_event<ev::Resume>(e)) return fmt::format("{} resumed", who);
  if (const auto state = sim::event_as<ev::PeerState>(e)) {
    if (state->state == ServerState::kLooking) return fmt::format("{} LOOKING", who);
    return fmt::format("{} {} (leader s{})", who, role_name(state->state), state->leader.value);
  }
  if (const auto est = sim::event_as<ev::LeaderEstablished>(e)) {
    return fmt::format("{} established as leader of epoch {}", who, est->epoch);
  }
  if (const auto synced = sim::event_as<ev::FollowerSynced>(e)) {
    return fmt::format("{} synced with s{} (epoch {})", who, synced->leader.value, synced->epoch);
  }
  if (const auto down = sim::event_as<ev::LeaderShutdown>(e)) return fmt::format("{} stops leading: {}", who, describe(down->reason));
  if (const auto exit = sim::event_as<ev::FollowerExit>(e)) return fmt::format("{} stops following: {}", who, describe(exit->reason));
  if (sim::is_event<ev::StartupRefused>(e)) return fmt::format("{} REFUSES TO START", who);
  if (const auto stood = sim::event_as<ev::TimeStoodStill>(e)) {
    return fmt::format("TIME STANDS STILL: {} events ran at this instant and more are due at it; the run stops here",
                       stood->events);
  }
  if (const auto chosen = sim::event_as<ev::SyncChosen>(e)) {
    return fmt::format("{} syncs s{} by {}", who, chosen->learner.value, sync_mode_name(chosen->mode));
  }
  return std::nullopt;
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
    const std::optional<std::string> line = timeline_line(e, who, run.scenario().servers);
    if (!line) continue;
    flush_faults(e.time);
    out += fmt::format("{:>10}  {}\n", format_ms(e.time), *line);
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
