// The catalog's pages quote `zabsim run`'s real output. This keeps them true: every line of a
// page's "Real output" block must appear, in order, in what `zabsim run` prints for the page's
// scenario today ("..." lines stand for what the page leaves out). A change that moves a
// timeline or a trace hash fails here until the pages are refreshed.

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::filesystem::path kBugDir = std::filesystem::path(ZABSIM_SCENARIO_DIR) / "bugs";

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> lines_of(std::istream& in) {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The lines of the first fenced block after a line that starts with "Real output"; empty if the
// page quotes no output.
std::vector<std::string> quoted_output(const std::filesystem::path& page) {
  std::ifstream in(page);
  const auto lines = lines_of(in);
  std::vector<std::string> block;
  bool after_marker = false, inside = false;
  for (const auto& line : lines) {
    if (!after_marker) {
      after_marker = line.rfind("Real output", 0) == 0;
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      if (inside) return block;
      inside = true;
      continue;
    }
    if (inside) block.push_back(line);
  }
  REQUIRE_MESSAGE(!inside, "an unterminated output block in " << page.string());
  return block;
}

std::vector<std::string> zabsim_run(const std::filesystem::path& scenario) {
  const auto out_dir = std::filesystem::temp_directory_path() / ("zabsim-pages-" + scenario.stem().string());
  const std::string command =
      std::string(ZABSIM_BINARY) + " run " + scenario.string() + " --out " + out_dir.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  ::pclose(pipe);
  std::filesystem::remove_all(out_dir);
  std::istringstream in(text);
  return lines_of(in);
}

}  // namespace

TEST_CASE("every catalog page's quoted output is what zabsim run prints today") {
  int pages_with_output = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kBugDir)) {
    if (entry.path().extension() != ".md" || entry.path().filename() == "README.md") continue;
    const auto quoted = quoted_output(entry.path());
    if (quoted.empty()) continue;
    ++pages_with_output;
    auto scenario = entry.path();
    scenario.replace_extension(".json");
    CAPTURE(scenario.string());
    const auto actual = zabsim_run(scenario);
    std::size_t next = 0;  // the quoted lines appear in this order
    for (const auto& line : quoted) {
      const std::string want = trim(line);
      if (want.empty() || want == "...") continue;
      std::size_t found = next;
      while (found < actual.size() && trim(actual[found]) != want) ++found;
      CHECK_MESSAGE(found < actual.size(), "quoted line not in the output (in order): '" << want << "'");
      if (found < actual.size()) next = found + 1;
    }
  }
  // The check must have something to check: the pages do quote real output.
  CHECK(pages_with_output >= 5);
}
