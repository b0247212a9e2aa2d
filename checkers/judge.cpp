#include "checkers/judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace zab::check {

namespace {

// An independent part of the search: its name (the key, for linearizability) and its steps.
struct Part {
  std::string name;  // "" for the whole history
  std::vector<Step> steps;
};

struct CoreRun {
  Prepared prep;
  HistoryVerdict verdict = HistoryVerdict::kOk;
  std::string error;
  std::vector<Part> parts;
  std::size_t failing = SIZE_MAX;  // the part that failed (violation) or ran out (unknown)
  SearchResult failing_result;
  std::uint64_t steps = 0;
  std::uint64_t memo_max = 0;
};

std::vector<Part> split(const Prepared& prep, Consistency consistency, ModelKind model) {
  if (consistency == Consistency::kZooKeeper) return {Part{"", prep.steps}};
  // Linearizability is local: one part per key. A closeSession touches several keys; it goes
  // to each, restricted to that key.
  std::map<std::uint32_t, Part> by_key;
  for (const Step& s : prep.steps) {
    if (s.effect == Effect::kCloseSession) {
      for (std::uint32_t k : s.ephemeral_keys) {
        Step c = s;
        c.key = k;
        c.ephemeral_keys = {k};
        by_key[k].steps.push_back(std::move(c));
      }
      continue;
    }
    by_key[s.key].steps.push_back(s);
  }
  std::vector<Part> parts;
  for (auto& [key, part] : by_key) {
    part.name = model == ModelKind::kRegister ? std::string() : prep.keys.str(key);
    parts.push_back(std::move(part));
  }
  return parts;
}

CoreRun run_core(const History& history, Consistency consistency, ModelKind model, const SearchBudget& budget) {
  CoreRun run;
  PrepareError error;
  if (!prepare(history, model, consistency, run.prep, error)) {
    run.verdict = HistoryVerdict::kBadInput;
    run.error = error.message;
    return run;
  }
  run.parts = split(run.prep, consistency, model);
  for (std::size_t p = 0; p < run.parts.size(); ++p) {
    SearchInput in{.steps = &run.parts[p].steps,
                   .key_count = run.prep.keys.size(),
                   .initial = &run.prep.initial,
                   .sessions = run.prep.sessions,
                   .session_order = consistency == Consistency::kZooKeeper};
    SearchResult r = search_order(in, run.prep.values, run.prep.keys, budget);
    run.steps += r.steps;
    run.memo_max = std::max(run.memo_max, r.memo_entries);
    if (r.verdict == SearchVerdict::kNone) {
      run.verdict = HistoryVerdict::kViolation;
      run.failing = p;
      run.failing_result = std::move(r);
      return run;  // one failing part is a complete witness: the condition is local or global
    }
    if (r.verdict == SearchVerdict::kBudgetExhausted && run.verdict == HistoryVerdict::kOk) {
      run.verdict = HistoryVerdict::kUnknown;  // keep looking: another part may fail outright
      run.failing = p;
      run.failing_result = std::move(r);
    }
  }
  return run;
}

History sub_history(const History& history, const std::set<std::size_t>& indices) {
  History out;
  for (std::size_t i : indices) out.ops.push_back(history.ops[i]);
  return out;
}

bool is_observation(const HistoryOp& op) {
  switch (op.type) {
    case OpType::kGetData:
    case OpType::kExists:
    case OpType::kGetChildren:
    case OpType::kSync:
    case OpType::kRead:
    case OpType::kGet: return true;
    default: return op.outcome == Outcome::kFailed;  // a failed write changed nothing
  }
}

std::string label(const History& history, const Step& s) {
  if (s.synthetic) {
    return fmt::format("(end of session {}: its ephemerals may vanish any time after {:.3f} ms)", s.session_id,
                       static_cast<double>(s.invoke_ns) / 1e6);
  }
  return describe_op(history.ops[s.source]);
}

std::string property_name(Consistency consistency, ModelKind model) {
  if (consistency == Consistency::kZooKeeper) {
    return fmt::format(
        "ZooKeeper consistency (ordered sequential consistency OSC(U), Lev-Ari et al.; {} model)",
        model_name(model));
  }
  return fmt::format("linearizability (Herlihy & Wing; {} model)", model_name(model));
}

void explain(const History& history, CoreRun& run, Consistency consistency, ModelKind model, CheckReport& report) {
  const Part& part = run.parts[run.failing];
  std::vector<std::string> labels;
  labels.reserve(part.steps.size());
  for (const Step& s : part.steps) labels.push_back(label(history, s));
  SearchInput in{.steps = &part.steps,
                 .key_count = run.prep.keys.size(),
                 .initial = &run.prep.initial,
                 .sessions = run.prep.sessions,
                 .session_order = consistency == Consistency::kZooKeeper};
  const DeadEndExplanation e =
      explain_dead_end(in, run.failing_result.deepest, run.prep.values, run.prep.keys, model, labels, 12);
  report.why = e.blocked;
  if (e.unplaced_determinate > e.blocked.size()) {
    report.why.push_back(fmt::format("... and {} more", e.unplaced_determinate - e.blocked.size()));
  }
  report.state = e.state_lines;
  report.placed = run.failing_result.deepest.size();
  report.total = part.steps.size();
  report.partition = part.name.empty() ? std::string() : part.name;
}

}  // namespace

