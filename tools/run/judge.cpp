#include "tools/run/judge.h"

#include <fmt/format.h>

#include <algorithm>

#include "checkers/judge.h"
#include "checkers/liveness.h"
#include "checkers/log_agreement.h"
#include "checkers/preconditions.h"
#include "checkers/world_adapter.h"
#include "checkers/zab_properties.h"
#include "protocol/client_port/client_wire.h"
#include "tools/check/history_convert.h"

namespace zab::tools {

bool Judgement::violates(const std::string& property) const {
  for (const auto& r : results) {
    if (r.violates(property)) return true;
  }
  return false;
}

bool Judgement::meets(const sim::Expectations& expect, std::string& why) const {
  auto check = [&](const std::string& expected, bool violated, const char* kind) {
    if (expected == "pass") {
      if (violated) why += fmt::format("{} was expected to pass but was violated; ", kind);
      return !violated;
    }
    if (expected == "any") {
      if (!violated) why += fmt::format("a {} violation was expected but none was reported; ", kind);
      return violated;
    }
    if (!violates(expected)) why += fmt::format("'{}' was expected to be violated but was not; ", expected);
    return violates(expected);
  };
  const bool safety = check(expect.safety, safety_violated, "safety");
  const bool liveness = check(expect.liveness, liveness_violated, "liveness");
  return safety && liveness;
}

Judgement judge(const sim::ScenarioRun& run) {
  const check::ZabRun zab_run = check::from_sim_trace(run.world().trace());
  // What the clients saw that the trace checkers use: acknowledged writes (known committed)
  // and successful syncs (sync-reply-covers-commits).
  std::vector<check::AckedWrite> acks;
  std::vector<check::SyncReply> syncs;
  for (const auto& op : run.history().ops()) {
    if (op.outcome != sim::Outcome::kOk) continue;
    const std::string who = fmt::format("c{} op {}", op.client - sim::ScenarioRun::kFirstClientAddress + 1, op.id);
    if (is_write(op.request.type) && op.reply.zxid.raw() != 0) {
      acks.push_back(check::AckedWrite{op.reply.zxid.raw(), op.complete->ns(), who});
    } else if (op.request.type == OpCode::kSync) {
      syncs.push_back(check::SyncReply{op.invoke.ns(), op.complete->ns(), op.reply.zxid.raw(), op.client, who});
    }
  }
  const sim::Scenario& s = run.scenario();
  Judgement j;
  j.results.push_back(check::check_log_agreement(zab_run, {.client_acks = acks}));
  j.results.push_back(check::check_zab_properties(zab_run, {.ensemble_size = s.servers, .client_acks = acks}));
  j.results.push_back(check::check_preconditions(zab_run, {.client_acks = acks, .syncs = std::move(syncs)}));
  check::LivenessOptions live{.ensemble_size = s.servers,
                              .tick_time_ms = s.server.tick_time_ms,
                              .init_limit = s.server.init_limit,
                              .sync_limit = s.server.sync_limit};
  if (s.liveness_bound_ms > 0) live.bound_ns = s.liveness_bound_ms * 1'000'000;
  // A commit is required after the heal only if some client wrote after it: otherwise there
  // is nothing to commit, and an established leader is the whole criterion. The checker
  // decides, from the writes' invocation times, against the heal as it sees it in the trace.
  std::vector<std::int64_t> writes;
  for (const auto& op : run.history().ops()) {
    if (is_write(op.request.type)) writes.push_back(op.invoke.ns());
  }
  live.write_invoked_ns = std::move(writes);
  j.results.push_back(check::check_liveness(zab_run, live));
  // ZooKeeper's client guarantees over what the clients saw (OSC(U): linearizable writes,
  // FIFO sessions, sequentially consistent reads).
  const check::History history = to_check_history(run.history(), sim::ScenarioRun::kFirstClientAddress);
  if (!history.ops.empty()) {
    const check::CheckReport report = check::judge(history, check::Consistency::kZooKeeper, check::CheckOptions{});
    check::CheckResult r{.checker = "zk-consistency"};
    switch (report.verdict) {
      case check::HistoryVerdict::kOk: r.verdict = check::Verdict::kPass; break;
      case check::HistoryVerdict::kViolation: r.verdict = check::Verdict::kSafetyViolation; break;
      case check::HistoryVerdict::kUnknown: r.verdict = check::Verdict::kInconclusive; break;
      case check::HistoryVerdict::kBadInput: r.verdict = check::Verdict::kInconclusive; break;
    }
    if (report.verdict == check::HistoryVerdict::kViolation) {
      std::int64_t t_ns = 0;
      std::vector<check::WitnessPoint> points;
      for (std::uint64_t id : report.witness_ids) {
        for (const auto& op : history.ops) {
          if (op.id == id) t_ns = std::max(t_ns, op.complete_ns.value_or(op.invoke_ns));
        }
        // The witness's operations, on their clients' lanes, at their completion (or invocation).
        if (id >= 1 && id <= run.history().ops().size()) {
          const sim::HistoryOp& op = run.history().op(id);
          points.push_back({op.client, (op.complete ? *op.complete : op.invoke).ns(), op.reply.zxid.raw()});
        }
      }
      r.violations.push_back(
          check::Violation{"ZooKeeper consistency", t_ns, check::format_report(report), std::move(points)});
    } else if (report.verdict != check::HistoryVerdict::kOk) {
      r.note = check::format_report(report);
    }
    j.results.push_back(std::move(r));
  }
  for (const auto& r : j.results) {
    if (r.verdict == check::Verdict::kSafetyViolation) j.safety_violated = true;
    if (r.verdict == check::Verdict::kLivenessViolation) j.liveness_violated = true;
    if (r.verdict == check::Verdict::kInconclusive) j.inconclusive = true;
  }
  return j;
}

std::string render_judgement(const Judgement& j) {
  std::string out = "checkers\n";
  for (const auto& r : j.results) {
    out += fmt::format("  {:<16} {}\n", r.checker, check::verdict_name(r.verdict));
    if (!r.note.empty()) out += fmt::format("    {}\n", r.note);
    for (const auto& v : r.violations) {
      out += fmt::format("    VIOLATION {} at {:.1f} ms: {}\n", v.property, static_cast<double>(v.t_ns) / 1e6, v.witness);
    }
    if (r.suppressed > 0) out += fmt::format("    ({} more violations not shown)\n", r.suppressed);
  }
  return out;
}

}  // namespace zab::tools
