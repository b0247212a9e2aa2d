#include "checkers/trace_reader.h"

#include <fmt/format.h>

#include "checkers/json_input.h"

namespace zab::check {

bool read_trace(std::istream& in, const std::string& source_name, std::vector<TraceRecord>& out,
                TraceReadError& error) {
  std::string text;
  std::size_t line = 0;
  std::int64_t last_t_ns = INT64_MIN;
  auto fail = [&](const std::string& what) {
    error.message = fmt::format("{}:{}: {}", source_name, line, what);
    return false;
  };
  while (std::getline(in, text)) {
    ++line;
    json_input::JsonError json_error;
    auto parsed = json_input::parse<nlohmann::ordered_json>(text, json_error);
    if (!parsed) return fail(json_error.text());
    nlohmann::ordered_json& j = *parsed;
    if (!j.is_object()) return fail("each line must be a JSON object");
    if (!j.contains("t_ns") || !j["t_ns"].is_number_integer()) return fail("'t_ns' must be an integer");
    if (!j.contains("process") || !j["process"].is_string()) return fail("'process' must be a string");
    if (!j.contains("kind") || !j["kind"].is_string()) return fail("'kind' must be a string");
    TraceRecord r;
    r.t_ns = j["t_ns"].get<std::int64_t>();
    if (r.t_ns < last_t_ns) return fail("'t_ns' goes backwards: a trace is in time order");
    last_t_ns = r.t_ns;
    r.process = j["process"].get<std::string>();
    r.kind = j["kind"].get<std::string>();
    r.fields = std::move(j);
    r.line = line;
    out.push_back(std::move(r));
  }
  return true;
}

}  // namespace zab::check
