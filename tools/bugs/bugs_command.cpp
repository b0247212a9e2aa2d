// `zabsim bugs`: hunt every entry of the bug catalog (tools/bugs/catalog.cpp) with random
// schedules — not its trigger scenario — one entry per worker process, one core each, and
// print how soon each was caught. Exit 0 if every selected entry was caught, 5 if any was not
// found within its budget (kExitNotFound), 2 on bad usage.

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>

#include "tools/bugs/catalog.h"
#include "tools/bugs/hunt.h"
#include "tools/commands.h"
#include "tools/fuzz/campaign.h"
#include "tools/fuzz/pool.h"
#include "tools/options.h"

namespace zab::tools {

namespace {

using json = nlohmann::ordered_json;

struct Row {
  const bugs::BugEntry* entry = nullptr;
  bugs::HuntResult result;
  std::string crash;  // the entry's worker died (a bug in zabsim, not a finding)
};

std::string entry_label(const bugs::BugEntry& e) {
  std::string label = e.name;
  for (std::size_t i = 1; i < e.switches.size(); ++i) label += " +" + e.switches[i];
  return label;
}

std::string caught_by(const Row& row, double budget_s) {
  const bugs::HuntResult& r = row.result;
  if (!row.crash.empty()) return "worker died: " + row.crash.substr(0, row.crash.find('\n'));
  if (!r.found) return fmt::format("not found in {} schedule{} / {:g} s", r.schedules, r.schedules == 1 ? "" : "s", budget_s);
  if (r.expected()) return r.property;
  return fmt::format("{} (expected {})", r.property, r.expected_property);
}

std::string shrunk_size(const bugs::HuntResult& r) {
  if (!r.found) return "-";
  if (!r.shrunk) return "not shrunk";
  return fmt::format("{} faults / {} servers{}", r.shrunk_faults, r.shrunk_servers, r.shrink_budget_reached ? " (budget)" : "");
}

// The median of the times to first detection, an entry not found counting as never: "-" if
// the median is one of those.
std::string median_time(const std::vector<Row>& rows) {
  std::vector<double> t;
  for (const Row& row : rows) t.push_back(row.result.found ? row.result.cpu_s : std::numeric_limits<double>::infinity());
  if (t.empty()) return "-";
  std::sort(t.begin(), t.end());
  const std::size_t n = t.size();
  const double m = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
  return m == std::numeric_limits<double>::infinity() ? "not reached (half the entries or more not found)"
                                                     : fmt::format("{:.2f} s", m);
}

std::string render_table(const std::vector<Row>& rows, double budget_s) {
  std::vector<std::array<std::string, 7>> cells;
  cells.push_back({"entry (switch)", "JIRA", "caught by (property)", "schedules", "cpu", "wall", "shrunk to"});
  for (const Row& row : rows) {
    const bugs::HuntResult& r = row.result;
    cells.push_back({entry_label(*row.entry), r.jira, caught_by(row, budget_s),
                     r.found ? fmt::format("{}", r.schedules) : "-", r.found ? fmt::format("{:.2f} s", r.cpu_s) : "-",
                     r.found ? fmt::format("{:.2f} s", r.wall_s) : "-", shrunk_size(r)});
  }
  std::array<std::size_t, 7> width{};
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      const bool numeric = c >= 3 && c <= 5;
      text += numeric ? fmt::format("{:>{}}", line[c], width[c]) : fmt::format("{:<{}}", line[c], width[c]);
      if (c + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace

int run_bugs(const std::vector<std::string>& args) {
  po::options_description options("bugs options");
  bugs::HuntOptions h;
  std::vector<std::string> names;
  unsigned jobs = 1;
  std::string out_dir;
  options.add_options()("help,h", "show this help")(
      "budget", seconds_value<kSecondsMax>(&h.budget_s, 60), "CPU seconds of schedules per entry (its runs' own CPU time, one core)")(
      "max-schedules", uint_value<1, UINT64_MAX>(&h.max_schedules, 1'000'000),
      "at most this many schedules per entry")(
      "jobs", uint_value<1, kJobsMax>(&jobs, static_cast<std::uint64_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)))),
      "entries hunted at once, one worker process each (default: one per core)")(
      "entry", po::value<std::vector<std::string>>(&names), "hunt only this entry (repeatable; default: all)")(
      "seed", uint_value<0, UINT64_MAX>(&h.seed, 1), "the campaign seed (the same for every entry)")(
      "out", po::value<std::string>(&out_dir)->default_value("zabsim-bugs"),
      "output directory: bugs.json, and per entry its campaign, finding and shrunk scenario")(
      "no-shrink", "do not shrink the findings")(
      "shrink-budget", seconds_value<kSecondsMax>(&h.shrink_budget_s),
      "wall seconds to shrink each finding, after and outside --budget (default: the same as --budget)")(
      "list", "list the catalog's entries and exit");
  po::positional_options_description positional;
  po::variables_map vm;
  if (auto code = parse_options("bugs", args, options, positional, vm,
                                "examples:\n  zabsim bugs --budget 60 --jobs 2\n"
                                "  zabsim bugs --entry no-epoch-files --entry diff-instead-of-trunc --budget 10\n")) {
    return *code;
  }
  if (vm.count("list") != 0) {
    for (const auto& e : bugs::bug_catalog()) {
      fmt::print("{}  {}  {}\n", entry_label(e), bugs::bug_jira(e), e.expected_property);
    }
    return kExitOk;
  }
  if (!(h.budget_s > 0)) {
    fmt::print(stderr, "zabsim bugs: --budget: must be more than 0 seconds\n");
    return kExitUsage;
  }
  if (h.max_schedules < 1) {
    fmt::print(stderr, "zabsim bugs: --max-schedules: must be at least 1\n");
    return kExitUsage;
  }
  if (jobs < 1) {
    fmt::print(stderr, "zabsim bugs: --jobs: must be at least 1\n");
    return kExitUsage;
  }
  if (vm.count("shrink-budget") == 0) h.shrink_budget_s = h.budget_s;
  if (!(h.shrink_budget_s > 0)) {
    fmt::print(stderr, "zabsim bugs: --shrink-budget: must be more than 0 seconds\n");
    return kExitUsage;
  }
  h.shrink = vm.count("no-shrink") == 0;

