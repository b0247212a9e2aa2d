// libFuzzer harness: the history reader, then both history checkers on what it accepts (with
// a small search budget, so that a slow input is "unknown", not a timeout).

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "checkers/history.h"
#include "checkers/linearizability.h"
#include "checkers/zk_consistency.h"
#include "protocol/base/assert.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  zab::check::History history;
  zab::check::HistoryReadError error;
  if (!zab::check::read_history(in, "fuzz.jsonl", history, error)) {
    ZAB_ASSERT(error.message.starts_with("fuzz.jsonl:"), "a history error names the file and the line");
    return 0;
  }
  if (history.ops.size() > 64) return 0;  // the search is exponential; the reader was the point
  for (const auto model : {zab::check::ModelKind::kZnode, zab::check::ModelKind::kKeyValue, zab::check::ModelKind::kRegister}) {
    zab::check::CheckOptions options;
    options.model = model;
    options.budget.steps_max = 20'000;
    options.budget.memo_entries_max = 20'000;
    options.minimize_ops_max = 8;
    (void)zab::check::check_zk_consistency(history, options);
    (void)zab::check::check_linearizable(history, options);
  }
  return 0;
}
