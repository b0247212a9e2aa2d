// The order search resumes exactly where its budget stopped it: run in growing slices, it
// reaches the same verdict, the same order and the same number of steps as one run with the
// whole budget (the independent parts of a history are searched side by side this way).

#include "checkers/order_search.h"

#include <doctest/doctest.h>

#include "checkers/history_gen.h"
#include "checkers/prepare.h"

using namespace zab::check;

namespace {

struct Searched {
  SearchResult result;
  int runs = 0;
};

Searched search_in_slices(const SearchInput& in, Prepared& prep, std::uint64_t first_slice) {
  OrderSearch search(in, prep.values, prep.keys);
  Searched s;
  for (std::uint64_t slice = first_slice;; slice *= 2) {
    s.result = search.run(SearchBudget{.steps_max = slice, .memo_entries_max = slice});
    ++s.runs;
    if (s.result.verdict != SearchVerdict::kBudgetExhausted) return s;
    REQUIRE(slice < 100'000'000);
  }
}

}  // namespace

TEST_CASE("order search: resumed in growing slices it finds what one run finds, step for step") {
  for (const bool zxids : {true, false}) {
    for (const Consistency consistency : {Consistency::kZooKeeper, Consistency::kLinearizable}) {
      CAPTURE(zxids);
      CAPTURE(static_cast<int>(consistency));
      const History h = generate_zk_history(
          GeneratorConfig{.seed = 11, .operations = 120, .clients = 4, .paths = 2, .zxids = zxids});
      Prepared prep;
      PrepareError error;
      REQUIRE(prepare(h, ModelKind::kZnode, consistency, prep, error));
      const SearchInput in{.steps = &prep.steps,
                           .key_count = prep.keys.size(),
                           .initial = &prep.initial,
                           .sessions = prep.sessions,
                           .session_order = consistency == Consistency::kZooKeeper};
      const SearchResult whole = search_order(in, prep.values, prep.keys, SearchBudget{});
      REQUIRE(whole.verdict != SearchVerdict::kBudgetExhausted);
      const Searched sliced = search_in_slices(in, prep, 1);
      CHECK(sliced.runs > 1);  // it was stopped and resumed
      CHECK(sliced.result.verdict == whole.verdict);
      CHECK(sliced.result.order == whole.order);
      CHECK(sliced.result.steps == whole.steps);
      CHECK(sliced.result.memo_entries == whole.memo_entries);
      // A decided search answers the same again, whatever the budget.
      OrderSearch again(in, prep.values, prep.keys);
      const SearchResult first = again.run(SearchBudget{});
      const SearchResult second = again.run(SearchBudget{.steps_max = 1, .memo_entries_max = 1});
      CHECK(second.verdict == first.verdict);
      CHECK(second.steps == first.steps);
    }
  }
}
