// The README quotes real output. This keeps it true, as test/bugs/pages_test.cpp does for the
// catalog's pages: a fenced block right after an HTML comment
//   <!-- output: COMMAND -->        is COMMAND's output;
//   <!-- output -->                 holds "$ COMMAND" lines, each followed by its output
//                                   ("$ echo $?" prints the previous command's exit code);
//   <!-- output not checked: WHY --> is real output this test does not rerun, and says why.
// Flags after "output": `slow` (checked by the slow test case), `times-vary` (durations and
// rates may differ, every other number may not). Commands run in a fresh directory where
// `scenarios/` is the source tree's and `zabsim` is the built one on PATH, as the README writes
// it. A block with "$ zabsim" lines and no marker fails the last test case: no README output
// goes unchecked without a stated reason.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test/support/quoted_output.h"

namespace {

namespace fs = std::filesystem;

const fs::path kReadme = fs::path(ZABSIM_SCENARIO_DIR).parent_path() / "README.md";

struct Block {
  std::size_t line = 0;          // 1-based line of the opening fence
  std::string marker;            // the comment before it, "" if none
  std::string command;           // `output: COMMAND`
  bool checked = false;          // an `output` marker (not `output not checked`)
  bool slow = false;
  bool times_vary = false;
  std::vector<std::string> lines;
};

std::vector<Block> readme_blocks() {
  std::ifstream in(kReadme);
  REQUIRE_MESSAGE(in, "cannot read " << kReadme.string());
  const auto lines = zab::test::lines_of(in);
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("```", 0) != 0) continue;
    Block b{.line = i + 1};
    if (i > 0 && lines[i - 1].rfind("<!-- output", 0) == 0) {
      std::string m = lines[i - 1].substr(5);
      m = m.substr(0, m.rfind("-->"));
      b.marker = zab::test::trim(m);
      const auto colon = b.marker.find(':');
      const std::string flags = b.marker.substr(0, colon);
      b.checked = flags.find("not checked") == std::string::npos;
      b.slow = flags.find("slow") != std::string::npos;
      b.times_vary = flags.find("times-vary") != std::string::npos;
      if (b.checked && colon != std::string::npos) b.command = zab::test::trim(b.marker.substr(colon + 1));
    }
    std::size_t j = i + 1;
    while (j < lines.size() && lines[j].rfind("```", 0) != 0) b.lines.push_back(lines[j++]);
    REQUIRE_MESSAGE(j < lines.size(), "README.md:" << b.line << ": an unterminated block");
    blocks.push_back(std::move(b));
    i = j;
  }
  return blocks;
}

// Runs the block's commands in a fresh directory and checks its quoted lines against them.
void check_block(const Block& b) {
  const std::string where = "README.md:" + std::to_string(b.line);
  const fs::path dir = fs::temp_directory_path() / ("zabsim-readme-" + std::to_string(b.line));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(ZABSIM_SCENARIO_DIR, dir / "scenarios");
  const std::string prefix =
      "cd '" + dir.string() + "' && PATH='" + fs::path(ZABSIM_BINARY).parent_path().string() + "':\"$PATH\" && ";
  // (command, its quoted output) in order.
  std::vector<std::pair<std::string, std::vector<std::string>>> steps;
  if (!b.command.empty()) steps.push_back({b.command, b.lines});
  for (const auto& line : b.lines) {
    if (!b.command.empty()) break;
    if (line.rfind("$ ", 0) == 0) {
      steps.push_back({line.substr(2), {}});
    } else {
      REQUIRE_MESSAGE(!steps.empty(), where << ": output before the first '$ ' command");
      steps.back().second.push_back(line);
    }
  }
  REQUIRE_MESSAGE(!steps.empty(), where << ": an output block names no command");
  int last_exit = 0;
  for (const auto& [command, quoted] : steps) {
    zab::test::CommandOutput out;
    if (command == "echo $?") {
      out.lines = {std::to_string(last_exit)};
    } else {
      out = zab::test::run_command(prefix + command);
      last_exit = out.exit_code;
    }
    zab::test::check_quoted_lines(quoted, out.lines, where + " `" + command + "`", b.times_vary);
  }
  fs::remove_all(dir);
}

void check_blocks(bool slow) {
  int checked = 0;
  for (const Block& b : readme_blocks()) {
    if (!b.checked || b.slow != slow) continue;
    CAPTURE(b.line);
    check_block(b);
    ++checked;
  }
  CHECK(checked >= (slow ? 1 : 4));  // the README does quote output
}

}  // namespace

TEST_CASE("README: every quoted output block is what zabsim prints today") { check_blocks(false); }

TEST_CASE("README: the slow quoted output blocks (studies, campaigns) are what zabsim prints today") {
  check_blocks(true);
}

TEST_CASE("README: every block that shows `$ zabsim` output is marked checked, or says why not") {
  for (const Block& b : readme_blocks()) {
    bool shows_output = false;
    for (std::size_t i = 0; i + 1 < b.lines.size(); ++i) {
      // A command followed by something that is not another command: output is quoted.
      shows_output |= b.lines[i].rfind("$ zabsim", 0) == 0 && b.lines[i + 1].rfind("$ ", 0) != 0;
    }
    if (!shows_output) continue;
    CHECK_MESSAGE(!b.marker.empty(), "README.md:" << b.line
                                                  << ": output of `$ zabsim` without <!-- output --> or "
                                                     "<!-- output not checked: WHY --> before it");
  }
}

TEST_CASE("README: the number of scenarios it says ship is the number in scenarios/") {
  std::ifstream in(kReadme);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int count = 0;
  for (const auto& entry : fs::directory_iterator(ZABSIM_SCENARIO_DIR)) {
    count += entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json";
  }
  CHECK_MESSAGE(text.find(std::to_string(count) + " scenarios ship") != std::string::npos,
                "README.md should say '" << count << " scenarios ship'");
}
