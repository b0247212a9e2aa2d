#include "tools/study/stats.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/base/assert.h"

namespace zab::study {

std::int64_t percentile_nearest_rank(const std::vector<std::int64_t>& sorted, unsigned percent) {
  ZAB_ASSERT(!sorted.empty() && percent >= 1 && percent <= 100, "a percentile of at least one value, 0 < p <= 100");
  ZAB_ASSERT(std::is_sorted(sorted.begin(), sorted.end()), "nearest-rank percentiles read sorted values");
  const std::size_t n = sorted.size();
  const std::size_t rank = (percent * n + 99) / 100;  // ceil(p * n / 100), at least 1 since p, n >= 1
  return sorted[rank - 1];
}

Summary summarize(std::vector<std::int64_t> values) {
  Summary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.n = values.size();
  s.p10_ns = percentile_nearest_rank(values, 10);
  s.median_ns = percentile_nearest_rank(values, 50);
  s.p90_ns = percentile_nearest_rank(values, 90);
  s.p99_ns = percentile_nearest_rank(values, 99);
  s.max_ns = values.back();
  return s;
}

std::string ms_text(std::int64_t ns) { return ns < 0 ? std::string("-") : fmt::format("{:.1f}", static_cast<double>(ns) / 1e6); }

}  // namespace zab::study
