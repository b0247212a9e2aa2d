#pragma once
// A recovery-timing study (`zabsim study SPEC`): a base scenario, the parameters to sweep and
// how many seeds per setting. Every combination of the swept values is a setting; each setting
// runs with seeds first_seed .. first_seed+seeds-1 (the same seeds for every setting, so
// settings differ only in what was swept). The format is in scenarios/studies/README.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zab::study {

// One swept parameter: its spec name and its values (ints, or fault names for "fault").
struct Axis {
  std::string name;  // servers, tick_time_ms, init_limit, sync_limit, latency_median_us, fault
  std::vector<nlohmann::ordered_json> values;
  bool numeric() const { return name != "fault"; }
};

// The faults a study can inject, one per run, at fault_at_ms.
inline constexpr const char* kFaultNames[] = {"leader_crash",     "leader_hang",   "leader_partition",
                                              "follower_crash",   "follower_hang", "follower_partition"};

// How large a study may be: its settings (the product of the sweep's list lengths) and its
// runs (settings x seeds). The results of every run are kept until the tables are written.
inline constexpr std::uint64_t kSettingsMax = 1'000;
inline constexpr std::uint64_t kStudyRunsMax = 200'000;

struct StudySpec {
  std::string name;
  std::string description;
  nlohmann::ordered_json base;  // the base scenario document
  std::vector<Axis> axes;       // in the spec's order; settings vary the last axis fastest
  std::uint64_t seeds = 20;
  std::uint64_t first_seed = 1;
  std::int64_t fault_at_ms = 4000;
  std::optional<std::int64_t> duration_ms;  // overrides the base scenario's
  // "by_servers": per cluster size, a part of a scenario document merged into the base (JSON
  // merge patch) before a setting's values, for what differs with the size: step costs
  // measured with that many servers sharing the machine.
  std::map<std::uint32_t, nlohmann::ordered_json> by_servers;
};

struct SpecError {
  std::string file;
  std::string pointer;
  std::string message;
  std::string text() const { return file + ": " + (pointer.empty() ? "" : pointer + ": ") + message; }
};

// Parses a spec document; a relative base path is resolved against `spec_dir`. Every setting's
// scenario is built and parsed here too, so a spec that would make a bad scenario fails now.
std::optional<StudySpec> parse_spec(const std::string& json_text, const std::string& file_name,
                                    const std::string& spec_dir, SpecError& error);
std::optional<StudySpec> load_spec(const std::string& path, SpecError& error);

// One setting: a value per axis.
struct Setting {
  std::vector<nlohmann::ordered_json> values;  // parallel to StudySpec::axes
  std::string label;                           // "servers=5 fault=leader_crash"
};
std::vector<Setting> settings(const StudySpec& spec);

// The scenario document of (setting, seed): the base with the swept values applied, the study's
// fault (if swept) replacing the base's faults, and the seed.
nlohmann::ordered_json build_scenario(const StudySpec& spec, const Setting& setting, std::uint64_t seed);

}  // namespace zab::study
