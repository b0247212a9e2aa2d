#include "tools/study/plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "protocol/base/assert.h"
#include "tools/svg/xml_escape.h"

namespace zab::study {

namespace {

// Colour-blind-safe (Okabe–Ito plus two), one per phase / series.
constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00",
                                    "#56B4E9", "#8C6D31", "#F0B400", "#7F3C8D", "#999999"};
constexpr std::size_t kColourCount = std::size(kColours);

std::string escape(const std::string& s) { return tools::xml_escape(s); }

std::string number_label(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 1) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 0.1) return fmt::format("{:.1f}", v);
  if (std::fabs(v) >= 0.01) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3f}", v);
}

// A mapping from data values to pixels, linear or log10.
struct Scale {
  double lo = 0, hi = 1;
  bool log = false;
  double px_lo = 0, px_hi = 1;
  double at(double v) const {
    double f;
    if (log) {
      v = std::max(v, lo);
      f = (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
      f = (v - lo) / (hi - lo);
    }
    return px_lo + std::clamp(f, 0.0, 1.0) * (px_hi - px_lo);
  }
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      for (double d = lo; d <= hi * 1.0001; d *= 10) t.push_back(d);
      return t;
    }
    const double raw = (hi - lo) / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    const double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-6; v += step) t.push_back(v);
    return t;
  }
};

// A log scale in whole decades covering [min_positive, max] (ms).
Scale log_scale(double min_positive, double max) {
  Scale s;
  s.log = true;
  s.lo = std::pow(10, std::floor(std::log10(min_positive)));
  s.hi = std::pow(10, std::ceil(std::log10(max)));
  if (s.hi <= s.lo) s.hi = s.lo * 10;
  return s;
}

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string header(int width, int height) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      width, height);
}

std::string text(double x, double y, const std::string& s, const std::string& extra = "") {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" {}>{}</text>\n", x, y, extra, escape(s));
}

// A swept value as a reader says it: "5 servers", "tickTime 500 ms", "leader crash".
std::string value_label(const std::string& name, const nlohmann::ordered_json& v) {
  if (v.is_string()) {
    std::string text = v.get<std::string>();
    std::replace(text.begin(), text.end(), '_', ' ');
    return text;
  }
  const std::string n = v.dump();
  if (name == "servers") return n + " servers";
  if (name == "tick_time_ms") return "tickTime " + n + " ms";
  if (name == "init_limit") return "initLimit " + n;
  if (name == "sync_limit") return "syncLimit " + n;
  if (name == "latency_median_us") return "latency " + n + " µs";
  return name + " " + n;
}

}  // namespace

std::string axis_title(const std::string& name) {
  if (name == "servers") return "ensemble size (servers)";
  if (name == "tick_time_ms") return "tickTime (ms)";
  if (name == "init_limit") return "initLimit (ticks)";
  if (name == "sync_limit") return "syncLimit (ticks)";
  if (name == "latency_median_us") return "median one-way network latency (µs)";
  return name;
}

