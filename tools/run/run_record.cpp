#include "tools/run/run_record.h"

#include <fmt/format.h>

#include "checkers/json_input.h"

namespace zab::tools {

nlohmann::ordered_json to_json(const RunRecord& r) {
  nlohmann::ordered_json j;
  j["zabsim_run_record"] = 1;
  j["version"] = r.version;
  j["scenario_path"] = r.scenario_path;
  j["seed"] = r.seed;
  j["mutations"] = r.mutations;
  nlohmann::ordered_json verdicts = nlohmann::ordered_json::object();
  for (const auto& [property, verdict] : r.verdicts) verdicts[property] = verdict;
  j["verdicts"] = verdicts;
  j["trace_hash"] = fmt::format("{:016x}", r.trace_hash);
  j["events"] = r.events;
  nlohmann::ordered_json checkpoints = nlohmann::ordered_json::array();
  for (std::uint64_t c : r.checkpoints) checkpoints.push_back(fmt::format("{:016x}", c));
  j["checkpoints"] = checkpoints;
  j["replay"] = r.replay_command;
  j["recovery"] = r.recovery;
  j["scenario"] = r.scenario;
  return j;
}

namespace {
std::optional<std::uint64_t> parse_hex(const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  try {
    std::size_t used = 0;
    const auto s = v.get<std::string>();
    const std::uint64_t n = std::stoull(s, &used, 16);
    if (used != s.size() || s.empty()) return std::nullopt;
    return n;
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace

std::optional<RunRecord> record_from_json(const nlohmann::json& j, std::string& error) {
  if (!j.is_object() || !j.contains("zabsim_run_record")) {
    error = "not a zabsim run record (no 'zabsim_run_record' key)";
    return std::nullopt;
  }
  RunRecord r;
  if (!j.contains("seed") || !j["seed"].is_number_unsigned()) {
    error = "/seed: must be a non-negative integer";
    return std::nullopt;
  }
  r.seed = j["seed"].get<std::uint64_t>();
  if (!j.contains("scenario") || !j["scenario"].is_object()) {
    error = "/scenario: must be the scenario document";
    return std::nullopt;
  }
  r.scenario = j["scenario"];
  const auto hash = j.contains("trace_hash") ? parse_hex(j["trace_hash"]) : std::nullopt;
  if (!hash) {
    error = "/trace_hash: must be 16 hex digits";
    return std::nullopt;
  }
  r.trace_hash = *hash;
  if (j.contains("events") && j["events"].is_number_unsigned()) r.events = j["events"].get<std::uint64_t>();
  if (j.contains("checkpoints") && j["checkpoints"].is_array()) {
    for (std::size_t i = 0; i < j["checkpoints"].size(); ++i) {
      const auto c = parse_hex(j["checkpoints"][i]);
      if (!c) {
        error = fmt::format("/checkpoints/{}: must be 16 hex digits", i);
        return std::nullopt;
      }
      r.checkpoints.push_back(*c);
    }
  }
  if (j.contains("recovery") && j["recovery"].is_array()) r.recovery = j["recovery"];
  if (j.contains("version") && j["version"].is_string()) r.version = j["version"].get<std::string>();
  if (j.contains("scenario_path") && j["scenario_path"].is_string()) r.scenario_path = j["scenario_path"].get<std::string>();
  return r;
}

std::optional<RunRecord> load_record(const std::string& path, std::string& error) {
  std::string why;
  const auto text = json_input::read_file(path, why);
  if (!text) {
    error = fmt::format("{}: {}", path, why);
    return std::nullopt;
  }
  json_input::JsonError json_error;
  const auto j = json_input::parse<nlohmann::json>(*text, json_error);
  if (!j) {
    error = fmt::format("{}: {}", path, json_error.text());
    return std::nullopt;
  }
  auto record = record_from_json(*j, why);
  if (!record) error = fmt::format("{}: {}", path, why);
  return record;
}

}  // namespace zab::tools
