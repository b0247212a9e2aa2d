// `zabsim fuzz`: a campaign of random fault schedules on worker processes; every finding
// saved as a run record with its replay command, and shrunk (the first run of each violated
// property) unless --no-shrink. Exit code 1 if any run failed, 0 otherwise.

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "protocol/base/mutations.h"
#include "checkers/json_input.h"
#include "tools/commands.h"
#include "tools/fuzz/campaign.h"
#include "tools/fuzz/coverage_chart.h"
#include "tools/fuzz/shrink.h"
#include "tools/fuzz/steer.h"
#include "tools/fuzz/summary.h"
#include "tools/options.h"

namespace zab::tools {

namespace {

bool parse_shard(const std::string& text, std::uint32_t& k, std::uint32_t& n) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t used_k = 0, used_n = 0;
    const auto kk = std::stoul(text.substr(0, slash), &used_k);
    const auto nn = std::stoul(text.substr(slash + 1), &used_n);
    if (used_k != slash || used_n != text.size() - slash - 1 || nn < 1 || kk < 1 || kk > nn) return false;
    k = static_cast<std::uint32_t>(kk);
    n = static_cast<std::uint32_t>(nn);
    return true;
  } catch (...) {
    return false;
  }
}

// Shrinks the first finding of each property; returns the lines to print.
std::string shrink_findings(const fuzz::CampaignOptions& o, const fuzz::CampaignOutcome& outcome, double budget_s) {
  std::string out;
  std::set<std::string> done;
  for (const auto& line : outcome.findings) {
    const std::string property = line["properties"][0].get<std::string>();
    if (!done.insert(property).second) continue;
    const auto index = line["index"].get<std::uint64_t>();
    const auto& scenario = outcome.finding_scenarios.at(index);
    const fuzz::ShrinkResult r = fuzz::shrink(scenario, scenario["seed"].get<std::uint64_t>(), property,
                                              fuzz::ShrinkOptions{.time_budget_s = budget_s});
    const std::string path = (std::filesystem::path(fuzz::finding_dir(o.out_dir, index)) / "min.json").string();
    std::ofstream(path) << r.scenario.dump(2) << "\n";
    out += fmt::format("  {}: run {} shrunk to {} faults, {} servers in {:.1f} s ({} candidates{}): zabsim run {}\n",
                       property, index, r.scenario["faults"].size(), r.scenario["cluster"]["servers"].get<std::int64_t>(),
                       r.seconds, r.attempts, r.budget_exhausted ? ", time budget reached" : "", path);
  }
  return out;
}

}  // namespace

