#include "tools/real/real_recovery.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/client_port/client_wire.h"

namespace zab::tools::real {

namespace {

bool is_read(OpCode t) { return t == OpCode::kGetData || t == OpCode::kExists || t == OpCode::kGetChildren; }

// The first successful operation of a kind invoked in [from, until), as ms after `from` of its completion.
std::int64_t first_served_ms(const sim::History& h, std::int64_t from_ms, std::int64_t until_ms, bool writes) {
  std::int64_t best = -1;
  for (const sim::HistoryOp& op : h.ops()) {
    if (op.outcome != sim::Outcome::kOk || !op.complete) continue;
    if (writes ? !is_write(op.request.type) : !is_read(op.request.type)) continue;
    const std::int64_t invoked = op.invoke.ns() / 1'000'000;
    if (invoked < from_ms || invoked >= until_ms) continue;
    const std::int64_t done = op.complete->ns() / 1'000'000 - from_ms;
    if (best < 0 || done < best) best = done;
  }
  return best;
}

}  // namespace

std::vector<RealRecovery> real_recovery(const RealRun& run) {
  std::vector<RealRecovery> out;
  for (std::size_t i = 0; i < run.faults.size(); ++i) {
    const FiredRealFault& f = run.faults[i];
    RealRecovery r{.fault = f.text, .at_ms = f.ms};
    if (f.skipped) {
      out.push_back(r);
      continue;
    }
    std::int64_t until = run.end_ms;
    for (std::size_t j = i + 1; j < run.faults.size(); ++j) {
      if (!run.faults[j].skipped) {
        until = run.faults[j].ms;
        break;
      }
    }
    // A started server's recovery is its own; any other fault's is the others'.
    const bool own = f.kind == sim::FaultKind::kStart || f.kind == sim::FaultKind::kRestart;
    auto counts = [&](std::uint32_t sid) {
      const bool hit = std::find(f.targets.begin(), f.targets.end(), sid) != f.targets.end();
      return own ? hit : !hit;
    };
    for (const ServerEvent& e : run.events) {
      if (e.ms < f.ms || e.ms >= until || !counts(e.sid)) continue;
      const std::int64_t after = e.ms - f.ms;
      switch (e.kind) {
        case LogEventKind::kLooking:
          if (r.noticed_ms < 0) r.noticed_ms = after;
          break;
        case LogEventKind::kLeading:
        case LogEventKind::kFollowing:
          if (r.noticed_ms >= 0 && r.elected_ms < 0) r.elected_ms = after;
          break;
        case LogEventKind::kEstablished:
          if (r.established_ms < 0) {
            r.established_ms = after;
            r.leader = e.sid;
          }
          break;
        case LogEventKind::kUpToDate:
          r.all_synced_ms = std::max(r.all_synced_ms, after);
          break;
        default:
          break;  // the sync packets: the mode is the timeline's
      }
    }
    r.first_read_ms = first_served_ms(run.history, f.ms, until, false);
    r.first_write_ms = first_served_ms(run.history, f.ms, until, true);
    r.probe_write_ms = f.probe_write_ms.value_or(-1);
    out.push_back(r);
  }
  return out;
}

std::string render_real_recovery(const std::vector<RealRecovery>& recovery) {
  auto cell = [](std::int64_t ms) { return ms < 0 ? std::string("-") : fmt::format("+{}", ms); };
  std::string out = "recovery after each fault (ms after the fault, from the servers' logs and the clients' history)\n";
  out += fmt::format("  {:<44} {:>7} {:>8} {:>8} {:>12} {:>9} {:>11} {:>11} {:>11}\n", "fault", "at", "noticed", "elected",
                     "established", "synced", "first read", "first write", "probe write");
  for (const RealRecovery& r : recovery) {
    std::string fault = r.fault.starts_with("FAULT ") ? r.fault.substr(6) : r.fault;
    out += fmt::format("  {:<44} {:>7} {:>8} {:>8} {:>12} {:>9} {:>11} {:>11} {:>11}\n", fault, r.at_ms, cell(r.noticed_ms),
                       cell(r.elected_ms), cell(r.established_ms), cell(r.all_synced_ms), cell(r.first_read_ms),
                       cell(r.first_write_ms), cell(r.probe_write_ms));
  }
  return out;
}

}  // namespace zab::tools::real
