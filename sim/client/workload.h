#pragma once
// A client's operations drawn from a workload description: the operation mix (relative
// weights), the key space (/k0 .. /k<keys-1>), and think time between operations. Every
// written value is unique ("c<client>-<n>"), so checkers can tell writes apart.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/client/zk_client.h"
#include "sim/rng.h"

namespace zab::sim {

struct WorkloadMix {
  std::uint32_t ops = 0;              // operations per client
  std::int64_t think_time_ms = 100;   // mean pause after each completed operation
  std::uint32_t keys = 8;
  std::map<std::string, std::uint32_t> weights;  // by kind; empty: a default read/write mix
};

// The kinds a mix may name.
const std::vector<std::string>& workload_kinds();

std::vector<ScriptedOp> generate_workload(const WorkloadMix& mix, std::uint32_t client, Rng& rng);

}  // namespace zab::sim
