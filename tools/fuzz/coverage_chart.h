#pragma once
// A campaign's coverage over its runs as an SVG line chart (coverage.svg): protocol-state
// features reached (tools/fuzz/signature.h) against runs, one line per campaign — this one,
// and another campaign's coverage.csv beside it (`zabsim fuzz --baseline DIR`), so that a
// steered and a random campaign of the same seed and size can be compared at a glance.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zab::fuzz {

struct CoverageSeries {
  std::string label;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> points;  // (runs, features), runs increasing
};

// coverage.csv ("runs,features,corpus,imported" and one row per batch); nullopt with `error`
// naming the file and line if it is not that.
std::optional<CoverageSeries> read_coverage_csv(const std::string& path, const std::string& label, std::string& error);

std::string coverage_svg(const std::vector<CoverageSeries>& series, const std::string& title);

}  // namespace zab::fuzz