int run_fuzz(const std::vector<std::string>& args) {
  po::options_description options("fuzz options");
  fuzz::CampaignOptions o;
  std::string shard = "1/1";
  std::vector<std::string> mutations;
  double shrink_budget_s = 60;
  std::string baseline;
  options.add_options()("help,h", "show this help")(
      "runs", uint_value<1, fuzz::kCampaignRunsMax>(&o.runs, 1000), "runs in the whole campaign (all shards)")(
      "seed", uint_value<0, UINT64_MAX>(&o.spec.seed, 1), "the campaign seed")(
      "jobs", uint_value<1, kJobsMax>(&o.jobs, static_cast<std::uint64_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)))),
      "worker processes (default: one per core)")(
      "time-budget", seconds_value<kSecondsMax>(&o.time_budget_s, 0), "stop starting runs after this many seconds (0: none)")(
      "shard", po::value<std::string>(&shard)->default_value("1/1"), "K/N: run only indices i with i % N == K-1")(
      "out", po::value<std::string>(&o.out_dir)->default_value("zabsim-fuzz"),
      "output directory: campaign.json, runs.jsonl, summary.json, findings/")(
      "mutation", po::value<std::vector<std::string>>(&mutations), "enable a mutation switch in every run (repeatable)")(
      "no-shrink", "do not shrink findings")(
      "shrink-budget", seconds_value<kSecondsMax>(&shrink_budget_s, 60), "seconds to shrink each finding")(
      "out-of-model", "also draw faults ZAB does not claim to survive (drop, duplicate, reorder within a connection)")(
      "random", "random schedules only: no steering by coverage (the corpus and derived schedules of issue 17)")(
      "sync-dir", po::value<std::string>(&o.sync_dir),
      "steered shards share their corpus through this directory (a shared volume); the campaign is then not "
      "reproducible as a whole, each run still is from its record")(
      "baseline", po::value<std::string>(&baseline),
      "another campaign's output directory: its coverage over runs is drawn beside this one's in coverage.svg")(
      "quiet", "no progress output")(
      "fast-invariants",
      "skip the whole-state invariants pass after each step, for speed (the database's full walks then run "
      "every 1024th step; the other invariants and every assertion stay on)");
  po::positional_options_description positional;
  po::variables_map vm;
  if (auto code = parse_options("fuzz", args, options, positional, vm,
                                "examples:\n  zabsim fuzz --runs 10000\n"
                                "  zabsim fuzz --runs 500 --mutation commit-without-quorum --out /tmp/f\n"
                                "  zabsim fuzz --runs 100000 --shard 3/8 --out shard3   (then: zabsim merge shard*)\n"
                                "  zabsim fuzz --runs 100000 --shard 3/8 --sync-dir /shared/corpus --out shard3\n")) {
    return *code;
  }
  if (!parse_shard(shard, o.shard, o.shards)) {
    fmt::print(stderr, "zabsim fuzz: --shard: '{}' is not K/N with 1 <= K <= N\n", shard);
    return kExitUsage;
  }
  if (o.jobs < 1) {
    fmt::print(stderr, "zabsim fuzz: --jobs: must be at least 1\n");
    return kExitUsage;
  }
  for (const auto& m : mutations) {
    if (!mutation_by_name(m)) {
      std::string known;
      for (const auto& info : mutation_catalog()) known += (known.empty() ? "" : ", ") + std::string(info.name);
      fmt::print(stderr, "zabsim fuzz: --mutation: unknown switch '{}' (known: {})\n", m, known);
      return kExitUsage;
    }
  }
  std::optional<fuzz::CoverageSeries> baseline_series;
  if (!baseline.empty()) {
    std::filesystem::path name = std::filesystem::path(baseline);
    if (name.filename().empty()) name = name.parent_path();  // "dir/"
    std::string why;
    baseline_series = fuzz::read_coverage_csv((std::filesystem::path(baseline) / "coverage.csv").string(), "", why);
    if (!baseline_series) {
      fmt::print(stderr, "zabsim fuzz: --baseline: {}\n", why);
      return kExitUsage;
    }
    // The other campaign's way of choosing schedules, from its campaign.json (no "steer": random).
    const std::string identity_path = (std::filesystem::path(baseline) / "campaign.json").string();
    json_input::JsonError json_error;
    const auto identity_text = json_input::read_file(identity_path, why);
    const auto identity = identity_text ? json_input::parse<nlohmann::ordered_json>(*identity_text, json_error) : std::nullopt;
    if (!identity || !identity->is_object()) {
      fmt::print(stderr, "zabsim fuzz: --baseline: {}: {}\n", identity_path,
                 !identity_text ? why : identity ? "must be a campaign's campaign.json (an object)" : json_error.text());
      return kExitUsage;
    }
    const bool steered = identity->contains("steer") && (*identity)["steer"] == true;
    baseline_series->label = fmt::format("--baseline {} ({})", name.filename().string(), steered ? "steered" : "random schedules");
  }
  if (!make_output_dir("fuzz", "--out", o.out_dir)) return kExitUsage;  // the campaign writes into it as runs finish
  o.spec.mutations = mutations;
  o.spec.out_of_model = vm.count("out-of-model") != 0;
  o.spec.steer = vm.count("random") == 0;
  if (!o.sync_dir.empty() && !o.spec.steer) {
    fmt::print(stderr, "zabsim fuzz: --sync-dir shares a steered campaign's corpus; it cannot go with --random\n");
    return kExitUsage;
  }
  if (!o.sync_dir.empty() && !make_output_dir("fuzz", "--sync-dir", o.sync_dir)) return kExitUsage;
  o.quiet = vm.count("quiet") != 0;
  o.spec.whole_state_invariants = vm.count("fast-invariants") == 0;
  o.progress_bar = ::isatty(STDOUT_FILENO) != 0;
  if (!mutations.empty()) fmt::print("MUTATIONS ON: {}\n", fmt::join(mutations, ", "));
  fmt::print("zabsim fuzz: {} runs (shard {}/{}), seed {}, {} workers, {}, output in {}\n", o.runs, o.shard, o.shards,
             o.spec.seed, o.jobs, o.spec.steer ? "steered by coverage" : "random schedules", o.out_dir);
  const fuzz::CampaignOutcome outcome = fuzz::run_campaign(o);
  fmt::print("\n{}", fuzz::render_summary(outcome.summary));
  fmt::print("{} runs in {:.1f} s: {:.1f} runs/s on {} workers\n", outcome.runs, outcome.wall_s,
             static_cast<double>(outcome.runs) / outcome.wall_s, o.jobs);
  if (o.spec.steer) {
    fmt::print("corpus: {} schedules reached new protocol states{}\n", outcome.corpus,
               outcome.corpus > fuzz::kCorpusMax ? fmt::format(" (the newest {} kept)", fuzz::kCorpusMax) : "");
  }
  {
    std::string why;
    const std::string csv = (std::filesystem::path(o.out_dir) / "coverage.csv").string();
    auto mine = fuzz::read_coverage_csv(csv, fmt::format("this campaign ({})", o.spec.steer ? "steered" : "random schedules"), why);
    if (mine) {
      std::vector<fuzz::CoverageSeries> series = {*mine};
      if (baseline_series) series.push_back(*baseline_series);
      const std::string svg = (std::filesystem::path(o.out_dir) / "coverage.svg").string();
      std::ofstream(svg) << fuzz::coverage_svg(series, fmt::format("Protocol-state coverage over runs, campaign seed {}", o.spec.seed));
      fmt::print("coverage over runs: {} and {}\n", csv, svg);
    } else {
      // The output directory changed under the campaign (a full disk, removed by hand).
      fmt::print(stderr, "zabsim fuzz: no coverage chart: {}\n", why);
    }
  }
  const std::uint64_t findings = fuzz::finding_count(outcome.summary);
  if (findings == 0) return kExitOk;
  fmt::print("\nfindings (run records; replay with the command shown):\n");
  for (std::size_t k = 0; k < outcome.findings.size() && k < fuzz::kFindingLinesKept; ++k) {
    const auto& line = outcome.findings[k];
    const auto index = line["index"].get<std::uint64_t>();
    fmt::print("  run {} [{}]: zabsim replay {}/record.json\n", index, line["properties"][0].get<std::string>(),
               fuzz::finding_dir(o.out_dir, index));
  }
  if (findings > fuzz::kFindingLinesKept) {
    fmt::print("  ... {} more in {}/findings\n", findings - fuzz::kFindingLinesKept, o.out_dir);
  }
  if (vm.count("no-shrink") == 0) {
    fmt::print("\nshrinking the first finding of each property:\n");
    fmt::print("{}", shrink_findings(o, outcome, shrink_budget_s));
  }
  return kExitSafety;
}

}  // namespace zab::tools
