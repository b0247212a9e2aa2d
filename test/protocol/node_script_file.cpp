#include "test/protocol/node_script_file.h"

#include <sstream>

namespace zab::test {

namespace {
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool is_commentary(const std::string& line) { return line.empty() || line[0] == '#'; }
}  // namespace

std::optional<ScriptFile> parse_script(const std::string& text, std::string& error) {
  const std::vector<std::string> lines = split_lines(text);
  ScriptFile file;
  std::string pending;  // commentary since the last case
  std::size_t i = 0;
  while (i < lines.size()) {
    if (is_commentary(lines[i])) {
      pending += lines[i] + "\n";
      ++i;
      continue;
    }
    ScriptCase c;
    c.preamble = std::move(pending);
    pending.clear();
    c.command = lines[i];
    c.line = static_cast<int>(i) + 1;
    ++i;
    if (i >= lines.size() || lines[i] != "----") {
      error = std::to_string(c.line + 1) + ": expected `----` after the command `" + c.command + "`";
      return std::nullopt;
    }
    ++i;
    // The expected block runs to the first blank line; that line belongs to the case.
    while (i < lines.size() && !lines[i].empty()) c.expected.push_back(lines[i++]);
    if (i < lines.size()) ++i;
    file.cases.push_back(std::move(c));
  }
  file.trailer = std::move(pending);
  return file;
}

std::string format_script(const ScriptFile& file, const std::vector<std::vector<std::string>>& actual) {
  std::string text;
  for (std::size_t k = 0; k < file.cases.size(); ++k) {
    const ScriptCase& c = file.cases[k];
    text += c.preamble + c.command + "\n----\n";
    for (const std::string& line : actual.at(k)) text += line + "\n";
    text += "\n";
  }
  // The blank line ending the last case already separates it from the trailer.
  return text + file.trailer;
}

std::string diff_lines(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  // Longest common subsequence over lines: the blocks are short (tens of lines), so the
  // quadratic table is cheap, and the diff shows the few lines that changed.
  const std::size_t n = expected.size(), m = actual.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t a = n; a-- > 0;) {
    for (std::size_t b = m; b-- > 0;) {
      lcs[a][b] = expected[a] == actual[b] ? lcs[a + 1][b + 1] + 1 : std::max(lcs[a + 1][b], lcs[a][b + 1]);
    }
  }
  std::string out;
  std::size_t a = 0, b = 0;
  while (a < n || b < m) {
    if (a < n && b < m && expected[a] == actual[b]) {
      out += "  " + expected[a++] + "\n";
      ++b;
    } else if (a < n && (b == m || lcs[a + 1][b] >= lcs[a][b + 1])) {
      out += "- " + expected[a++] + "\n";  // on a tie the expected line goes first, as in diff -u
    } else {
      out += "+ " + actual[b++] + "\n";
    }
  }
  return out;
}

}  // namespace zab::test
