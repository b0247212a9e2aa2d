#pragma once
// The file format of the per-node golden scripts (test/protocol/scripts/*.txt), in the style of
// etcd-raft's datadriven test files: each case is one command line, a line `----`, then the
// output the command is expected to produce, one line per output, ended by a blank line (or the
// end of the file). Lines starting with `#` and blank lines between cases are commentary; they
// are kept verbatim when the expected blocks are rewritten, so a script stays documentation.

#include <optional>
#include <string>
#include <vector>

namespace zab::test {

struct ScriptCase {
  std::string preamble;               // comment and blank lines before the command, verbatim
  std::string command;                // the command line
  int line = 0;                       // 1-based line of the command in the file
  std::vector<std::string> expected;  // the lines between `----` and the blank line
};

struct ScriptFile {
  std::vector<ScriptCase> cases;
  std::string trailer;  // comment and blank lines after the last case, verbatim
};

// Parses a script's text; on a malformed file, returns nullopt and sets `error` to
// "<line>: <what>".
std::optional<ScriptFile> parse_script(const std::string& text, std::string& error);

// The text of `file` with each case's expected block replaced by `actual[i]` (same length as
// file.cases): what the rewrite flag writes back.
std::string format_script(const ScriptFile& file, const std::vector<std::vector<std::string>>& actual);

// A unified-diff-like rendering of expected against actual ("-" expected only, "+" actual
// only, " " both), for failure messages.
std::string diff_lines(const std::vector<std::string>& expected, const std::vector<std::string>& actual);

}  // namespace zab::test
