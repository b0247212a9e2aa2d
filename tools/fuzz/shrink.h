#pragma once
// Shrinking a failing run (delta debugging on the scenario document): fewer faults, fewer
// servers, fewer clients and operations, a shorter run, faults earlier, triggers simplified —
// each candidate kept only if it still violates the same property (a crash: the same broken
// invariant). Every candidate runs in a forked child, so a crash is an outcome, not the end.
// Deterministic: the same input gives the same result, unless the time budget runs out.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zab::fuzz {

// What a scenario document does with a seed, from a forked child.
struct Probe {
  std::vector<std::string> properties;  // violated; "crash" if the child died
  std::string crash;                    // the child's first stderr line, if it crashed
  std::string kind(const std::string& property) const;
  std::map<std::string, std::string> kinds;  // property -> safety / liveness / crash
};
Probe probe(const nlohmann::ordered_json& scenario, std::uint64_t seed);

struct ShrinkOptions {
  double time_budget_s = 60;
  bool verbose = false;  // one line per accepted step, to stdout
};

struct ShrinkResult {
  bool reproduced = false;       // the input failed as expected at all
  nlohmann::ordered_json scenario;  // the smallest failing document found (with "seed" and "expect")
  std::string property;
  std::uint32_t attempts = 0;    // candidates run
  std::uint32_t accepted = 0;    // candidates that still failed
  bool budget_exhausted = false;
  double seconds = 0;
};

// `property`: what must keep failing; "" = the input's first violated property.
ShrinkResult shrink(const nlohmann::ordered_json& scenario, std::uint64_t seed, std::string property,
                    const ShrinkOptions& options);

}  // namespace zab::fuzz
