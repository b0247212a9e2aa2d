#pragma once
// A self-contained record of a run, enough to replay it anywhere: the scenario itself (not a
// path), the seed, the zabsim version, the mutation switches, the verdicts, the trace hash,
// the event count and the hash checkpoints that let a replay find where two runs part ways.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zab::tools {

inline constexpr const char* kZabsimVersion = "0.1.0";

struct RunRecord {
  std::string version = kZabsimVersion;
  std::string scenario_path;       // where it came from (informational)
  nlohmann::ordered_json scenario;  // the scenario document itself
  std::uint64_t seed = 0;
  std::vector<std::string> mutations;
  std::vector<std::pair<std::string, std::string>> verdicts;  // property -> "pass" / witness
  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::vector<std::uint64_t> checkpoints;
  std::string replay_command;
  // Recovery phases per fault (recovery_to_json); informational, recomputed by a replay.
  nlohmann::ordered_json recovery = nlohmann::ordered_json::array();
};

nlohmann::ordered_json to_json(const RunRecord& record);
// nullopt and `error` set if the document is not a run record.
std::optional<RunRecord> record_from_json(const nlohmann::json& j, std::string& error);
// Reads and parses a record file; nullopt and `error` set ("FILE: cannot be read", "FILE: not
// valid JSON: ... line L, column C", "FILE: /seed: ...") if it cannot.
std::optional<RunRecord> load_record(const std::string& path, std::string& error);

}  // namespace zab::tools
