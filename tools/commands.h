#pragma once
// The subcommands of `zabsim`. Each takes its own arguments (after the subcommand name) and
// returns the process exit code (tools/exit_codes.h).

#include <string>
#include <vector>

#include "tools/exit_codes.h"

namespace zab::tools {

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
int run_real(const std::vector<std::string>& args);

}  // namespace zab::tools
