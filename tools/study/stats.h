#pragma once
// Order statistics for the study tables, by the nearest-rank method: the p-th percentile of n
// values is the value at rank ceil(p/100 * n) (1-based) in ascending order — always one of the
// values, never an interpolation, so a table row names a time some run really took. For n = 20,
// p90 is the 18th value and p99 the 20th (the maximum). Integers in, integers out: no floating
// point decides a rank.

#include <cstdint>
#include <string>
#include <vector>

namespace zab::study {

// `sorted` ascending and non-empty; 0 < percent <= 100.
std::int64_t percentile_nearest_rank(const std::vector<std::int64_t>& sorted, unsigned percent);

struct Summary {
  std::size_t n = 0;  // how many runs reached the phase
  std::int64_t p10_ns = -1, median_ns = -1, p90_ns = -1, p99_ns = -1, max_ns = -1;
};
// Sorts `values` and summarizes them (n = 0 and -1 everywhere when empty).
Summary summarize(std::vector<std::int64_t> values);

// A table cell: ns as ms with one decimal, "-" for a phase not reached (negative).
std::string ms_text(std::int64_t ns);

}  // namespace zab::study
