#include "tools/study/study.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/base/assert.h"
#include "sim/scenario/runner.h"
#include "tools/fuzz/pool.h"
#include "tools/run/pipeline.h"

namespace zab::study {

namespace {

using json = nlohmann::ordered_json;

json ms_json(std::int64_t ns) { return ns < 0 ? json(nullptr) : json(static_cast<double>(ns) / 1e6); }

json params_json(const StudySpec& spec, const Setting& s) {
  json params = json::object();
  for (std::size_t i = 0; i < spec.axes.size(); ++i) params[spec.axes[i].name] = s.values[i];
  return params;
}

}  // namespace

RunRow run_one(const StudySpec& spec, const std::vector<Setting>& all, std::uint64_t index) {
  RunRow row;
  row.index = index;
  row.setting = static_cast<std::size_t>(index / spec.seeds);
  row.seed = spec.first_seed + index % spec.seeds;
  std::fill(std::begin(row.ns), std::end(row.ns), -1);
  const json doc = build_scenario(spec, all.at(row.setting), row.seed);
  auto parsed = sim::parse_scenario(doc.dump(), "study");
  ZAB_ASSERT(std::holds_alternative<sim::Scenario>(parsed), "every setting's scenario was validated with the spec");
  // A study reads recovery only: the checkers are not its question (a run's verdict is `zabsim
  // run`'s), and skipping them keeps a sweep of thousands of runs cheap.
  const tools::PipelineResult result = tools::run_pipeline(tools::PipelineRequest{
      .scenario = std::move(std::get<sim::Scenario>(parsed)),
      .document = doc,
      .scenario_path = "",
      .seed = row.seed,
      .options = {},
      .judge = false,
      .measure_recovery = true,
      .progress = {}});
  const sim::ScenarioRun& run = *result.run;
  row.trace_hash = fmt::format("{:016x}", run.world().trace_hash());
  // The study measures the run's first fault (the swept one, or the base scenario's first).
  if (run.fired().empty()) {
    row.skipped = true;
    row.fault = "no fault fired";
    return row;
  }
  const sim::FiredFault& first = run.fired().front();
  row.fault = first.description;
  if (first.skipped) {
    row.skipped = true;
    return row;
  }
  const tools::RecoveryPhases& p = result.recovery.front();
  std::int64_t all_synced = -1;
  for (const auto& f : p.followers) {
    all_synced = std::max(all_synced, f.synced_ns);
    row.sync_modes.push_back(f.mode);
  }
  const std::int64_t values[kPhaseCount] = {p.detected_ns,  p.noticed_ns,    p.elected_ns,
                                           p.epoch_agreed_ns, p.synced_ns, all_synced,
                                           p.first_commit_ns, p.first_read_ns, p.unavailable_ns,
                                           p.probe_write_ns};
  std::copy(std::begin(values), std::end(values), std::begin(row.ns));
  row.noticed_by = p.detected_by;
  row.recovery = tools::recovery_to_json({p}).front();
  return row;
}

json row_to_json(const RunRow& row, const StudySpec& spec, const std::vector<Setting>& all) {
  json j;
  j["index"] = row.index;
  j["setting"] = row.setting;
  j["label"] = all.at(row.setting).label;
  j["params"] = params_json(spec, all.at(row.setting));
  j["seed"] = row.seed;
  j["fault"] = row.fault;
  j["skipped"] = row.skipped;
  json ns = json::object();
  for (std::size_t k = 0; k < kPhaseCount; ++k) ns[kPhases[k].key] = row.ns[k];
  j["phases_ns"] = ns;  // integers: exact, and what the statistics are computed from
  j["noticed_by"] = row.noticed_by;
  j["sync_modes"] = row.sync_modes;
  j["trace_hash"] = row.trace_hash;
  j["recovery"] = row.recovery;
  return j;
}

RunRow row_from_json(const json& j) {
  RunRow row;
  row.index = j.at("index").get<std::uint64_t>();
  row.setting = j.at("setting").get<std::size_t>();
  row.seed = j.at("seed").get<std::uint64_t>();
  row.fault = j.at("fault").get<std::string>();
  row.skipped = j.at("skipped").get<bool>();
  for (std::size_t k = 0; k < kPhaseCount; ++k) row.ns[k] = j.at("phases_ns").value(kPhases[k].key, std::int64_t{-1});
  row.noticed_by = j.at("noticed_by").get<std::string>();
  row.sync_modes = j.at("sync_modes").get<std::vector<std::string>>();
  row.trace_hash = j.at("trace_hash").get<std::string>();
  row.recovery = j.at("recovery");
  return row;
}

StudyResult run_study(const StudySpec& spec, const std::string& spec_path, unsigned jobs,
                      const std::function<void(std::size_t, std::size_t)>& progress) {
  StudyResult result{.spec = spec, .spec_path = spec_path, .settings = {}, .rows = {}};
  const std::vector<Setting> all = settings(spec);
  const std::uint64_t total = all.size() * spec.seeds;
  std::vector<std::uint64_t> indices(total);
  for (std::uint64_t i = 0; i < total; ++i) indices[i] = i;
  result.rows.resize(total);
  std::size_t done = 0;
  fuzz::PoolCallbacks callbacks;
  callbacks.work = [&](std::uint64_t index, const std::string&) { return row_to_json(run_one(spec, all, index), spec, all).dump(); };
  callbacks.done = [&](fuzz::PoolResult&& r) {
    RunRow row;
    if (r.crashed) {
      row.index = r.index;
      row.setting = static_cast<std::size_t>(r.index / spec.seeds);
      row.seed = spec.first_seed + r.index % spec.seeds;
      row.skipped = true;
      row.fault = "the run crashed: " + r.crash_text.substr(0, r.crash_text.find('\n'));
      std::fill(std::begin(row.ns), std::end(row.ns), -1);
    } else {
      row = row_from_json(json::parse(r.line));
    }
    result.rows.at(r.index) = std::move(row);
    if (progress) progress(++done, total);
  };
  callbacks.keep_going = [] { return true; };
  callbacks.tick = [] {};
  fuzz::run_pool(indices, std::max(1u, jobs), callbacks);

  // Aggregate in run-index order: independent of which worker finished first.
  for (const Setting& s : all) result.settings.push_back(SettingResult{.setting = s});
  for (const RunRow& row : result.rows) {
    SettingResult& sr = result.settings.at(row.setting);
    ++sr.runs;
    if (row.skipped) {
      ++sr.skipped;
      continue;
    }
    sr.noticed_by[row.noticed_by.empty() ? "not noticed" : row.noticed_by]++;
    for (const auto& m : row.sync_modes) sr.sync_modes[m]++;
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      if (row.ns[k] >= 0) sr.values[k].push_back(row.ns[k]);
    }
  }
  for (SettingResult& sr : result.settings) {
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      std::sort(sr.values[k].begin(), sr.values[k].end());
      sr.phases[k] = summarize(sr.values[k]);
    }
  }
  return result;
}

