// `zabsim bench fuzz`: the default fuzz profile, checkers included — runs per second per
// worker (one worker per core), and each worker's resident memory over a long campaign, which
// must stay flat (a leak would grow with every run). JSON on stdout.

#include "tools/bench/bench_fuzz.h"

#include <algorithm>

#include "tools/fuzz/campaign.h"

namespace zab::tools {

namespace {

std::uint64_t median_rss(const std::vector<nlohmann::ordered_json>& lines, std::size_t from, std::size_t to) {
  std::vector<std::uint64_t> v;
  for (std::size_t i = from; i < to && i < lines.size(); ++i) v.push_back(lines[i]["rss_kib"].get<std::uint64_t>());
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

nlohmann::ordered_json bench_fuzz(std::uint64_t runs, unsigned jobs, bool whole_state_invariants) {
  fuzz::CampaignOptions o;
  o.spec.whole_state_invariants = whole_state_invariants;
  o.runs = runs;
  o.jobs = jobs;
  o.quiet = true;  // and no out_dir: nothing written
  std::vector<nlohmann::ordered_json> lines;  // the benchmark's own runs (--runs is its bound)
  o.on_line = [&lines](const nlohmann::ordered_json& line) { lines.push_back(line); };
  const fuzz::CampaignOutcome outcome = fuzz::run_campaign(o);
  std::uint64_t events = 0, rss_max = 0;
  double run_ms_total = 0;
  for (const auto& l : lines) {
    events += l["events"].get<std::uint64_t>();
    rss_max = std::max(rss_max, l["rss_kib"].get<std::uint64_t>());
    run_ms_total += l.value("wall_ms", 0.0);
  }
  const std::size_t tenth = std::max<std::size_t>(1, lines.size() / 10);
  nlohmann::ordered_json j;
  j["benchmark"] = "fuzz";
  j["what"] = "zabsim fuzz's default profile (seed 1), generation + simulation + all checkers per run";
  j["runs"] = lines.size();
  j["workers"] = jobs;
  j["wall_seconds"] = outcome.wall_s;
  j["runs_per_second"] = static_cast<double>(lines.size()) / outcome.wall_s;
  j["runs_per_second_per_worker"] = static_cast<double>(lines.size()) / outcome.wall_s / jobs;
  j["mean_run_ms"] = run_ms_total / static_cast<double>(std::max<std::size_t>(1, lines.size()));
  j["trace_events_per_run"] = static_cast<double>(events) / static_cast<double>(std::max<std::size_t>(1, lines.size()));
  j["findings"] = outcome.summary["findings"].size();
  // Resident memory of the worker after each run: the first tenth, the last tenth, the peak.
  j["worker_rss_kib_first_tenth_median"] = median_rss(lines, 0, tenth);
  j["worker_rss_kib_last_tenth_median"] = median_rss(lines, lines.size() - tenth, lines.size());
  j["worker_rss_kib_max"] = rss_max;
  j["seconds_for_10000_runs_estimated"] = 10'000.0 / (static_cast<double>(lines.size()) / outcome.wall_s);
  return j;
}

}  // namespace zab::tools
