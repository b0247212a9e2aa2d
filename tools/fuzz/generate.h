#pragma once
// Random fault schedules for fuzzing campaigns (TigerBeetle's VOPR, swarm testing): from one
// campaign seed, run i gets its own seed, and from that seed alone a whole scenario document —
// cluster size and timing knobs, clients and workload mix, and a fault mix drawn per run
// (all partitions, all crashes, disk-heavy, or everything), with faults at random times and on
// protocol triggers. Every schedule ends by healing everything and restarting what is down,
// then runs on for the liveness checker's bound, so every run is judged for liveness too.
//
// The output is an ordinary scenario document (scenarios/README.md): a finding is a file a
// person can read, run and keep.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zab::fuzz {

struct CampaignSpec {
  std::uint64_t seed = 1;
  std::vector<std::string> mutations;  // catalog names, enabled in every run
  bool out_of_model = false;           // also draw faults ZAB does not claim to survive
  bool whole_state_invariants = true;  // false: --fast-invariants (ServerConfig's, not the schedule's)
  bool steer = false;                  // derive schedules from those that reached new coverage (steer.h)
};

struct GeneratedRun {
  std::uint64_t index = 0;
  std::uint64_t seed = 0;        // the run's seed: the scenario's "seed" and the world's
  std::string profile;           // the fault mix: partitions, crashes, disk, everything
  nlohmann::ordered_json scenario;
};

// The seed of run `index`: depends only on the campaign seed and the index, so a shard or a
// re-run computes the same seed without generating the runs before it.
std::uint64_t run_seed(std::uint64_t campaign_seed, std::uint64_t index);

// Run `index` of the campaign. Deterministic: the same spec and index give the same document.
GeneratedRun generate_run(const CampaignSpec& spec, std::uint64_t index);

// The parameters of a generated run worth a column in runs.jsonl (from its document).
nlohmann::ordered_json run_parameters(const nlohmann::ordered_json& scenario);

}  // namespace zab::fuzz
