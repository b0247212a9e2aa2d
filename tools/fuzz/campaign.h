#pragma once
// A fuzzing campaign: the run indices of this shard, run on a pool of worker processes, each
// run judged; one JSON line per run (runs.jsonl, in index order), a run record for every
// finding, a summary, and progress on the way. Wall-clock and CPU time only feed the progress
// display, the runs' wall_ms and cpu_ms columns and the budgets, never a run.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/fuzz/generate.h"

namespace zab::fuzz {

// At most this many runs in one campaign (`zabsim fuzz --runs`); the campaign's memory does not
// grow with the count (run_campaign keeps a summary, not the runs).
inline constexpr std::uint64_t kCampaignRunsMax = 1'000'000'000;

struct CampaignOptions {
  CampaignSpec spec;
  std::uint64_t runs = 1000;      // the whole campaign's runs (all shards)
  unsigned jobs = 1;              // worker processes
  double time_budget_s = 0;       // 0: none; else stop handing out runs after this long
  double cpu_budget_s = 0;        // 0: none; else stop once the finished runs used this much CPU
  std::uint32_t shard = 1;        // this shard, 1..shards: run indices i with i % shards == shard - 1
  std::uint32_t shards = 1;
  std::string out_dir;            // "" : write nothing (benchmarks)
  bool progress_bar = false;      // a terminal: one redrawn line; else a plain line every 5 s
  bool quiet = false;             // no progress at all
  // Called in the parent with each failing run's line (completion order) and its schedule;
  // true: hand out no more runs (with jobs 1 the campaign then ends at exactly that run).
  // Unset: never stop.
  std::function<bool(const nlohmann::ordered_json& line, const nlohmann::ordered_json& scenario)> stop_after_finding;
  // Steered campaigns' shared corpus directory (steer.h); "" : none.
  std::string sync_dir;
  // Called in the parent with every run's line, in index order (benchmarks). Unset: nothing.
  std::function<void(const nlohmann::ordered_json& line)> on_line;
};

// How many failing runs' lines a campaign keeps for the caller (besides the first of each
// property): the rest are in runs.jsonl and the summary.
inline constexpr std::size_t kFindingLinesKept = 20;

struct CampaignOutcome {
  nlohmann::ordered_json summary;
  std::uint64_t runs = 0;  // runs finished (all of this shard's, unless a budget or a stop ended it)
  // Failing runs' lines in index order: the first kFindingLinesKept, and the first of each
  // property after those.
  std::vector<nlohmann::ordered_json> findings;
  std::map<std::uint64_t, nlohmann::ordered_json> finding_scenarios;  // the schedules of `findings`, by run index
  std::size_t features = 0;  // protocol-state features reached (signature.h)
  std::size_t corpus = 0;    // schedules that joined the steering's corpus (0 when not steering)
  double wall_s = 0;
  double cpu_s = 0;  // the runs' CPU time, summed over workers (a crashed run's is not counted)
};

// How many indices shard `shard` of `shards` runs, and the k-th of them (in order): shard
// K of N runs indices i < runs with i % N == K - 1.
std::uint64_t shard_size(std::uint64_t runs, std::uint32_t shard, std::uint32_t shards);
inline std::uint64_t shard_index(std::uint64_t k, std::uint32_t shard, std::uint32_t shards) {
  return shard - 1 + k * shards;
}

// One run, start to line: generate, execute, judge; saves a record under
// out_dir/findings/run-<index>/ if the run failed (and out_dir is set).
// `payload`: a derived schedule from the steering ("" : generate run `index`).
nlohmann::ordered_json run_one(const CampaignSpec& spec, std::uint64_t index, const std::string& out_dir,
                               const std::string& payload = "");

// The line of a run that crashed its worker (with what it wrote to stderr); saves its record.
// `derivation`: the derived schedule's payload as sent (null: run `index` was generated).
nlohmann::ordered_json crash_line(const CampaignSpec& spec, std::uint64_t index, const std::string& crash_text,
                                  const std::string& out_dir, const nlohmann::ordered_json& derivation = nullptr);

CampaignOutcome run_campaign(const CampaignOptions& options);

// Where a finding's files go.
std::string finding_dir(const std::string& out_dir, std::uint64_t index);

}  // namespace zab::fuzz