std::string distribution_svg(const StudyResult& r) {
  // Rows: a header per setting, then one per phase some run reached. Each setting has its own
  // linear time axis, ticked in its header: one log axis for all of them squeezed the 10-second
  // phases of a hang into slivers beside the 0.2 ms of a crash.
  struct Row {
    std::size_t setting;
    std::size_t phase;  // kPhaseCount: the setting's header
  };
  std::vector<Row> rows;
  std::vector<double> setting_max(r.settings.size(), 0);
  for (std::size_t s = 0; s < r.settings.size(); ++s) {
    rows.push_back({s, kPhaseCount});
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      if (r.settings[s].values[k].empty()) continue;
      rows.push_back({s, k});
      for (std::int64_t v : r.settings[s].values[k]) setting_max[s] = std::max(setting_max[s], ms(v));
    }
  }
  // The right margin holds each row's median in ms.
  const int left = 250, right = 110, top = 92, row_h = 20, header_h = 40, bottom = 40, width = 1070;
  int plot_h = 0;
  for (const Row& row : rows) plot_h += row.phase == kPhaseCount ? header_h : row_h;
  const int height = top + plot_h + bottom;
  auto setting_scale = [&](std::size_t s) {
    Scale x{.lo = 0, .hi = setting_max[s] > 0 ? setting_max[s] * 1.05 : 1, .log = false};
    x.px_lo = left;
    x.px_hi = width - right;
    return x;
  };

  std::string svg = header(width, height);
  svg += text(20, 26, r.spec.name, "font-size=\"18\" font-weight=\"bold\"");
  svg += text(20, 46, fmt::format("Recovery phases after the fault: every run is a dot ({} seeds per setting). "
                                  "Time after the fault in ms, on each setting's own linear axis.", r.spec.seeds),
              "font-size=\"13\" fill=\"#333\"");
  // Legend.
  const double ly = 70;
  svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#555\" fill-opacity=\"0.6\"/>\n", left, ly - 4);
  svg += text(left + 8, ly, "one run");
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"30\" height=\"10\" fill=\"#555\" fill-opacity=\"0.3\" stroke=\"#555\"/>\n",
                     left + 80, ly - 9);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\" stroke-width=\"2.5\"/>\n", left + 80,
                     ly - 11, ly + 3);
  svg += text(left + 116, ly, "box from the median (thick) to p90");
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#b00\" stroke-width=\"1.5\"/>\n", left + 340,
                     ly - 10, ly + 2);
  svg += text(left + 348, ly, "p99");
  svg += text(left + 390, ly, "runs that reached the phase / runs, when not all", "fill=\"#666\"");
  svg += text(width - right + 12, ly, "median ms", "font-weight=\"bold\"");

  double y = top;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const SettingResult& sr = r.settings[row.setting];
    const Scale x = setting_scale(row.setting);
    if (row.phase == kPhaseCount) {
      // The header: the setting's name, then its axis's ticks with grid lines down its rows.
      double rows_h = 0;
      for (std::size_t j = i + 1; j < rows.size() && rows[j].phase != kPhaseCount; ++j) rows_h += row_h;
      svg += fmt::format("<rect x=\"10\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"#f2f2f2\"/>\n", y + 2, width - 20, header_h - 4);
      svg += text(16, y + 18, sr.setting.label, "font-weight=\"bold\" font-size=\"13\"");
      for (double t : x.ticks()) {
        svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>\n", x.at(t),
                           y + header_h - 6, y + header_h + rows_h);
        svg += text(x.at(t), y + header_h - 9, number_label(t), "text-anchor=\"middle\" fill=\"#555\" font-size=\"11\"");
      }
      y += header_h;
      continue;
    }
    const std::size_t k = row.phase;
    const char* colour = kColours[k % kColourCount];
    const double cy = y + row_h / 2.0;
    const Summary& s = sr.phases[k];
    const std::size_t reached_of = sr.runs - sr.skipped;
    std::string label = kPhases[k].label;
    if (s.n != reached_of) label += fmt::format(" ({}/{})", s.n, reached_of);
    svg += text(left - 10, cy + 4, label, "text-anchor=\"end\"");
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"12\" fill=\"{}\" fill-opacity=\"0.25\" stroke=\"{}\"/>\n",
                       x.at(ms(s.median_ns)), cy - 6, std::max(1.0, x.at(ms(s.p90_ns)) - x.at(ms(s.median_ns))), colour, colour);
    for (std::size_t v = 0; v < sr.values[k].size(); ++v) {
      const double jitter = static_cast<double>(static_cast<int>((v * 7) % 9) - 4) * 1.3;  // deterministic spread
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.6\" fill=\"{}\" fill-opacity=\"0.55\"/>\n", x.at(ms(sr.values[k][v])),
                         cy + jitter, colour);
    }
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"black\" stroke-width=\"2.5\"/>\n",
                       x.at(ms(s.median_ns)), cy - 8, cy + 8);
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#b00\" stroke-width=\"1.5\"/>\n",
                       x.at(ms(s.p99_ns)), cy - 7, cy + 7);
    if (s.n > 0) svg += text(width - right + 12, cy + 4, fmt::format("{:.1f}", ms(s.median_ns)));
    y += row_h;
  }
  svg += text((left + width - right) / 2.0, height - 14, "time after the fault (ms, linear; each setting on its own axis)",
              "text-anchor=\"middle\" font-size=\"13\"");
  svg += "</svg>\n";
  return svg;
}