namespace {

std::string counts_text(const std::map<std::string, std::size_t>& counts) {
  std::string out;
  for (const auto& [name, n] : counts) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name, n);
  return out.empty() ? "-" : out;
}

}  // namespace

std::string render_table(const StudyResult& r) {
  const std::size_t runs = r.rows.size();
  std::string out = fmt::format("zabsim study {}: {}\n  {} setting{} x {} seeds = {} runs; ms after the fault; "
                                "percentiles by nearest rank\n",
                                r.spec_path, r.spec.name, r.settings.size(), r.settings.size() == 1 ? "" : "s",
                                r.spec.seeds, runs);
  for (const SettingResult& sr : r.settings) {
    out += fmt::format("\n{}  ({} runs{}; first noticed by: {}; follower syncs: {})\n", sr.setting.label, sr.runs,
                       sr.skipped ? fmt::format(", {} skipped: no target", sr.skipped) : "", counts_text(sr.noticed_by),
                       counts_text(sr.sync_modes));
    out += fmt::format("  {:<22} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "phase", "runs", "p10", "median", "p90", "p99", "max");
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      const Summary& s = sr.phases[k];
      if (k == kProbePhase && s.n == 0) continue;
      out += fmt::format("  {:<22} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}\n", kPhases[k].label,
                         fmt::format("{}/{}", s.n, sr.runs - sr.skipped), ms_text(s.p10_ns), ms_text(s.median_ns), ms_text(s.p90_ns),
                         ms_text(s.p99_ns), ms_text(s.max_ns));
    }
  }
  return out;
}

