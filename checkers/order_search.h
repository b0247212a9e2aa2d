#pragma once
// The search for a legal sequential order of a set of steps that respects the constraints of a
// consistency condition — the engine behind both checkers.
//
// It is the Wing & Gong search ("Testing and verifying concurrent objects", 1993) as Lowe made
// it practical ("Testing for linearizability", 2017): depth-first, placing one operation at a
// time, undoing on a dead end, and memoizing every visited (set of placed operations, model
// state) so no configuration is explored twice — the method of Knossos and Porcupine. Ours
// adds, for ordered sequential consistency (Lev-Ari et al., "Ordered Sequential Consistency:
// Composition and Correctness", DISC 2017):
//  * session order: a step may be placed only after the determinate steps before it in its
//    session (linearizability leaves this out);
//  * real-time order only where the condition asks for it (Step::real_time): a step is placed
//    only after every determinate step that completed before it was invoked;
//  * indeterminate steps never complete: they constrain nothing, may be placed anywhere after
//    their invocation, and need not be placed at all (as Porcupine treats unknown outcomes);
//  * operations that do not change the state (reads, syncs, observed failures) are placed as
//    soon as they are allowed and legal, without branching: moving such an operation earlier
//    to a point where it is legal keeps every constraint, so no solution is lost;
//  * updates are tried in the order of a hint (the zxid a ZooKeeper server reported), so a
//    history from a ZooKeeper-like system is usually accepted without backtracking;
//  * a read that must still be placed and whose value no update left can produce (registers
//    and kv keys: no write of it, no prefix of it to append to) ends the branch at once.
// Visited configurations are stored as 128-bit fingerprints (Zobrist hashing of the placed
// set, XOR a two-lane hash of the state): bounded memory per entry; a false "visited" needs a
// 128-bit collision.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checkers/model.h"

namespace zab::check {

struct SearchBudget {
  std::uint64_t steps_max = 20'000'000;       // placements tried
  std::uint64_t memo_entries_max = 8'000'000;  // visited configurations kept (16-byte slots, at most half full)
};

enum class SearchVerdict : std::uint8_t { kFound, kNone, kBudgetExhausted };

struct SearchResult {
  SearchVerdict verdict = SearchVerdict::kNone;
  std::vector<std::size_t> order;     // kFound: indices into the steps, in the order found
  std::vector<std::size_t> deepest;   // kNone / kBudget: the longest placement that hit a dead end
  std::uint64_t steps = 0;
  std::uint64_t memo_entries = 0;
};

struct SearchInput {
  const std::vector<Step>* steps = nullptr;
  std::size_t key_count = 0;
  const std::vector<std::pair<std::uint32_t, KeyState>>* initial = nullptr;  // keys that exist at the start
  int sessions = 0;
  bool session_order = false;  // ZooKeeper consistency: FIFO per session
};

// The search, resumable: each run() goes on from where the previous one stopped until a
// verdict, or until the search has tried `steps_max` placements and kept `memo_entries_max`
// configurations in all (so a larger budget on the next call continues it, nothing is searched
// twice). After a verdict, run() returns it again. `values` may grow (append makes new
// values); the input, values and keys must outlive the search.
class OrderSearch {
 public:
  OrderSearch(const SearchInput& input, StringTable& values, const StringTable& keys);
  ~OrderSearch();
  OrderSearch(const OrderSearch&) = delete;
  OrderSearch& operator=(const OrderSearch&) = delete;
  SearchResult run(const SearchBudget& budget);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One search from the start with one budget.
SearchResult search_order(const SearchInput& input, StringTable& values, const StringTable& keys,
                          const SearchBudget& budget);

// Why, after placing `prefix`, each determinate step not yet placed cannot go next: either it
// must wait for another step (session or real-time order) or the model rejects it. One line
// per step, at most `lines_max`, in the order of the steps; `state_lines` describe the keys the
// explained steps touch, in the state the prefix leaves.
struct DeadEndExplanation {
  std::vector<std::string> blocked;
  std::vector<std::string> state_lines;
  std::size_t unplaced_determinate = 0;
};
DeadEndExplanation explain_dead_end(const SearchInput& input, const std::vector<std::size_t>& prefix,
                                    StringTable& values, const StringTable& keys, ModelKind model,
                                    const std::vector<std::string>& labels, std::size_t lines_max);

}  // namespace zab::check
