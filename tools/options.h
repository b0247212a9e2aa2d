#pragma once
// Shared handling of Boost.Program_options for subcommands: parse, turn every parse error into
// a one-line message with exit code 2, and print --help.

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "tools/commands.h"

namespace zab::tools {

namespace po = boost::program_options;

// A positional option's name as the synopsis writes it: "scenario" -> "SCENARIO".
inline std::string positional_label(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  return name;
}

// The synopsis: "zabsim run [options] SCENARIO", the positional arguments named in capitals
// ("DIRS..." for one that takes any number).
inline std::string usage_line(const std::string& command, const po::positional_options_description& positional) {
  std::string line = "zabsim " + command + " [options]";
  const unsigned count = positional.max_total_count();
  const bool unlimited = count == std::numeric_limits<unsigned>::max();
  std::string last;
  for (unsigned i = 0; i < (unlimited ? 1U : count); ++i) {
    const std::string& name = positional.name_for_position(i);
    if (name == last) continue;
    last = name;
    line += " " + positional_label(name) + (unlimited ? "..." : "");
  }
  return line;
}

// Returns an exit code if the command should stop (help printed, or bad usage), else nullopt.
inline std::optional<int> parse_options(const std::string& command, const std::vector<std::string>& args,
                                        const po::options_description& options,
                                        const po::positional_options_description& positional,
                                        po::variables_map& vm, const std::string& examples) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help") != 0) {
      std::cout << "usage: " << usage_line(command, positional) << "\n\n" << options << "\n" << examples;
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::required_option& e) {
    // A missing positional argument is named as the synopsis names it, not as "--scenario".
    std::string name = e.get_option_name();
    if (name.rfind("--", 0) == 0) name.erase(0, 2);
    const unsigned count = positional.max_total_count();
    for (unsigned i = 0; i < count && i < 16; ++i) {  // bounded: a few positionals at most
      if (positional.name_for_position(i) == name) {
        fmt::print(stderr, "zabsim {}: missing argument {}\nusage: {}\n(see `zabsim {} --help`)\n", command,
                   positional_label(name), usage_line(command, positional), command);
        return kExitUsage;
      }
    }
    fmt::print(stderr, "zabsim {}: {}\n(see `zabsim {} --help`)\n", command, e.what(), command);
    return kExitUsage;
  } catch (const po::error& e) {
    fmt::print(stderr, "zabsim {}: {}\n(see `zabsim {} --help`)\n", command, e.what(), command);
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace zab::tools
