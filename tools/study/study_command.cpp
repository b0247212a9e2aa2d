// `zabsim study SPEC`: a recovery-timing study. Runs one scenario per (setting, seed) on worker
// processes, prints median / p90 / p99 / max per recovery phase for each setting, and writes
// table.csv, results.json, runs.jsonl and SVG charts into --out.

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <variant>

#include "sim/scenario/scenario.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/real/ensemble.h"
#include "tools/real/real_run.h"
#include "tools/real/zoo_config.h"
#include "tools/study/real_study.h"
#include "tools/study/plot.h"
#include "tools/study/spec.h"
#include "tools/study/study.h"

namespace zab::tools {

namespace {


bool write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int run_study(const std::vector<std::string>& args) {
  po::options_description options("study options");
  std::string spec_path, out_dir;
  unsigned jobs = 1;
  std::uint64_t seeds = 0;
  std::uint64_t real_trials = 0;
  std::string real_from;
  options.add_options()("help,h", "show this help")(
      "spec", po::value<std::string>(&spec_path)->required(), "the study spec (JSON; scenarios/studies/README.md)")(
      "jobs", uint_value<1, kJobsMax>(&jobs, static_cast<std::uint64_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)))),
      "worker processes (results do not depend on it)")(
      "out", po::value<std::string>(&out_dir),
      "output directory: table.csv, results.json, runs.jsonl, *.svg (default: zabsim-study/<spec name>)")(
      "seeds", uint_value<1, 100'000>(&seeds), "seeds per setting (overrides the spec's)")(
      "real", uint_value<1, 1'000>(&real_trials),
      "also run this many trials of each setting on a real ZooKeeper 3.8 ensemble (one after another; "
      "Debian's zookeeper package) and print both worlds side by side")(
      "real-from", po::value<std::string>(&real_from),
      "compare with real trials measured before (a real_trials.jsonl that --real wrote) instead of running them")(
      "quiet", "no progress output");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  if (auto code = parse_options("study", args, options, positional, vm,
                                "examples:\n  zabsim study scenarios/studies/fault-kind.json\n"
                                "  zabsim study scenarios/studies/cluster-size-latency.json --seeds 10 --jobs 2 --out /tmp/size\n"
                                "  zabsim study scenarios/studies/real-leader-faults.json --real 30   # and on a real ensemble\n"
                                "  zabsim study scenarios/studies/real-leader-faults.json \\\n"
                                "      --real-from scenarios/studies/real-leader-faults/real_trials.jsonl\n")) {
    return *code;
  }
  if (jobs < 1) {
    fmt::print(stderr, "zabsim study: --jobs: must be at least 1\n");
    return kExitUsage;
  }
  if (vm.count("seeds") && (seeds < 1 || seeds > 100000)) {
    fmt::print(stderr, "zabsim study: --seeds: must be from 1 to 100000\n");
    return kExitUsage;
  }
  study::SpecError error;
  auto spec = study::load_spec(spec_path, error);
  if (!spec) {
    fmt::print(stderr, "zabsim study: {}\n", error.text());
    return kExitUsage;
  }
  if (seeds > 0) spec->seeds = seeds;
  if (const std::uint64_t runs = study::settings(*spec).size() * spec->seeds; runs > study::kStudyRunsMax) {
    fmt::print(stderr, "zabsim study: --seeds: {} settings x {} seeds is {} runs; at most {}\n",
               study::settings(*spec).size(), spec->seeds, runs, study::kStudyRunsMax);
    return kExitUsage;
  }
  if (real_trials > 0 && !real_from.empty()) {
    fmt::print(stderr, "zabsim study: --real and --real-from: run real trials or read them, not both\n");
    return kExitUsage;
  }
  std::optional<std::vector<study::RealTrial>> earlier_trials;
  if (!real_from.empty()) {
    std::string error;
    earlier_trials = study::load_real_trials(real_from, study::settings(*spec), error);
    if (!earlier_trials) {
      fmt::print(stderr, "zabsim study: --real-from: {}\n", error);
      return kExitUsage;
    }
  }
  std::optional<tools::real::ZooKeeperInstall> install;
  if (real_trials > 0) {
    std::string missing;
    install = tools::real::find_zookeeper(missing);
    if (!install) {
      fmt::print(stderr, "zabsim study: --real: ZooKeeper 3.8 is not installed ({} is missing): run "
                         "`apt-get install zookeeper default-jre-headless` as root\n", missing);
      return kExitUsage;
    }
    // Every setting must be possible on a real ensemble before anything runs.
    for (const study::Setting& setting : study::settings(*spec)) {
      auto parsed = sim::parse_scenario(study::build_scenario(*spec, setting, spec->first_seed).dump(), "study");
      for (const std::string& r : tools::real::refusals(std::get<sim::Scenario>(parsed))) {
        fmt::print(stderr, "zabsim study: --real: setting {}: {}\n", setting.label, r);
        return kExitUsage;
      }
    }
  }
  if (out_dir.empty()) out_dir = (std::filesystem::path("zabsim-study") / std::filesystem::path(spec_path).stem()).string();
  if (!make_output_dir("study", "--out", out_dir)) return kExitUsage;

  const bool quiet = vm.count("quiet") != 0;
  const auto started = std::chrono::steady_clock::now();
  // Progress goes to stderr with the wall time; nothing written to stdout or files depends on it.
  auto progress = [&](std::size_t done, std::size_t total) {
    if (quiet || (done % 20 != 0 && done != total)) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print(stderr, "\r  {}/{} runs, {:.1f} s wall", done, total, s);
    if (done == total) fmt::print(stderr, "\n");
  };
  const study::StudyResult result = study::run_study(*spec, spec_path, jobs, progress);

  const std::string table = study::render_table(result);
  fmt::print("{}", table);
  const std::filesystem::path dir(out_dir);
  bool ok = write_text(dir / "table.txt", table) && write_text(dir / "table.csv", study::table_csv(result)) &&
            write_text(dir / "results.json", study::results_json(result).dump(2) + "\n");
  std::string runs;
  const auto all = study::settings(result.spec);
  for (const auto& row : result.rows) runs += study::row_to_json(row, result.spec, all).dump() + "\n";
  ok = ok && write_text(dir / "runs.jsonl", runs);
  std::vector<std::string> charts = {"phases.svg"};
  ok = ok && write_text(dir / "phases.svg", study::distribution_svg(result));
  // Recovery against each swept number: when it is noticed, when a leader serves, when clients do.
  const std::size_t sweep_phases[] = {0, 4, 8};  // detected, established, unavailable
  for (std::size_t a = 0; a < result.spec.axes.size(); ++a) {
    if (!result.spec.axes[a].numeric() || result.spec.axes[a].values.size() < 2) continue;
    for (std::size_t k : sweep_phases) {
      const std::string name = fmt::format("sweep-{}-{}.svg", result.spec.axes[a].name, study::kPhases[k].key);
      ok = ok && write_text(dir / name, study::sweep_svg(result, a, k));
      charts.push_back(name);
    }
  }
  if (!ok) {
    fmt::print(stderr, "zabsim study: cannot write into '{}'\n", out_dir);
    return kExitUsage;
  }
  if (earlier_trials) {
    const std::string side = study::render_side_by_side(result, *earlier_trials);
    fmt::print("{}", side);
    if (!write_text(dir / "side_by_side.txt", side) ||
        !write_text(dir / "side_by_side.csv", study::side_by_side_csv(result, *earlier_trials))) {
      fmt::print(stderr, "zabsim study: cannot write into '{}'\n", out_dir);
      return kExitUsage;
    }
    charts.push_back("side_by_side.txt side_by_side.csv");
  }
  if (real_trials > 0) {
    tools::real::stop_on_interrupt_signals();
    const auto real_started = std::chrono::steady_clock::now();
    auto real_progress = [&](std::size_t done, std::size_t total) {
      if (quiet) return;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - real_started).count();
      fmt::print(stderr, "\r  real: {}/{} trials, {:.0f} s wall", done, total, s);
      if (done == total) fmt::print(stderr, "\n");
    };
    const auto trials = study::run_real_trials(*spec, real_trials, *install, real_progress);
    const std::string side = study::render_side_by_side(result, trials);
    fmt::print("{}", side);
    std::string lines;
    for (const auto& t : trials) lines += study::real_trial_to_json(t, all).dump() + "\n";
    if (!write_text(dir / "side_by_side.txt", side) || !write_text(dir / "side_by_side.csv", study::side_by_side_csv(result, trials)) ||
        !write_text(dir / "real_trials.jsonl", lines)) {
      fmt::print(stderr, "zabsim study: cannot write into '{}'\n", out_dir);
      return kExitUsage;
    }
    charts.push_back("side_by_side.txt side_by_side.csv real_trials.jsonl");
    if (tools::real::stop_requested()) {
      fmt::print(stderr, "zabsim study: interrupted after {} real trials\n", trials.size());
      return kExitUsage;
    }
  }
  std::string list;
  for (const auto& c : charts) list += " " + c;
  fmt::print("\nwritten to {}: table.txt table.csv results.json runs.jsonl{}\n", out_dir, list);
  return kExitOk;
}

}  // namespace zab::tools