std::string sweep_svg(const StudyResult& r, std::size_t axis, std::size_t phase) {
  ZAB_ASSERT(axis < r.spec.axes.size() && r.spec.axes[axis].numeric() && phase < kPhaseCount,
             "a sweep chart plots a phase against a numeric swept parameter");
  // Series: settings equal in every other axis.
  std::map<std::string, std::vector<std::size_t>> series_members;
  std::vector<std::string> series_order;
  for (std::size_t s = 0; s < r.settings.size(); ++s) {
    std::string key;
    for (std::size_t a = 0; a < r.spec.axes.size(); ++a) {
      // The swept axis is on x; an axis with one value is in the title, not each entry.
      if (a == axis || r.spec.axes[a].values.size() < 2) continue;
      key += (key.empty() ? "" : ", ") + value_label(r.spec.axes[a].name, r.settings[s].setting.values[a]);
    }
    if (key.empty()) key = "all runs";
    if (!series_members.count(key)) series_order.push_back(key);
    series_members[key].push_back(s);
  }
  double xmin = 1e18, xmax = -1e18, ymin_positive = 1e18, ymax = 0;
  for (const auto& v : r.spec.axes[axis].values) {
    xmin = std::min(xmin, v.get<double>());
    xmax = std::max(xmax, v.get<double>());
  }
  for (const SettingResult& sr : r.settings) {
    const Summary& s = sr.phases[phase];
    if (s.n == 0) continue;
    ymax = std::max(ymax, ms(s.p90_ns));
    if (s.median_ns > 0) ymin_positive = std::min(ymin_positive, ms(s.median_ns));
  }
  if (ymax <= 0) ymax = 1, ymin_positive = 1;
  const int width = 900, height = 520, left = 80, right = 260, top = 70, bottom = 64;
  Scale x{.lo = xmin, .hi = xmax, .log = false, .px_lo = left + 20.0, .px_hi = width - right - 20.0};
  if (xmax == xmin) x.hi = xmin + 1;
  // Log time when the series differ by orders of magnitude (a crash next to a hang), else linear from 0.
  Scale y = ymax / ymin_positive > 50 ? log_scale(ymin_positive, ymax) : Scale{.lo = 0, .hi = ymax * 1.1, .log = false};
  y.px_lo = height - bottom;
  y.px_hi = top;

  std::string svg = header(width, height);
  const std::string x_title = axis_title(r.spec.axes[axis].name);
  svg += text(20, 26, fmt::format("{} against {}", kPhases[phase].label, x_title), "font-size=\"18\" font-weight=\"bold\"");
  std::string fixed;
  for (std::size_t a = 0; a < r.spec.axes.size(); ++a) {
    if (a != axis && r.spec.axes[a].values.size() == 1) fixed += "; " + value_label(r.spec.axes[a].name, r.spec.axes[a].values[0]);
  }
  svg += text(20, 46, fmt::format("{}{}; {} seeds per point; time after the fault", r.spec.name, fixed, r.spec.seeds),
              "font-size=\"13\" fill=\"#333\"");
  for (double t : y.ticks()) {
    svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, y.at(t), width - right, y.at(t));
    svg += text(left - 6, y.at(t) + 4, number_label(t), "text-anchor=\"end\"");
  }
  for (const auto& v : r.spec.axes[axis].values) {
    const double xv = v.get<double>();
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#eee\"/>\n", x.at(xv), top, height - bottom);
    svg += text(x.at(xv), height - bottom + 16, number_label(xv), "text-anchor=\"middle\"");
  }
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", left, top, height - bottom);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", left, height - bottom, width - right);
  svg += text((left + width - right) / 2.0, height - bottom + 40, x_title, "text-anchor=\"middle\" font-size=\"13\"");
  svg += fmt::format("<text transform=\"translate(22,{:.1f}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
                     (top + height - bottom) / 2.0,
                     escape(fmt::format("{} (ms after the fault{})", kPhases[phase].label, y.log ? ", log scale" : "")));

  double legend_y = top + 10;
  for (std::size_t i = 0; i < series_order.size(); ++i) {
    const char* colour = kColours[i % kColourCount];
    std::vector<std::pair<double, double>> med, p90;
    for (std::size_t s : series_members[series_order[i]]) {
      const Summary& sum = r.settings[s].phases[phase];
      if (sum.n == 0) continue;
      const double xv = r.settings[s].setting.values[axis].get<double>();
      med.emplace_back(x.at(xv), y.at(ms(sum.median_ns)));
      p90.emplace_back(x.at(xv), y.at(ms(sum.p90_ns)));
    }
    if (med.empty()) continue;
    std::string band, median_line, p90_line;
    for (const auto& [px, py] : med) median_line += fmt::format("{:.1f},{:.1f} ", px, py);
    for (const auto& [px, py] : p90) p90_line += fmt::format("{:.1f},{:.1f} ", px, py);
    band = median_line;
    for (auto it = p90.rbegin(); it != p90.rend(); ++it) band += fmt::format("{:.1f},{:.1f} ", it->first, it->second);
    svg += fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", band, colour);
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>\n", median_line, colour);
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
                       p90_line, colour);
    for (const auto& [px, py] : med) svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", px, py, colour);
    // Legend entry.
    const double lx = width - right + 20;
    svg += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"24\" height=\"10\" fill=\"{}\" fill-opacity=\"0.3\"/>\n", lx, legend_y - 9, colour);
    svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2.5\"/>\n", lx, legend_y - 4,
                       lx + 24, legend_y - 4, colour);
    svg += text(lx + 30, legend_y, series_order[i], "font-size=\"11\"");
    legend_y += 20;
  }
  const double lx = width - right + 20;
  legend_y += 10;
  svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#333\" stroke-width=\"2.5\"/>\n", lx, legend_y - 4,
                     lx + 24, legend_y - 4);
  svg += text(lx + 30, legend_y, "median", "font-size=\"11\"");
  legend_y += 18;
  svg += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#333\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
                     lx, legend_y - 4, lx + 24, legend_y - 4);
  svg += text(lx + 30, legend_y, "p90 (nearest rank)", "font-size=\"11\"");
  legend_y += 18;
  svg += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"24\" height=\"10\" fill=\"#333\" fill-opacity=\"0.18\"/>\n", lx, legend_y - 9);
  svg += text(lx + 30, legend_y, "between median and p90", "font-size=\"11\"");
  svg += "</svg>\n";
  return svg;
}

}  // namespace zab::study
