#include "tools/study/real_study.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <variant>

#include "protocol/base/assert.h"
#include "tools/real/real_recovery.h"
#include "tools/real/real_run.h"
#include "tools/real/zoo_config.h"

namespace zab::study {

namespace {

using json = nlohmann::ordered_json;

// The phases a real ensemble shows (indices into kPhases): left its role .. clients
// unavailable, and the probe's first write.
constexpr std::size_t kRealPhases[] = {1, 2, 4, 5, 7, 8, kProbePhase};

// After the probe's first write, the clients' first writes (ClientCnxn's 0-1 s reconnect pause
// and the walk) and the learners' syncs need a moment to land in the run.
constexpr std::int64_t kSettleMs = 3000;


RealTrial run_trial(const StudySpec& spec, const std::vector<Setting>& all, std::size_t setting, std::uint64_t seed,
                    const tools::real::ZooKeeperInstall& install) {
  RealTrial t{.setting = setting, .seed = seed};
  std::fill(std::begin(t.ns), std::end(t.ns), -1);
  const json doc = build_scenario(spec, all.at(setting), seed);
  auto parsed = sim::parse_scenario(doc.dump(), "study");
  ZAB_ASSERT(std::holds_alternative<sim::Scenario>(parsed), "every setting's scenario was validated with the spec");
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  const auto root = std::filesystem::temp_directory_path() /
                    fmt::format("zabsim-study-real-{}-{}", ::getpid(), std::chrono::steady_clock::now().time_since_epoch().count());
  const auto started = std::chrono::steady_clock::now();
  const tools::real::RealRun run = tools::real::run_on_real_ensemble(
      install, scenario, seed, root.string(),
      tools::real::RealRunOptions{.run_ms = scenario.duration_ms, .settle_ms = kSettleMs, .quiet = true});
  t.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  const auto recovery = tools::real::real_recovery(run);
  if (recovery.empty() || run.faults.front().skipped) {
    t.skipped = true;
    t.fault = recovery.empty() ? "no fault fired" : run.faults.front().text;
    return t;
  }
  const tools::real::RealRecovery& r = recovery.front();
  t.fault = r.fault;
  auto ns = [](std::int64_t ms) { return ms < 0 ? -1 : ms * 1'000'000; };
  t.ns[1] = ns(r.noticed_ms);
  t.ns[2] = ns(r.elected_ms);
  t.ns[4] = ns(r.established_ms);
  t.ns[5] = ns(r.all_synced_ms);
  t.ns[7] = ns(r.first_read_ms);
  t.ns[8] = ns(r.first_write_ms);
  t.ns[kProbePhase] = ns(r.probe_write_ms);
  return t;
}

// The real values of a phase (or the probe) in a setting.
std::vector<std::int64_t> real_values(const std::vector<RealTrial>& real, std::size_t setting, std::size_t phase) {
  std::vector<std::int64_t> v;
  for (const RealTrial& t : real) {
    if (t.setting != setting || t.skipped) continue;
    const std::int64_t x = t.ns[phase];
    if (x >= 0) v.push_back(x);
  }
  return v;
}

std::size_t real_runs(const std::vector<RealTrial>& real, std::size_t setting) {
  return static_cast<std::size_t>(
      std::count_if(real.begin(), real.end(), [&](const RealTrial& t) { return t.setting == setting && !t.skipped; }));
}

// Real over simulated, or "-" when either is missing.
std::string ratio_text(std::int64_t real_ns, std::int64_t sim_ns) {
  return sim_ns > 0 && real_ns >= 0 ? fmt::format("{:.2f}", static_cast<double>(real_ns) / static_cast<double>(sim_ns)) : "-";
}

}  // namespace

std::vector<RealTrial> run_real_trials(const StudySpec& spec, std::uint64_t trials,
                                       const tools::real::ZooKeeperInstall& install,
                                       const std::function<void(std::size_t, std::size_t)>& progress) {
  const std::vector<Setting> all = settings(spec);
  std::vector<RealTrial> out;
  const std::size_t total = all.size() * trials;
  for (std::size_t s = 0; s < all.size(); ++s) {
    for (std::uint64_t k = 0; k < trials; ++k) {
      if (tools::real::stop_requested()) return out;
      out.push_back(run_trial(spec, all, s, spec.first_seed + k, install));
      progress(out.size(), total);
    }
  }
  return out;
}

json real_trial_to_json(const RealTrial& t, const std::vector<Setting>& all) {
  json j;
  j["setting"] = all.at(t.setting).label;
  j["seed"] = t.seed;
  j["fault"] = t.fault;
  j["skipped"] = t.skipped;
  for (std::size_t phase : kRealPhases) {
    j[kPhases[phase].key] = t.ns[phase] < 0 ? json(nullptr) : json(static_cast<double>(t.ns[phase]) / 1e6);
  }
  j["wall_ms"] = t.wall_ms;
  return j;
}

std::optional<std::vector<RealTrial>> load_real_trials(const std::string& path, const std::vector<Setting>& all,
                                                       std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = fmt::format("{}: cannot be read", path);
    return std::nullopt;
  }
  std::vector<RealTrial> out;
  std::string line;
  std::size_t number = 0;
  auto fail = [&](const std::string& what) {
    error = fmt::format("{}:{}: {}", path, number, what);
    return std::nullopt;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
    RealTrial t;
    std::fill(std::begin(t.ns), std::end(t.ns), -1);
    if (!j.contains("setting") || !j["setting"].is_string()) return fail("'setting' must be a setting's label");
    const std::string label = j["setting"].get<std::string>();
    const auto found = std::find_if(all.begin(), all.end(), [&](const Setting& s) { return s.label == label; });
    if (found == all.end()) return fail(fmt::format("setting '{}' is not one of the spec's", label));
    t.setting = static_cast<std::size_t>(found - all.begin());
    if (!j.contains("seed") || !j["seed"].is_number_unsigned()) return fail("'seed' must be a non-negative integer");
    t.seed = j["seed"].get<std::uint64_t>();
    if (!j.contains("skipped") || !j["skipped"].is_boolean()) return fail("'skipped' must be true or false");
    t.skipped = j["skipped"].get<bool>();
    if (j.contains("fault") && j["fault"].is_string()) t.fault = j["fault"].get<std::string>();
    for (std::size_t phase : kRealPhases) {
      const char* key = kPhases[phase].key;
      if (!j.contains(key) || j[key].is_null()) continue;
      if (!j[key].is_number() || j[key].get<double>() < 0 || j[key].get<double>() > 1e9) {
        return fail(fmt::format("'{}' must be null or a number of ms from 0 to 1e9", key));
      }
      t.ns[phase] = std::llround(j[key].get<double>() * 1e6);
    }
    if (j.contains("wall_ms") && j["wall_ms"].is_number_integer()) t.wall_ms = j["wall_ms"].get<std::int64_t>();
    out.push_back(std::move(t));
  }
  if (out.empty()) {
    error = fmt::format("{}: holds no trials", path);
    return std::nullopt;
  }
  return out;
}