  std::vector<Row> rows;
  if (names.empty()) {
    for (const auto& e : bugs::bug_catalog()) rows.push_back(Row{.entry = &e});
  }
  for (const auto& name : names) {
    const bugs::BugEntry* e = bugs::bug_entry(name);
    if (e == nullptr) {
      std::string known;
      for (const auto& k : bugs::bug_catalog()) known += (known.empty() ? "" : ", ") + k.name;
      fmt::print(stderr, "zabsim bugs: --entry: no catalog entry '{}' (known: {})\n", name, known);
      return kExitUsage;
    }
    if (std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.entry == e; })) {
      fmt::print(stderr, "zabsim bugs: --entry: '{}' given twice\n", name);
      return kExitUsage;
    }
    rows.push_back(Row{.entry = e});
  }

  fmt::print("zabsim bugs: {} entries, seed {}, budget {} s of CPU and {} schedules per entry on one core each, {} workers, "
             "output in {}\n",
             rows.size(), h.seed, h.budget_s, h.max_schedules, jobs, out_dir);
  if (h.shrink) fmt::print("  then up to {} s to shrink each finding (--shrink-budget; --no-shrink to skip)\n", h.shrink_budget_s);
  if (!make_output_dir("bugs", "--out", out_dir)) return kExitUsage;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < rows.size(); ++i) indices.push_back(i);
  fuzz::PoolCallbacks callbacks;
  callbacks.work = [&](std::uint64_t i) {
    bugs::HuntOptions o = h;
    o.out_dir = (std::filesystem::path(out_dir) / rows[i].entry->name).string();
    std::filesystem::remove_all(o.out_dir);  // a previous hunt's findings are not this one's
    return bugs::to_json(bugs::hunt(*rows[i].entry, o)).dump();
  };
  callbacks.done = [&](fuzz::PoolResult&& p) {
    Row& row = rows[p.index];
    if (p.crashed) {
      row.result.entry = row.entry->name;
      row.result.jira = bugs::bug_jira(*row.entry);
      row.result.expected_property = row.entry->expected_property;
      row.crash = p.crash_text.empty() ? "no output" : p.crash_text;
    } else {
      row.result = bugs::hunt_result_from_json(json::parse(p.line));
    }
    fmt::print("  {}: {}{}\n", row.entry->name, caught_by(row, h.budget_s),
               row.result.found ? fmt::format(" after {} schedules, {:.2f} s cpu, {:.2f} s wall", row.result.schedules,
                                              row.result.cpu_s, row.result.wall_s)
                                : "");
    std::fflush(stdout);
  };
  callbacks.keep_going = [] { return true; };
  callbacks.tick = [] {};
  fuzz::run_pool(indices, jobs, callbacks);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const auto caught = static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.result.found; }));
  const auto expected = static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.result.expected(); }));
  fmt::print("\n{}", render_table(rows, h.budget_s));
  for (const Row& row : rows) {
    for (const auto& [index, property] : row.result.correct_protocol_findings) {
      fmt::print("note: {} run {} fails with the switches off too ({}): a finding on the correct protocol, not this "
                 "entry's; the hunt went on. Its record: {}/record.json\n",
                 row.entry->name, index, property,
                 fuzz::finding_dir((std::filesystem::path(out_dir) / row.entry->name).string(), index));
    }
  }
  const std::string median = median_time(rows);
  fmt::print("\ncaught {} of {} entries ({} by the expected property) within {} s of one core each; median CPU time to "
             "first detection {}; {:.1f} s wall in all on {} workers\n",
             caught, rows.size(), expected, h.budget_s, median, wall_s, jobs);

  json report;
  report["seed"] = h.seed;
  report["budget_s"] = h.budget_s;
  report["max_schedules"] = h.max_schedules;
  report["jobs"] = jobs;
  report["caught"] = caught;
  report["caught_by_expected_property"] = expected;
  report["entries_selected"] = rows.size();
  report["median_cpu_time"] = median;
  report["entries"] = json::array();
  for (const Row& row : rows) {
    json j = bugs::to_json(row.result);
    j["switches"] = row.entry->switches;
    if (!row.crash.empty()) j["worker_died"] = row.crash;
    report["entries"].push_back(j);
  }
  const std::string path = (std::filesystem::path(out_dir) / "bugs.json").string();
  std::ofstream(path) << report.dump(2) << "\n";
  fmt::print("details: {} (per entry: its campaign, the finding's run record and min.json)\n", path);
  return caught == rows.size() ? kExitOk : kExitNotFound;
}

}  // namespace zab::tools
