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
#include <vector>

#include "protocol/base/assert.h"
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
  bool steer = true;  // this hunt's schedules are steered by coverage
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

// Rows of cells as aligned text: numeric columns right-aligned, the others left-aligned.
std::string align_columns(const std::vector<std::vector<std::string>>& lines, const std::vector<bool>& numeric) {
  std::vector<std::size_t> width(numeric.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  }
  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      text += numeric[c] ? fmt::format("{:>{}}", line[c], width[c]) : fmt::format("{:<{}}", line[c], width[c]);
      if (c + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string count_cell(const Row& r) { return r.result.found ? fmt::format("{}", r.result.schedules) : "-"; }
std::string cpu_cell(const Row& r) { return r.result.found ? fmt::format("{:.2f} s", r.result.cpu_s) : "-"; }

std::string render_table(const std::vector<Row>& rows, double budget_s) {
  std::vector<std::vector<std::string>> lines = {
      {"entry (switch)", "JIRA", "caught by (property)", "schedules", "cpu", "wall", "shrunk to"}};
  for (const Row& row : rows) {
    const bugs::HuntResult& r = row.result;
    lines.push_back({entry_label(*row.entry), r.jira, caught_by(row, budget_s), count_cell(row), cpu_cell(row),
                     r.found ? fmt::format("{:.2f} s", r.wall_s) : "-", shrunk_size(r)});
  }
  return align_columns(lines, {false, false, false, true, true, true, false});
}

// Steered and random hunts of the same entries side by side (--side-by-side): rows come in
// pairs, the steered hunt first.
std::string render_side_by_side(const std::vector<Row>& rows, double budget_s) {
  std::vector<std::vector<std::string>> lines = {
      {"entry (switch)", "JIRA", "steered: caught by", "schedules", "cpu", "random: caught by", "schedules", "cpu"}};
  for (std::size_t k = 0; k + 1 < rows.size(); k += 2) {
    const Row& a = rows[k];
    const Row& b = rows[k + 1];
    ZAB_ASSERT(a.entry == b.entry && a.steer && !b.steer, "side by side, each entry's steered hunt comes before its random one");
    lines.push_back({entry_label(*a.entry), a.result.jira, caught_by(a, budget_s), count_cell(a), cpu_cell(a), caught_by(b, budget_s),
                     count_cell(b), cpu_cell(b)});
  }
  return align_columns(lines, {false, false, false, true, true, false, true, true});
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
      "random", "random schedules only, as before steering (issue 17): no corpus, no derived schedules")(
      "side-by-side", "hunt every entry twice, steered and random, and print the two side by side")(
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
  h.steer = vm.count("random") == 0;
  const bool side_by_side = vm.count("side-by-side") != 0;
  if (side_by_side && !h.steer) {
    fmt::print(stderr, "zabsim bugs: --side-by-side hunts both ways; it cannot go with --random\n");
    return kExitUsage;
  }

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

  fmt::print("zabsim bugs: {} entries, seed {}, {}, budget {} s of CPU and {} schedules per entry on one core each, {} "
             "workers, output in {}\n",
             rows.size(), h.seed, h.steer ? "schedules steered by coverage" : "random schedules", h.budget_s, h.max_schedules,
             jobs, out_dir);
  if (side_by_side) {
    std::vector<Row> both;
    for (const Row& r : rows) {
      both.push_back(Row{.entry = r.entry, .steer = true});
      both.push_back(Row{.entry = r.entry, .steer = false});
    }
    rows = std::move(both);
    fmt::print("  each entry hunted twice: steered, then with random schedules (--side-by-side)\n");
  } else {
    for (Row& r : rows) r.steer = h.steer;
  }
  if (h.shrink) fmt::print("  then up to {} s to shrink each finding (--shrink-budget; --no-shrink to skip)\n", h.shrink_budget_s);
  if (!make_output_dir("bugs", "--out", out_dir)) return kExitUsage;
  // Where a hunt writes its campaign: DIR/<entry>, or DIR/<entry>/<steered|random> side by side.
  auto hunt_dir = [&](const Row& row) {
    const auto dir = std::filesystem::path(out_dir) / row.entry->name;
    return (side_by_side ? dir / (row.steer ? "steered" : "random") : dir).string();
  };
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> indices;
  for (std::uint64_t i = 0; i < rows.size(); ++i) indices.push_back(i);
  fuzz::PoolCallbacks callbacks;
  callbacks.work = [&](std::uint64_t i, const std::string&) {
    bugs::HuntOptions o = h;
    o.steer = rows[i].steer;
    o.out_dir = hunt_dir(rows[i]);
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
    fmt::print("  {}{}: {}{}\n", row.entry->name, side_by_side ? (row.steer ? " (steered)" : " (random)") : "",
               caught_by(row, h.budget_s),
               row.result.found ? fmt::format(" after {} schedules, {:.2f} s cpu, {:.2f} s wall", row.result.schedules,
                                              row.result.cpu_s, row.result.wall_s)
                                : "");
    std::fflush(stdout);
  };
  callbacks.keep_going = [] { return true; };
  callbacks.tick = [] {};
  fuzz::run_pool(indices, jobs, callbacks);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  fmt::print("\n{}", side_by_side ? render_side_by_side(rows, h.budget_s) : render_table(rows, h.budget_s));
  for (const Row& row : rows) {
    for (const auto& [index, property] : row.result.correct_protocol_findings) {
      fmt::print("note: {} run {} fails with the switches off too ({}): a finding on the correct protocol, not this "
                 "entry's; the hunt went on. Its record: {}/record.json\n",
                 row.entry->name, index, property,
                 fuzz::finding_dir(hunt_dir(row), index));
    }
  }
  // The figures of one way of hunting (steered or random), over its hunts.
  struct Tally {
    std::size_t hunts = 0, caught = 0, expected = 0;
    std::string median;
  };
  auto tally = [&](bool steer) {
    std::vector<Row> mine;
    for (const Row& r : rows) {
      if (r.steer == steer) mine.push_back(r);
    }
    Tally t;
    t.hunts = mine.size();
    t.caught = static_cast<std::size_t>(std::count_if(mine.begin(), mine.end(), [](const Row& r) { return r.result.found; }));
    t.expected = static_cast<std::size_t>(std::count_if(mine.begin(), mine.end(), [](const Row& r) { return r.result.expected(); }));
    t.median = median_time(mine);
    return t;
  };
  const Tally primary = tally(h.steer);
  const std::size_t entries = side_by_side ? rows.size() / 2 : rows.size();
  fmt::print("\n");
  for (const bool steer : side_by_side ? std::vector<bool>{true, false} : std::vector<bool>{h.steer}) {
    const Tally t = tally(steer);
    fmt::print("{}caught {} of {} entries ({} by the expected property) within {} s of one core each; median CPU time to "
               "first detection {}\n",
               side_by_side ? (steer ? "steered: " : "random:  ") : "", t.caught, t.hunts, t.expected, h.budget_s, t.median);
  }
  fmt::print("{:.1f} s wall in all on {} workers\n", wall_s, jobs);

  json report;
  report["seed"] = h.seed;
  report["steered"] = h.steer;
  report["budget_s"] = h.budget_s;
  report["max_schedules"] = h.max_schedules;
  report["jobs"] = jobs;
  // The top-level figures are the steered hunts' (the random ones' with --random); with
  // --side-by-side, "random" has the random hunts' too.
  report["caught"] = primary.caught;
  report["caught_by_expected_property"] = primary.expected;
  report["entries_selected"] = entries;
  report["median_cpu_time"] = primary.median;
  if (side_by_side) {
    const Tally r = tally(false);
    report["random"] = {{"caught", r.caught}, {"caught_by_expected_property", r.expected}, {"median_cpu_time", r.median}};
  }
  report["entries"] = json::array();
  for (const Row& row : rows) {
    json j = bugs::to_json(row.result);
    j["switches"] = row.entry->switches;
    if (side_by_side) j["way"] = row.steer ? "steered" : "random";
    if (!row.crash.empty()) j["worker_died"] = row.crash;
    report["entries"].push_back(j);
  }
  const std::string path = (std::filesystem::path(out_dir) / "bugs.json").string();
  std::ofstream(path) << report.dump(2) << "\n";
  fmt::print("details: {} (per entry: its campaign, the finding's run record and min.json)\n", path);
  // Exit 0 when every entry was caught the primary way (steered, or random with --random).
  return primary.caught == primary.hunts ? kExitOk : kExitNotFound;
}

}  // namespace zab::tools
