#pragma once
// The subcommands of `zabsim`. Each takes its own arguments (after the subcommand name) and
// returns the process exit code: 0 success, 1 a safety violation, 3 a liveness violation,
// 2 bad input or usage, 4 inconclusive, 5 (`zabsim bugs`) a catalog entry not found.

#include <string>
#include <vector>

namespace zab::tools {

constexpr int kExitOk = 0;
constexpr int kExitSafety = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLiveness = 3;
constexpr int kExitInconclusive = 4;  // a checker ran out of budget: neither ok nor a violation
// `zabsim bugs`: some selected catalog entry was not found within its budget. Not 1 or 3:
// those say "this run violated a property", and here it is the opposite — a campaign against
// a known-broken protocol saw no violation.
constexpr int kExitNotFound = 5;

int run_demo(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);
int run_run(const std::vector<std::string>& args);
int run_replay(const std::vector<std::string>& args);
int run_report(const std::vector<std::string>& args);
int run_check(const std::vector<std::string>& args);
int run_bench_checkers(const std::vector<std::size_t>& sizes);  // called by run_bench
int run_fuzz(const std::vector<std::string>& args);
int run_merge(const std::vector<std::string>& args);
int run_shrink(const std::vector<std::string>& args);
int run_bugs(const std::vector<std::string>& args);
int run_study(const std::vector<std::string>& args);

}  // namespace zab::tools
