// zabsim: a deterministic simulator and fault-injection testbed for ZooKeeper's ZAB.

#include <fmt/format.h>

#include <cstring>
#include <string>
#include <vector>

#include "tools/build_info.h"
#include "tools/commands.h"

namespace {

void print_usage() {
  fmt::print(
      "usage: zabsim <command> [options]\n"
      "\n"
      "commands:\n"
      "  run      run a scenario file: timeline, recovery phases, verdicts, trace hash\n"
      "  replay   run a recorded run again and confirm its trace hash\n"
      "  report   a recorded run as an HTML page: space-time diagram, faults, recovery, verdicts\n"
      "  check    judge a client history: ZooKeeper consistency or linearizability\n"
      "  fuzz     a campaign of random fault schedules; findings as run records, shrunk\n"
      "  shrink   the smallest scenario that still fails a recorded run the same way\n"
      "  study    recovery timing over a sweep of settings and seeds: percentiles, CSV, SVG\n"
      "  merge    the summary of a campaign run in shards (fuzz --shard K/N)\n"
      "  bugs     hunt each entry of the bug catalog with random schedules: how soon it is caught\n"
      "  real     a scenario's servers and process faults on a real ZooKeeper 3.8 ensemble here\n"
      "  bench    measure the simulator and the checkers (bench kernel | run | checkers | fuzz)\n"
      "  demo     run a small simulated world with a toy protocol (no ZAB)\n"
      "\n"
      "`zabsim <command> --help` describes a command's options; `zabsim --version` the build.\n"
      "\n{}",
      zab::tools::kExitCodeTable);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage();
    return argc < 2 ? zab::tools::kExitUsage : zab::tools::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    fmt::print("zabsim {} (commit {}, {} build)\n", zab::tools::kProjectVersion, zab::tools::kBuildCommit,
               zab::tools::kBuildType[0] == '\0' ? "unknown" : zab::tools::kBuildType);
    return zab::tools::kExitOk;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "demo") return zab::tools::run_demo(args);
  if (command == "run") return zab::tools::run_run(args);
  if (command == "replay") return zab::tools::run_replay(args);
  if (command == "report") return zab::tools::run_report(args);
  if (command == "bench") return zab::tools::run_bench(args);
  if (command == "check") return zab::tools::run_check(args);
  if (command == "fuzz") return zab::tools::run_fuzz(args);
  if (command == "merge") return zab::tools::run_merge(args);
  if (command == "shrink") return zab::tools::run_shrink(args);
  if (command == "bugs") return zab::tools::run_bugs(args);
  if (command == "study") return zab::tools::run_study(args);
  if (command == "real") return zab::tools::run_real(args);
  fmt::print(stderr, "zabsim: unknown command '{}'\n", command);
  print_usage();
  return zab::tools::kExitUsage;
}
