#pragma once
// Documents quote `zabsim`'s real output: the catalog's pages (test/bugs/pages_test.cpp) and
// the README (test/tools/readme_test.cpp). These helpers run a command and check a quoted
// block against today's output: every quoted line must appear, in order ("..." lines and blank
// lines stand for what the document leaves out). tools/refresh_page_output.py rewrites stale
// blocks in the same terms.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace zab::test {

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

inline std::vector<std::string> lines_of(std::istream& in) {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

struct CommandOutput {
  std::vector<std::string> lines;  // stdout and stderr together
  int exit_code = -1;
};

// Runs `command` with /bin/sh; stdout and stderr together.
inline CommandOutput run_command(const std::string& command) {
  CommandOutput result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream in(text);
  result.lines = lines_of(in);
  return result;
}

// A quoted line against an output line. With `times_vary`, durations and rates ("0.2 s",
// "489.8 runs/s", "12 ms") match any number; every other number must be the same.
inline bool same_line(const std::string& quoted, const std::string& actual, bool times_vary) {
  const std::string q = trim(quoted), a = trim(actual);
  if (q == a || !times_vary) return q == a;
  static const std::regex kTime(R"(\d+(\.\d+)?(?= ?(s|ms|runs/s)\b))");
  return std::regex_replace(q, kTime, "#") == std::regex_replace(a, kTime, "#");
}

// CHECKs that every quoted line appears in `actual` in order; `what` names the block.
inline void check_quoted_lines(const std::vector<std::string>& quoted, const std::vector<std::string>& actual,
                               const std::string& what, bool times_vary = false) {
  std::size_t next = 0;  // the quoted lines appear in this order
  for (const auto& line : quoted) {
    const std::string want = trim(line);
    if (want.empty() || want == "...") continue;
    std::size_t found = next;
    while (found < actual.size() && !same_line(want, actual[found], times_vary)) ++found;
    CHECK_MESSAGE(found < actual.size(), what << ": quoted line not in the output (in order): '" << want << "'");
    if (found < actual.size()) next = found + 1;
  }
}

}  // namespace zab::test