std::string table_csv(const StudyResult& r) {
  std::string out = "setting,label";
  for (const Axis& a : r.spec.axes) out += "," + a.name;
  out += ",phase,runs,reached,p10_ms,median_ms,p90_ms,p99_ms,max_ms\n";
  auto cell = [](std::int64_t ns) { return ns < 0 ? std::string() : fmt::format("{:.3f}", static_cast<double>(ns) / 1e6); };
  for (std::size_t i = 0; i < r.settings.size(); ++i) {
    const SettingResult& sr = r.settings[i];
    std::string prefix = fmt::format("{},\"{}\"", i, sr.setting.label);
    for (const json& v : sr.setting.values) prefix += "," + (v.is_string() ? v.get<std::string>() : v.dump());
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      const Summary& s = sr.phases[k];
      if (k == kProbePhase && s.n == 0) continue;
      out += fmt::format("{},{},{},{},{},{},{},{},{}\n", prefix, kPhases[k].key, sr.runs - sr.skipped, s.n, cell(s.p10_ns), cell(s.median_ns),
                         cell(s.p90_ns), cell(s.p99_ns), cell(s.max_ns));
    }
  }
  return out;
}

json results_json(const StudyResult& r) {
  json j;
  j["zabsim_study"] = 1;
  j["name"] = r.spec.name;
  j["description"] = r.spec.description;
  j["spec_path"] = r.spec_path;
  j["seeds"] = r.spec.seeds;
  j["first_seed"] = r.spec.first_seed;
  j["fault_at_ms"] = r.spec.fault_at_ms;
  j["percentile_method"] = "nearest rank: the p-th percentile of n values is the value at rank ceil(p*n/100), ascending";
  json axes = json::array();
  for (const Axis& a : r.spec.axes) axes.push_back({{"name", a.name}, {"values", a.values}});
  j["axes"] = axes;
  json phases = json::array();
  for (const Phase& p : kPhases) phases.push_back({{"key", p.key}, {"label", p.label}});
  j["phases"] = phases;
  json settings = json::array();
  for (const SettingResult& sr : r.settings) {
    json s;
    s["label"] = sr.setting.label;
    s["params"] = params_json(r.spec, sr.setting);
    s["runs"] = sr.runs;
    s["skipped"] = sr.skipped;
    s["noticed_by"] = sr.noticed_by;
    s["sync_modes"] = sr.sync_modes;
    json ph = json::object();
    for (std::size_t k = 0; k < kPhaseCount; ++k) {
      const Summary& sum = sr.phases[k];
      json values = json::array();
      for (std::int64_t v : sr.values[k]) values.push_back(static_cast<double>(v) / 1e6);
      ph[kPhases[k].key] = {{"reached", sum.n},          {"p10_ms", ms_json(sum.p10_ns)}, {"median_ms", ms_json(sum.median_ns)}, {"p90_ms", ms_json(sum.p90_ns)},
                            {"p99_ms", ms_json(sum.p99_ns)}, {"max_ms", ms_json(sum.max_ns)},     {"values_ms", values}};
    }
    s["phases"] = ph;
    settings.push_back(s);
  }
  j["settings"] = settings;
  j["base_scenario"] = r.spec.base;
  return j;
}

}  // namespace zab::study
