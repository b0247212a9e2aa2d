#pragma once
// What a history checker concludes, and the witness a person reads when it finds a violation.

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/model.h"
#include "checkers/order_search.h"

namespace zab::check {

enum class HistoryVerdict : std::uint8_t {
  kOk,         // an order exists that satisfies the condition
  kViolation,  // no order does: the search covered every possibility
  kUnknown,    // the search ran out of budget: neither claim is made
  kBadInput,   // the history does not fit the model (message in `error`)
};
const char* history_verdict_name(HistoryVerdict v);

struct CheckOptions {
  ModelKind model = ModelKind::kZnode;
  SearchBudget budget;
  // Shrink a violating history (or partition) of at most this many operations to a small
  // witness, by relaxations that can only make a history easier to accept: dropping reads,
  // making updates indeterminate. 0 turns it off.
  std::size_t minimize_ops_max = 120;
  SearchBudget minimize_budget{.steps_max = 200'000, .memo_entries_max = 200'000};
  // All shrinking trials together search at most this many steps (the check itself of a
  // Porcupine etcd history takes a few hundred; without this bound shrinking took 98% of
  // the time on them).
  std::uint64_t minimize_steps_total_max = 5'000;
  // Build the witness and the explanation of a violation (or of an undecided search). Off for
  // verdicts alone (`zabsim check` with several files prints one line per history).
  bool explain = true;
};

struct CheckReport {
  HistoryVerdict verdict = HistoryVerdict::kOk;
  std::string property;                  // "ZooKeeper consistency (OSC(U), Lev-Ari et al.) ..."
  std::string error;                     // kBadInput
  std::string partition;                 // linearizability: the key whose history failed
  std::vector<std::uint64_t> witness_ids;    // the operations of the witness, by id
  std::vector<std::string> witness;      // the same, described, in the history's order
  bool witness_minimized = false;
  std::vector<std::string> why;          // why no order works: what blocks each remaining step
  std::vector<std::string> state;        // the state where the longest order found got stuck
  std::size_t placed = 0;                // operations the longest order found could place
  std::size_t total = 0;                 // operations it had to place
  std::vector<std::string> notes;        // what the checker did not check
  std::size_t operations = 0;            // operations in the history
  std::size_t partitions = 0;            // independent sub-histories searched
  std::uint64_t search_steps = 0;
  std::uint64_t memo_entries_max = 0;    // the largest memo of any one search
};

// The verdict and witness as text, for a terminal.
std::string format_report(const CheckReport& report);

}  // namespace zab::check
