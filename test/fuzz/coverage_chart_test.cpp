// The coverage chart: coverage.csv read back (and refused, with file and line, when it is not
// that), and an SVG with one line and one legend entry per campaign.

#include "tools/fuzz/coverage_chart.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace zab::fuzz;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(path) << text;
  return path.string();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("coverage.csv reads back as points, and a bad one names its file and line") {
  std::string why;
  const auto good = read_coverage_csv(write_file("cov-good", "runs,features,corpus,imported\n32,100,7,0\n64,180,9,2\n70,181,9,2\n"),
                                      "mine", why);
  REQUIRE(good.has_value());
  CHECK(good->points == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{32, 100}, {64, 180}, {70, 181}});
  struct Bad {
    const char* text;
    const char* error;
  };
  for (const Bad& b : {Bad{"runs,features\n", ":1: expected the header"}, Bad{"runs,features,corpus,imported\n", ": no rows after the header"},
                       Bad{"runs,features,corpus,imported\n32,10,1\n", ":2: expected four counts"},
                       Bad{"runs,features,corpus,imported\n32,10,1,0,5\n", ":2: expected four counts"},
                       Bad{"runs,features,corpus,imported\n32,-1,1,0\n", ":2: expected four counts"},
                       Bad{"runs,features,corpus,imported\n32,10,1,0\n32,11,1,0\n", ":3: runs must increase"}}) {
    CAPTURE(b.text);
    why.clear();
    const std::string path = write_file("cov-bad", b.text);
    CHECK_FALSE(read_coverage_csv(path, "bad", why).has_value());
    CHECK(why.find(path + b.error) == 0);
  }
  CHECK_FALSE(read_coverage_csv("/nonexistent/coverage.csv", "x", why).has_value());
  CHECK(why == "/nonexistent/coverage.csv: cannot be read");
}

TEST_CASE("the chart draws one line and one legend entry per campaign, with its final count") {
  const CoverageSeries steered{.label = "this campaign (steered)", .points = {{32, 100}, {64, 190}}};
  const CoverageSeries random{.label = "--baseline r <random>", .points = {{32, 100}, {64, 150}}};
  const std::string svg = coverage_svg({steered, random}, "Protocol-state coverage & more");
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(count(svg, "<polyline") == 2);
  CHECK(svg.find("this campaign (steered): 190 features") != std::string::npos);
  CHECK(svg.find("--baseline r &lt;random&gt;: 150 features") != std::string::npos);
  CHECK(svg.find("Protocol-state coverage &amp; more") != std::string::npos);
}