std::string render_side_by_side(const StudyResult& sim, const std::vector<RealTrial>& real) {
  std::string out = fmt::format(
      "\nsimulated and REAL ZooKeeper 3.8.0 side by side (ms after the fault; real: wall clock on this machine, "
      "not replayable)\n");
  for (std::size_t s = 0; s < sim.settings.size(); ++s) {
    const SettingResult& sr = sim.settings[s];
    out += fmt::format("\n{}  (sim {} runs, real {} trials)\n", sr.setting.label, sr.runs - sr.skipped, real_runs(real, s));
    out += fmt::format("  {:<24} | {:>5} {:>9} {:>9} {:>9} {:>9} | {:>6} {:>9} {:>9} {:>9} {:>9} | {:>8} {:>8}\n", "phase",
                       "sim n", "p10", "median", "p90", "max", "real n", "p10", "median", "p90", "max", "real/sim", "at p90");
    for (std::size_t phase : kRealPhases) {
      const Summary& sim_s = sr.phases[phase];
      const Summary real_s = summarize(real_values(real, s, phase));
      out += fmt::format("  {:<24} | {:>5} {:>9} {:>9} {:>9} {:>9} | {:>6} {:>9} {:>9} {:>9} {:>9} | {:>8} {:>8}\n",
                         kPhases[phase].label, sim_s.n, ms_text(sim_s.p10_ns), ms_text(sim_s.median_ns),
                         ms_text(sim_s.p90_ns), ms_text(sim_s.max_ns), real_s.n, ms_text(real_s.p10_ns),
                         ms_text(real_s.median_ns), ms_text(real_s.p90_ns), ms_text(real_s.max_ns),
                         ratio_text(real_s.median_ns, sim_s.median_ns), ratio_text(real_s.p90_ns, sim_s.p90_ns));
    }
  }
  return out;
}

std::string side_by_side_csv(const StudyResult& sim, const std::vector<RealTrial>& real) {
  std::string out = "setting,label,phase,world,n,p10_ms,median_ms,p90_ms,max_ms\n";
  auto cell = [](std::int64_t ns) { return ns < 0 ? std::string() : fmt::format("{:.3f}", static_cast<double>(ns) / 1e6); };
  for (std::size_t s = 0; s < sim.settings.size(); ++s) {
    for (std::size_t phase : kRealPhases) {
      for (const bool is_real : {false, true}) {
        const Summary x = is_real ? summarize(real_values(real, s, phase)) : sim.settings[s].phases[phase];
        out += fmt::format("{},\"{}\",{},{},{},{},{},{},{}\n", s, sim.settings[s].setting.label, kPhases[phase].key,
                           is_real ? "real" : "sim", x.n, cell(x.p10_ns), cell(x.median_ns), cell(x.p90_ns), cell(x.max_ns));
      }
    }
  }
  return out;
}

}  // namespace zab::study
