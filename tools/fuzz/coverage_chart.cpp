#include "tools/fuzz/coverage_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "tools/svg/xml_escape.h"

namespace zab::fuzz {

namespace {

std::optional<std::uint64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoull(text);
}

// A round step for an axis from 0 to `max` with about `ticks` ticks: 1, 2 or 5 times a power of ten.
std::uint64_t nice_step(std::uint64_t max, std::uint64_t ticks) {
  const std::uint64_t raw = std::max<std::uint64_t>(1, max / ticks);
  std::uint64_t power = 1;
  while (power * 10 <= raw) power *= 10;
  for (std::uint64_t m : {1, 2, 5, 10}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}


}  // namespace

std::optional<CoverageSeries> read_coverage_csv(const std::string& path, const std::string& label, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("{}: cannot be read", path);
    return std::nullopt;
  }
  CoverageSeries s{.label = label, .points = {}};
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) {
      if (line != "runs,features,corpus,imported") {
        error = fmt::format("{}:1: expected the header 'runs,features,corpus,imported'", path);
        return std::nullopt;
      }
      continue;
    }
    std::array<std::string, 4> cells;
    std::stringstream row(line);
    std::size_t k = 0;
    for (std::string cell; k < cells.size() && std::getline(row, cell, ','); ++k) cells[k] = cell;
    const auto runs = parse_count(cells[0]);
    const auto features = parse_count(cells[1]);
    if (k != 4 || !runs || !features || !parse_count(cells[2]) || !parse_count(cells[3]) || row.rdbuf()->in_avail() > 0) {
      error = fmt::format("{}:{}: expected four counts: runs,features,corpus,imported", path, number);
      return std::nullopt;
    }
    if (!s.points.empty() && *runs <= s.points.back().first) {
      error = fmt::format("{}:{}: runs must increase from row to row", path, number);
      return std::nullopt;
    }
    s.points.emplace_back(*runs, *features);
  }
  if (s.points.empty()) {
    error = fmt::format("{}: no rows after the header", path);
    return std::nullopt;
  }
  return s;
}

std::string coverage_svg(const std::vector<CoverageSeries>& series, const std::string& title) {
  constexpr int kWidth = 720, kHeight = 420, kLeft = 80, kRight = 24, kTop = 48, kBottom = 56;
  constexpr int kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
  static constexpr std::array<const char*, 4> kColours = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  std::uint64_t max_runs = 1, max_features = 1;
  for (const auto& s : series) {
    for (const auto& [runs, features] : s.points) {
      max_runs = std::max(max_runs, runs);
      max_features = std::max(max_features, features);
    }
  }
  const std::uint64_t x_step = nice_step(max_runs, 8), y_step = nice_step(max_features, 6);
  max_runs = (max_runs + x_step - 1) / x_step * x_step;
  max_features = (max_features + y_step - 1) / y_step * y_step;
  auto x = [&](std::uint64_t runs) { return kLeft + static_cast<double>(runs) * kPlotW / static_cast<double>(max_runs); };
  auto y = [&](std::uint64_t f) { return kTop + kPlotH - static_cast<double>(f) * kPlotH / static_cast<double>(max_features); };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
      kWidth, kHeight, kWidth / 2, tools::xml_escape(title));
  for (std::uint64_t v = 0; v <= max_runs; v += x_step) {
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>\n"
                       "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                       x(v), kTop, kTop + kPlotH, kTop + kPlotH + 16, v);
  }
  for (std::uint64_t v = 0; v <= max_features; v += y_step) {
    out += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>\n"
                       "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                       kLeft, y(v), kLeft + kPlotW, kLeft - 6, y(v) + 4, v);
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">runs</text>\n", kLeft + kPlotW / 2, kHeight - 14);
  out += fmt::format("<text x=\"18\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0})\">protocol-state features "
                     "reached</text>\n",
                     kTop + kPlotH / 2);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const char* colour = kColours[k % kColours.size()];
    std::string points = fmt::format("{:.1f},{:.1f}", x(0), y(0));
    for (const auto& [runs, features] : series[k].points) points += fmt::format(" {:.1f},{:.1f}", x(runs), y(features));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", colour, points);
    const int ly = kTop + kPlotH - 16 - static_cast<int>(k) * 18;
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>"
                       "<text x=\"{}\" y=\"{}\">{}: {} features</text>\n",
                       kLeft + kPlotW - 260, ly, kLeft + kPlotW - 236, ly, colour, kLeft + kPlotW - 230, ly + 4,
                       tools::xml_escape(series[k].label), series[k].points.back().second);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace zab::fuzz
