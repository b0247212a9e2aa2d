#pragma once
// Shared handling of Boost.Program_options for subcommands: parse, turn every parse error into
// a one-line message with exit code 2, and print --help.

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tools/commands.h"

namespace zab::tools {

namespace po = boost::program_options;

// Returns an exit code if the command should stop (help printed, or bad usage), else nullopt.
inline std::optional<int> parse_options(const std::string& command, const std::vector<std::string>& args,
                                        const po::options_description& options,
                                        const po::positional_options_description& positional,
                                        po::variables_map& vm, const std::string& examples) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help") != 0) {
      std::cout << "usage: zabsim " << command << " [options]\n\n" << options << "\n" << examples;
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "zabsim {}: {}\n(see `zabsim {} --help`)\n", command, e.what(), command);
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace zab::tools
