#include "checkers/check_report.h"

#include <fmt/format.h>

namespace zab::check {

const char* history_verdict_name(HistoryVerdict v) {
  switch (v) {
    case HistoryVerdict::kOk: return "ok";
    case HistoryVerdict::kViolation: return "violation";
    case HistoryVerdict::kUnknown: return "unknown (budget exhausted)";
    case HistoryVerdict::kBadInput: return "bad input";
  }
  return "?";
}

std::string format_report(const CheckReport& r) {
  std::string out = fmt::format("{}: {}\n", r.property, history_verdict_name(r.verdict));
  if (r.verdict == HistoryVerdict::kBadInput) return out + r.error + "\n";
  out += fmt::format("{} operations, {} independent part(s) searched, {} search steps, largest memo {}\n",
                     r.operations, r.partitions, r.search_steps, r.memo_entries_max);
  if (r.verdict != HistoryVerdict::kOk) {
    if (!r.partition.empty()) out += fmt::format("the operations on {} alone fail:\n", r.partition);
    if (!r.witness.empty()) {
      out += r.witness_minimized ? "witness (a smallest failing subset found; every other operation dropped "
                                   "or made indeterminate, which only makes acceptance easier):\n"
                                 : "operations:\n";
      for (const std::string& w : r.witness) out += "  " + w + "\n";
    }
    out += fmt::format("the longest order found places {} of {} operations; then nothing can go next:\n", r.placed,
                       r.total);
    for (const std::string& w : r.why) out += "  " + w + "\n";
    if (!r.state.empty()) {
      out += "state there:\n";
      for (const std::string& s : r.state) out += "  " + s + "\n";
    }
    if (r.verdict == HistoryVerdict::kUnknown) {
      out += "the search stopped at its budget: this is neither a proof of a violation nor of correctness\n";
    }
  }
  for (const std::string& n : r.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace zab::check
