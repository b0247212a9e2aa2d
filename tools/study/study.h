#pragma once
// Running a study: one scenario per (setting, seed), run on forked worker processes
// (fuzz::run_pool), each measured with recovery_phases on its first fault; then the order
// statistics per phase per setting. Results are kept in run-index order, so everything
// written is the same for any number of workers.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/study/spec.h"
#include "tools/study/stats.h"

namespace zab::study {

// The phases a study summarizes, in the order of recovery; each is ms after the fault.
struct Phase {
  const char* key;    // results.json, table.csv
  const char* label;  // the printed table and the charts
};
inline constexpr Phase kPhases[] = {
    {"detected", "first noticed"},         {"noticed", "left its role"},
    {"elected", "election finished"},     {"epoch_agreed", "epoch agreed"},
    {"established", "leader established"}, {"all_synced", "last follower synced"},
    {"first_commit", "first commit"},     {"first_read", "first client read"},
    {"unavailable", "clients unavailable"}, {"probe_write", "probe write (survivor)"},
};
inline constexpr std::size_t kPhaseCount = std::size(kPhases);
// The survivor probe's first write (clients.probe): a phase only where the scenarios run a
// probe, so the tables leave its row out where no run has it.
inline constexpr std::size_t kProbePhase = kPhaseCount - 1;

struct RunRow {
  std::uint64_t index = 0;
  std::size_t setting = 0;
  std::uint64_t seed = 0;
  std::string fault;              // as fired ("crash s5 (leader)"), or why it was skipped
  bool skipped = false;           // the fault's target role had no holder
  std::int64_t ns[kPhaseCount];   // -1: the phase did not happen before the next fault / the end
  std::string noticed_by;         // what made the first server react (detected_by)
  std::vector<std::string> sync_modes;
  std::string trace_hash;
  nlohmann::ordered_json recovery;  // recovery_to_json of the fault (the per-run row's detail)
};

struct SettingResult {
  Setting setting;
  std::size_t runs = 0, skipped = 0;
  std::map<std::string, std::size_t> noticed_by;  // cause -> runs
  std::map<std::string, std::size_t> sync_modes;  // mode -> follower syncs
  Summary phases[kPhaseCount];
  std::vector<std::int64_t> values[kPhaseCount];  // sorted, for the charts
};

struct StudyResult {
  StudySpec spec;
  std::string spec_path;
  std::vector<SettingResult> settings;
  std::vector<RunRow> rows;  // in run-index order
};

// The row of one run, computed in a worker: (setting, seed) from the index.
RunRow run_one(const StudySpec& spec, const std::vector<Setting>& all, std::uint64_t index);
nlohmann::ordered_json row_to_json(const RunRow& row, const StudySpec& spec, const std::vector<Setting>& all);
RunRow row_from_json(const nlohmann::ordered_json& j);

// Runs every (setting, seed) on `jobs` workers. `progress(done, total)` is called in the parent.
StudyResult run_study(const StudySpec& spec, const std::string& spec_path, unsigned jobs,
                      const std::function<void(std::size_t, std::size_t)>& progress);

std::string render_table(const StudyResult& result);
std::string table_csv(const StudyResult& result);
nlohmann::ordered_json results_json(const StudyResult& result);

}  // namespace zab::study
