#pragma once
// `zabsim bench fuzz`: throughput and per-worker memory of a fuzz campaign.

#include <cstdint>

#include <nlohmann/json.hpp>

namespace zab::tools {

nlohmann::ordered_json bench_fuzz(std::uint64_t runs, unsigned jobs, bool whole_state_invariants = true);

}  // namespace zab::tools
