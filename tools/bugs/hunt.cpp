#include "tools/bugs/hunt.h"

#include <filesystem>
#include <fstream>

#include "protocol/base/assert.h"
#include "tools/fuzz/campaign.h"
#include "tools/fuzz/shrink.h"

namespace zab::bugs {

using json = nlohmann::ordered_json;

HuntResult hunt(const BugEntry& entry, const HuntOptions& options) {
  HuntResult r;
  r.entry = entry.name;
  r.jira = bug_jira(entry);
  r.expected_property = entry.expected_property;
  r.steered = options.steer;

  fuzz::CampaignOptions o;
  o.spec.seed = options.seed;
  o.spec.mutations = entry.switches;
  o.runs = options.max_schedules;
  o.jobs = 1;  // one core: the figures are one core's
  o.cpu_budget_s = options.budget_s;
  o.out_dir = options.out_dir;
  o.quiet = true;
  o.spec.steer = options.steer;
  json found_scenario;
  o.stop_after_finding = [&](const json& line, const json& scenario) {
    // The control: the same schedule and seed with the switches off, in a forked child.
    const std::uint64_t index = line["index"].get<std::uint64_t>();
    json control = scenario;
    control["cluster"].erase("mutations");
    const fuzz::Probe p = fuzz::probe(control, control["seed"].get<std::uint64_t>());
    if (!p.properties.empty()) {
      r.correct_protocol_findings.emplace_back(index, p.properties.front());
      return false;
    }
    r.found = true;
    r.first_index = index;
    r.property = line["properties"][0].get<std::string>();
    r.witness = line["witness"].get<std::string>();
    r.derived = line.contains("parent");
    found_scenario = scenario;
    return true;
  };
  const fuzz::CampaignOutcome outcome = fuzz::run_campaign(o);
  r.schedules = outcome.runs;
  r.cpu_s = outcome.cpu_s;
  r.wall_s = outcome.wall_s;
  if (!r.found) return r;
  ZAB_ASSERT(r.first_index + 1 == r.schedules, "a hunt runs the indices from 0 in order");
  if (!options.out_dir.empty()) {
    r.record_path = (std::filesystem::path(fuzz::finding_dir(options.out_dir, r.first_index)) / "record.json").string();
  }
  if (!options.shrink) return r;

  const fuzz::ShrinkResult s = fuzz::shrink(found_scenario, found_scenario["seed"].get<std::uint64_t>(), r.property,
                                            fuzz::ShrinkOptions{.time_budget_s = options.shrink_budget_s});
  r.shrunk = s.reproduced;
  r.shrunk_faults = s.scenario["faults"].size();
  r.shrunk_servers = s.scenario["cluster"]["servers"].get<std::size_t>();
  r.shrink_s = s.seconds;
  r.shrink_budget_reached = s.budget_exhausted;
  if (!options.out_dir.empty()) {
    r.min_path = (std::filesystem::path(fuzz::finding_dir(options.out_dir, r.first_index)) / "min.json").string();
    std::ofstream(r.min_path) << s.scenario.dump(2) << "\n";
  }
  return r;
}

json to_json(const HuntResult& r) {
  json j;
  j["entry"] = r.entry;
  j["jira"] = r.jira;
  j["expected_property"] = r.expected_property;
  j["found"] = r.found;
  j["schedules"] = r.schedules;
  j["steered"] = r.steered;
  if (r.found) {
    j["derived"] = r.derived;
    j["first_index"] = r.first_index;
    j["property"] = r.property;
    j["expected"] = r.expected();
    j["witness"] = r.witness;
  }
  j["cpu_s"] = r.cpu_s;
  j["wall_s"] = r.wall_s;
  if (r.shrunk) {
    j["shrunk"] = {{"faults", r.shrunk_faults},
                   {"servers", r.shrunk_servers},
                   {"seconds", r.shrink_s},
                   {"budget_reached", r.shrink_budget_reached}};
  }
  if (!r.record_path.empty()) j["record"] = r.record_path;
  if (!r.correct_protocol_findings.empty()) {
    json c = json::array();
    for (const auto& [index, property] : r.correct_protocol_findings) c.push_back({{"index", index}, {"property", property}});
    j["correct_protocol_findings"] = c;
  }
  if (!r.min_path.empty()) j["min"] = r.min_path;
  return j;
}

HuntResult hunt_result_from_json(const json& j) {
  HuntResult r;
  r.entry = j.at("entry").get<std::string>();
  r.jira = j.at("jira").get<std::string>();
  r.expected_property = j.at("expected_property").get<std::string>();
  r.found = j.at("found").get<bool>();
  r.schedules = j.at("schedules").get<std::uint64_t>();
  r.steered = j.at("steered").get<bool>();
  if (r.found) {
    r.derived = j.at("derived").get<bool>();
    r.first_index = j.at("first_index").get<std::uint64_t>();
    r.property = j.at("property").get<std::string>();
    r.witness = j.at("witness").get<std::string>();
  }
  r.cpu_s = j.at("cpu_s").get<double>();
  r.wall_s = j.at("wall_s").get<double>();
  if (j.contains("shrunk")) {
    const json& s = j["shrunk"];
    r.shrunk = true;
    r.shrunk_faults = s.at("faults").get<std::size_t>();
    r.shrunk_servers = s.at("servers").get<std::size_t>();
    r.shrink_s = s.at("seconds").get<double>();
    r.shrink_budget_reached = s.at("budget_reached").get<bool>();
  }
  r.record_path = j.value("record", std::string());
  r.min_path = j.value("min", std::string());
  if (j.contains("correct_protocol_findings")) {
    for (const json& c : j["correct_protocol_findings"]) {
      r.correct_protocol_findings.emplace_back(c.at("index").get<std::uint64_t>(), c.at("property").get<std::string>());
    }
  }
  return r;
}

}  // namespace zab::bugs
