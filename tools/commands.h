#pragma once
// The subcommands of `zabsim`. Each takes its own arguments (after the subcommand name) and
// returns the process exit code: 0 success, 1 a safety violation, 3 a liveness violation,
// 2 bad input or usage, 4 inconclusive.

#include <string>
#include <vector>

namespace zab::tools {

constexpr int kExitOk = 0;
constexpr int kExitSafety = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLiveness = 3;
constexpr int kExitInconclusive = 4;  // a checker ran out of budget: neither ok nor a violation

int run_demo(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);
int run_run(const std::vector<std::string>& args);
int run_replay(const std::vector<std::string>& args);
int run_check(const std::vector<std::string>& args);
int run_bench_checkers(const std::vector<std::size_t>& sizes);  // called by run_bench
int run_fuzz(const std::vector<std::string>& args);
int run_merge(const std::vector<std::string>& args);
int run_shrink(const std::vector<std::string>& args);
int run_study(const std::vector<std::string>& args);

}  // namespace zab::tools
