#pragma once
// Reads a trace written as JSON lines (`zabsim ... --trace FILE`) back into records, so that
// checkers and tools can judge a run from its file alone. A malformed line is an error that
// names the file and the line; nothing is skipped silently.

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zab::check {

struct TraceRecord {
  std::int64_t t_ns = 0;
  std::string process;
  std::string kind;
  nlohmann::ordered_json fields;  // the whole object, for kind-specific fields
  std::size_t line = 0;           // 1-based line in the file it came from
};

struct TraceReadError {
  std::string message;  // "trace.jsonl:12: 't_ns' must be an integer"
};

// Reads every line of `in`; `source_name` names it in errors. Returns false and sets `error`
// on the first bad line. Blank lines are not allowed either: a trace never writes them.
bool read_trace(std::istream& in, const std::string& source_name, std::vector<TraceRecord>& out,
                TraceReadError& error);

}  // namespace zab::check