History minimize_violation(const History& history, Consistency consistency, const CheckOptions& options) {
  auto violates = [&](const History& h) {
    return run_core(h, consistency, options.model, options.minimize_budget).verdict == HistoryVerdict::kViolation;
  };
  History cur = history;
  // 1. Drop what changes nothing, latest first.
  for (std::size_t i = cur.ops.size(); i-- > 0;) {
    if (!is_observation(cur.ops[i])) continue;
    History trial = cur;
    trial.ops.erase(trial.ops.begin() + static_cast<std::ptrdiff_t>(i));
    if (violates(trial)) cur = std::move(trial);
  }
  // 2. Make updates indeterminate: they may then take effect anywhere after their invocation,
  //    or not at all, and no longer order anything after them.
  for (std::size_t i = 0; i < cur.ops.size(); ++i) {
    HistoryOp& op = cur.ops[i];
    if (op.outcome != Outcome::kOk || is_observation(op)) continue;
    History trial = cur;
    HistoryOp& t = trial.ops[i];
    t.outcome = Outcome::kIndeterminate;
    t.complete_ns.reset();
    t.result = OpResult{};
    if (op.sequential) continue;  // its created path would be lost with the result
    if (violates(trial)) cur = std::move(trial);
  }
  // 3. Indeterminate updates of keys that no determinate operation touches cannot matter.
  std::set<std::string> touched;
  for (const HistoryOp& op : cur.ops) {
    if (op.outcome != Outcome::kIndeterminate) touched.insert(op.result.path.value_or(op.path));
  }
  History trial;
  for (const HistoryOp& op : cur.ops) {
    const bool irrelevant = op.outcome == Outcome::kIndeterminate && op.type != OpType::kCloseSession &&
                            !op.sequential && touched.count(op.path) == 0;
    if (!irrelevant) trial.ops.push_back(op);
  }
  if (trial.ops.size() < cur.ops.size() && violates(trial)) cur = std::move(trial);
  return cur;
}

CheckReport judge(const History& history, Consistency consistency, const CheckOptions& options) {
  CheckReport report;
  report.property = property_name(consistency, options.model);
  report.operations = history.ops.size();
  CoreRun run = run_core(history, consistency, options.model, options.budget);
  report.verdict = run.verdict;
  report.error = run.error;
  report.notes = run.prep.notes;
  report.partitions = run.parts.size();
  report.search_steps = run.steps;
  report.memo_entries_max = run.memo_max;
  if (run.verdict == HistoryVerdict::kOk || run.verdict == HistoryVerdict::kBadInput) return report;

  // The failing part's operations (P-compositionality: for linearizability they fail alone).
  std::set<std::size_t> involved;
  for (const Step& s : run.parts[run.failing].steps) {
    if (!s.synthetic) involved.insert(s.source);
  }
  History witness = sub_history(history, involved);
  if (run.verdict == HistoryVerdict::kViolation && options.minimize_ops_max > 0 &&
      witness.ops.size() <= options.minimize_ops_max) {
    History small = minimize_violation(witness, consistency, options);
    CoreRun again = run_core(small, consistency, options.model, options.budget);
    if (again.verdict == HistoryVerdict::kViolation) {
      report.witness_minimized = true;
      std::map<std::uint64_t, const HistoryOp*> original;
      for (const HistoryOp& op : witness.ops) original.emplace(op.id, &op);
      for (const HistoryOp& op : small.ops) {
        report.witness_ids.push_back(op.id);
        const HistoryOp& was = *original.at(op.id);
        std::string line = describe_op(was);
        if (op.outcome != was.outcome) line += "  (relaxed: may or may not have taken effect)";
        report.witness.push_back(line);
      }
      explain(small, again, consistency, options.model, report);
      return report;
    }
  }
  if (witness.ops.size() <= 40) {
    for (const HistoryOp& op : witness.ops) {
      report.witness_ids.push_back(op.id);
      report.witness.push_back(describe_op(op));
    }
  }
  explain(history, run, consistency, options.model, report);
  return report;
}

}  // namespace zab::check
