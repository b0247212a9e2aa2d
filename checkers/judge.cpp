#include "checkers/judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "protocol/base/assert.h"

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
  // Independent parts are searched side by side, in rounds: each round lets every undecided
  // part's search go on (it is resumable: nothing is searched twice) until it has spent
  // 1/(1024·parts) of the budget, then twice that, and so on up to the whole budget — so the
  // part that fails soonest ends the search, whatever its place in the order, and one hard
  // part cannot spend the budget before an easy part that fails (Porcupine's kv/c50-bad: eight
  // of its ten keys fail alone, the cheapest after 1,886 search steps; two keys are undecided
  // alone within the whole budget). Parts decided in a round are done; the first failing part ends the
  // search: it is a complete witness, the condition being local (or global: one part).
  const std::uint64_t n = run.parts.size();
  std::vector<SearchInput> inputs(n);  // each search keeps a reference to its input
  std::vector<std::unique_ptr<OrderSearch>> searches(n);
  std::vector<std::uint64_t> steps_counted(n, 0);
  auto search_part = [&](std::size_t p, const SearchBudget& b) {
    if (!searches[p]) {
      inputs[p] = SearchInput{.steps = &run.parts[p].steps,
                              .key_count = run.prep.keys.size(),
                              .initial = &run.prep.initial,
                              .sessions = run.prep.sessions,
                              .session_order = consistency == Consistency::kZooKeeper};
      searches[p] = std::make_unique<OrderSearch>(inputs[p], run.prep.values, run.prep.keys);
    }
    SearchResult r = searches[p]->run(b);
    ZAB_ASSERT(r.steps >= steps_counted[p], "a resumed search's step count only grows");
    run.steps += r.steps - steps_counted[p];
    steps_counted[p] = r.steps;
    run.memo_max = std::max(run.memo_max, r.memo_entries);
    if (r.verdict != SearchVerdict::kBudgetExhausted) searches[p].reset();  // decided: its memory goes
    return r;
  };
  std::vector<std::size_t> undecided;
  for (std::size_t p = 0; p < n; ++p) undecided.push_back(p);
  std::uint64_t divisor = n > 1 ? 1024 * n : 1;
  for (int round = 0; !undecided.empty(); ++round) {
    // At most log2(1024·n) rounds to reach the whole budget, then each round decides a part or ends.
    ZAB_ASSERT(static_cast<std::uint64_t>(round) <= 64 + n, "the slices reach the whole budget, then parts finish or stall");
    // The memo budget is for all the parts searched side by side (their memos live at once),
    // shared evenly, and not sliced: a step adds at most one configuration, so the step slice
    // already keeps the rounds even (a memo slice of 1/(1024·parts) stopped every part first
    // and tripled the rounds a cheap failing part waited for). The step budget is each part's
    // own, as if it were searched alone.
    const std::uint64_t share = undecided.size();
    const SearchBudget b{.steps_max = std::max<std::uint64_t>(budget.steps_max / divisor, 1),
                         .memo_entries_max = std::max<std::uint64_t>(budget.memo_entries_max / share, 1)};
    std::vector<std::size_t> still;
    std::optional<SearchResult> first_stalled;
    for (std::size_t p : undecided) {
      SearchResult r = search_part(p, b);
      if (r.verdict == SearchVerdict::kNone) {
        run.verdict = HistoryVerdict::kViolation;
        run.failing = p;
        run.failing_result = std::move(r);
        return run;
      }
      if (r.verdict != SearchVerdict::kBudgetExhausted) continue;
      still.push_back(p);
      if (!first_stalled) first_stalled = std::move(r);
    }
    // With the whole budget, a round that decides nothing, or leaves one part that had all of
    // the memo budget, ends the search: the parts left are undecided.
    const bool stalled = divisor == 1 && (still.size() == undecided.size() || share == 1);
    if (stalled && !still.empty()) {
      run.verdict = HistoryVerdict::kUnknown;
      run.failing = still.front();
      run.failing_result = std::move(*first_stalled);
      return run;
    }
    undecided.swap(still);
    divisor = divisor / 2 > 0 ? divisor / 2 : 1;
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
  // Every trial's search steps count against one total, so that shrinking never costs much
  // more than the check itself: once it is spent, each later trial is refused and the smallest
  // witness so far stands (every relaxation kept was checked). Deterministic: no clock.
  std::uint64_t steps_left = options.minimize_steps_total_max;
  auto violates = [&](const History& h) {
    if (steps_left == 0) return false;
    SearchBudget budget = options.minimize_budget;
    budget.steps_max = std::min(budget.steps_max, steps_left);
    const CoreRun run = run_core(h, consistency, options.model, budget);
    steps_left -= std::min(steps_left, std::max<std::uint64_t>(run.steps, 1));
    return run.verdict == HistoryVerdict::kViolation;
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
  if (run.verdict == HistoryVerdict::kOk || run.verdict == HistoryVerdict::kBadInput || !options.explain) return report;

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
