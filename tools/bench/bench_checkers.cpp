// `zabsim bench checkers`: time and peak memory of the ZooKeeper-consistency checker on
// generated histories (checkers/history_gen.h) of 1k, 10k and 100k operations with 10 and 50
// clients, as JSON. Wall-clock time is read here, in a tool, and never reaches a check.

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "checkers/history_gen.h"
#include "checkers/zk_consistency.h"
#include "tools/commands.h"

namespace zab::tools {

namespace {

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int run_bench_checkers(const std::vector<std::size_t>& sizes) {
  nlohmann::ordered_json result;
  result["benchmark"] = "checkers";
  result["what"] =
      "ZooKeeper consistency (OSC(U)) on generated valid histories (3 servers, 16 znodes, 0.5% "
      "indeterminate writes, stale reads, failovers), one core; peak RSS is the process's "
      "high-water mark so far (getrusage maxrss), so it only grows down the list";
  bool all_ok = true;
  for (std::size_t operations : sizes) {
    for (std::size_t clients : {10, 50}) {
      check::GeneratorConfig config{.seed = 7, .operations = operations, .clients = clients};
      const check::History history = check::generate_zk_history(config);
      check::CheckOptions options;
      options.model = check::ModelKind::kZnode;
      const auto start = std::chrono::steady_clock::now();
      const check::CheckReport report = check::check_zk_consistency(history, options);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      nlohmann::ordered_json run;
      run["operations"] = operations;
      run["clients"] = clients;
      run["verdict"] = check::history_verdict_name(report.verdict);
      run["seconds"] = seconds;
      run["search_steps"] = report.search_steps;
      run["memo_entries"] = report.memo_entries_max;
      run["peak_rss_kib"] = peak_rss_kib();
      result["runs"].push_back(run);
      all_ok = all_ok && report.verdict == check::HistoryVerdict::kOk;
    }
  }
  fmt::print("{}\n", result.dump(2));
  // A generated history is valid by construction: anything but "ok" is a checker bug.
  return all_ok ? kExitOk : kExitSafety;
}

}  // namespace zab::tools
