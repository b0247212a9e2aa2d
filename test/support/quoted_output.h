#pragma once
// Documents quote `zabsim`'s real output: the catalog's pages (test/bugs/pages_test.cpp) and
// the README (test/tools/readme_test.cpp). These helpers run a command and check a quoted
// block against today's output: every quoted line must appear, in order ("..." lines and blank
// lines stand for what the document leaves out). tools/scripts/refresh_page_output.py rewrites stale
// blocks in the same terms.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
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

// Every duration or rate ("0.2 s", "489.8 runs/s", "12 ms": a number, an optional space, then
// s, ms or runs/s ending a word) with its number replaced by "#". Written by hand: GCC 12's
// <regex> trips -Wmaybe-uninitialized under the sanitizer build.
inline std::string mask_times(const std::string& line) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_word = [&](char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (!is_digit(line[i])) {
      out += line[i++];
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && is_digit(line[end])) ++end;
    if (end + 1 < line.size() && line[end] == '.' && is_digit(line[end + 1])) {
      ++end;
      while (end < line.size() && is_digit(line[end])) ++end;
    }
    std::size_t unit = end < line.size() && line[end] == ' ' ? end + 1 : end;
    bool time = false;
    for (const std::string suffix : {"runs/s", "ms", "s"}) {
      if (line.compare(unit, suffix.size(), suffix) == 0 &&
          (unit + suffix.size() == line.size() || !is_word(line[unit + suffix.size()]))) {
        time = true;
        break;
      }
    }
    out += time ? std::string("#") : line.substr(i, end - i);
    i = end;
  }
  return out;
}

// A quoted line against an output line. With `times_vary`, durations and rates ("0.2 s",
// "489.8 runs/s", "12 ms") match any number; every other number must be the same.
inline bool same_line(const std::string& quoted, const std::string& actual, bool times_vary) {
  const std::string q = trim(quoted), a = trim(actual);
  if (q == a || !times_vary) return q == a;
  return mask_times(q) == mask_times(a);
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
