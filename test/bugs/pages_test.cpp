// The catalog's pages quote `zabsim run`'s real output. This keeps them true: every line of a
// page's "Real output" block must appear, in order, in what `zabsim run` prints for the page's
// scenario today ("..." lines stand for what the page leaves out). A change that moves a
// timeline or a trace hash fails here until the pages are refreshed.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test/support/quoted_output.h"

namespace {

using zab::test::lines_of;

const std::filesystem::path kBugDir = std::filesystem::path(ZABSIM_SCENARIO_DIR) / "bugs";

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
  const auto output = zab::test::run_command(std::string(ZABSIM_BINARY) + " run " + scenario.string() + " --out " +
                                             out_dir.string());
  std::filesystem::remove_all(out_dir);
  return output.lines;
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
    zab::test::check_quoted_lines(quoted, zabsim_run(scenario), entry.path().filename().string());
  }
  // The check must have something to check: the pages do quote real output.
  CHECK(pages_with_output >= 5);
}
