#pragma once
// Shared handling of Boost.Program_options for subcommands: parse, turn every parse error into
// a one-line message with exit code 2, and print --help.

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
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

// A whole-number option from Min to Max: digits only. Boost reads "-1" into an unsigned as
// 2^64-1, and a 64-bit seed must be taken whole, so options use this instead of uint64_t.
template <std::uint64_t Min, std::uint64_t Max>
struct UInt {
  std::uint64_t value = Min;
};

// A number of seconds from 0 to Max (finite; "-1", "nan" and "inf" are refused).
template <std::uint64_t Max>
struct Seconds {
  double value = 0;
};

inline constexpr std::uint64_t kJobsMax = 256;                 // worker processes
inline constexpr std::uint64_t kSecondsMax = 30ULL * 24 * 3600;  // budgets: thirty days

template <std::uint64_t Min, std::uint64_t Max>
void validate(boost::any& v, const std::vector<std::string>& values, UInt<Min, Max>*, int) {
  po::validators::check_first_occurrence(v);
  const std::string& s = po::validators::get_single_string(values);
  const bool digits = !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  errno = 0;
  const unsigned long long n = digits ? std::strtoull(s.c_str(), nullptr, 10) : 0;
  if (!digits || errno == ERANGE || n < Min || n > Max) {
    throw po::error_with_option_name(
        fmt::format("the argument ('{}') for option '%canonical_option%' must be a whole number from {} to {}", s, Min, Max));
  }
  v = boost::any(UInt<Min, Max>{n});
}

template <std::uint64_t Max>
void validate(boost::any& v, const std::vector<std::string>& values, Seconds<Max>*, int) {
  po::validators::check_first_occurrence(v);
  const std::string& s = po::validators::get_single_string(values);
  char* end = nullptr;
  errno = 0;
  const double d = s.empty() ? -1 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !(d >= 0 && d <= static_cast<double>(Max))) {
    throw po::error_with_option_name(
        fmt::format("the argument ('{}') for option '%canonical_option%' must be a number of seconds from 0 to {}", s, Max));
  }
  v = boost::any(Seconds<Max>{d});
}

// `po::value` for those: the option is read as UInt / Seconds and stored into `target` by
// po::notify, with an optional default.
template <std::uint64_t Min, std::uint64_t Max, typename T>
po::typed_value<UInt<Min, Max>>* uint_value(T* target) {
  return po::value<UInt<Min, Max>>()->notifier([target](const UInt<Min, Max>& v) { *target = static_cast<T>(v.value); });
}
template <std::uint64_t Min, std::uint64_t Max, typename T>
po::typed_value<UInt<Min, Max>>* uint_value(T* target, std::uint64_t fallback) {
  return uint_value<Min, Max>(target)->default_value(UInt<Min, Max>{fallback}, std::to_string(fallback));
}
template <std::uint64_t Max>
po::typed_value<Seconds<Max>>* seconds_value(double* target) {
  return po::value<Seconds<Max>>()->notifier([target](const Seconds<Max>& v) { *target = v.value; });
}
template <std::uint64_t Max>
po::typed_value<Seconds<Max>>* seconds_value(double* target, double fallback) {
  return po::value<Seconds<Max>>()
      ->notifier([target](const Seconds<Max>& v) { *target = v.value; })
      ->default_value(Seconds<Max>{fallback}, fmt::format("{}", fallback));
}

// Creates the output directory an option names (or finds it there); false, with a message naming
// the option, if it cannot be: checked before any work, so that no run is lost to it.
inline bool make_output_dir(const std::string& command, const std::string& option, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec && std::filesystem::is_directory(dir, ec)) return true;
  fmt::print(stderr, "zabsim {}: {}: cannot use '{}' as the output directory: {}\n", command, option, dir,
             ec ? ec.message() : "it is not a directory");
  return false;
}

// Returns an exit code if the command should stop (help printed, or bad usage), else nullopt.
inline std::optional<int> parse_options(const std::string& command, const std::vector<std::string>& args,
                                        const po::options_description& options,
                                        const po::positional_options_description& positional,
                                        po::variables_map& vm, const std::string& examples) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help") != 0) {
      std::cout << "usage: " << usage_line(command, positional) << "\n\n" << options << "\n" << examples << "\n" << kExitCodeTable;
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
