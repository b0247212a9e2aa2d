#include "tools/study/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checkers/json_input.h"
#include "sim/scenario/scenario.h"

namespace zab::study {

namespace {

using json = nlohmann::ordered_json;

// The keys a spec may have, and the parameters it may sweep.
const std::vector<std::string> kTopKeys = {"name", "description", "base", "sweep", "seeds", "first_seed", "fault_at_ms", "by_servers",
                                           "duration_ms"};
const std::vector<std::string> kAxes = {"servers", "tick_time_ms", "init_limit", "sync_limit", "latency_median_us", "fault"};

struct Fail {
  SpecError error;
};

[[noreturn]] void fail(const std::string& pointer, const std::string& message) { throw Fail{{"", pointer, message}}; }

std::uint64_t positive_int(const json& v, const std::string& pointer, std::uint64_t max) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::uint64_t>() > max) {
    fail(pointer, fmt::format("must be an integer from 1 to {}", max));
  }
  return v.get<std::uint64_t>();
}

json fault_document(const std::string& name, std::int64_t at_ms) {
  const bool leader = name.starts_with("leader_");
  const std::string role = leader ? "leader" : "follower";
  const std::string kind = name.substr(name.find('_') + 1);
  json f = {{"at_ms", at_ms}};
  if (kind == "partition") {
    // Cut off from every other server, both ways: no reset, only silence.
    f["kind"] = "partition";
    f["isolate"] = role;
  } else {
    f["kind"] = kind;
    f["target"] = role;
  }
  return f;
}

}  // namespace

std::vector<Setting> settings(const StudySpec& spec) {
  std::vector<Setting> out{Setting{}};
  for (const Axis& axis : spec.axes) {
    std::vector<Setting> next;
    for (const Setting& s : out) {
      for (const json& v : axis.values) {
        Setting t = s;
        t.values.push_back(v);
        const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
        t.label += (t.label.empty() ? "" : " ") + axis.name + "=" + value;
        next.push_back(std::move(t));
      }
    }
    out = std::move(next);
  }
  if (out.size() == 1 && out.front().label.empty()) out.front().label = "base";
  return out;
}

json build_scenario(const StudySpec& spec, const Setting& setting, std::uint64_t seed) {
  json doc = spec.base;
  const std::uint32_t default_servers = sim::Scenario{}.servers;
  std::uint32_t servers = doc.contains("cluster") ? doc["cluster"].value("servers", default_servers) : default_servers;
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    if (spec.axes[i].name == "servers") servers = setting.values[i].get<std::uint32_t>();
  }
  if (const auto patch = spec.by_servers.find(servers); patch != spec.by_servers.end()) doc.merge_patch(patch->second);
  for (std::size_t i = 0; i < spec.axes.size(); ++i) {
    const std::string& name = spec.axes[i].name;
    const json& v = setting.values[i];
    if (name == "latency_median_us") {
      doc["network"]["latency"]["median_us"] = v;
    } else if (name == "fault") {
      doc["faults"] = json::array({fault_document(v.get<std::string>(), spec.fault_at_ms)});
    } else {
      doc["cluster"][name] = v;
    }
  }
  if (spec.duration_ms) doc["duration_ms"] = *spec.duration_ms;
  doc["seed"] = seed;
  doc["name"] = fmt::format("{} [{}]", doc.value("name", std::string("study")), setting.label);
  return doc;
}

std::optional<StudySpec> parse_spec(const std::string& json_text, const std::string& file_name,
                                    const std::string& spec_dir, SpecError& error) {
  StudySpec spec;
  try {
    json_input::JsonError json_error;
    std::optional<json> parsed = json_input::parse<json>(json_text, json_error);
    if (!parsed) fail(json_error.pointer, json_error.message);
    const json& j = *parsed;
    if (!j.is_object()) fail("", "a study spec is a JSON object");
    for (const auto& [key, value] : j.items()) {
      if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end()) fail("/" + key, "unknown key");
    }
    if (!j.contains("name") || !j["name"].is_string()) fail("/name", "required: a string");
    spec.name = j["name"].get<std::string>();
    if (j.contains("description")) {
      if (!j["description"].is_string()) fail("/description", "must be a string");
      spec.description = j["description"].get<std::string>();
    }
    if (!j.contains("base")) fail("/base", "required: a scenario document or the path of a scenario file");
    std::string base_name = file_name + "#/base";
    if (j["base"].is_string()) {
      std::filesystem::path path = j["base"].get<std::string>();
      if (path.is_relative()) path = std::filesystem::path(spec_dir) / path;
      std::string why;
      const auto text = json_input::read_file(path.string(), why);
      if (!text) fail("/base", fmt::format("the scenario file '{}' {}", path.string(), why));
      auto base = json_input::parse<json>(*text, json_error);
      if (!base) fail("/base", fmt::format("'{}': {}", path.string(), json_error.text()));
      spec.base = std::move(*base);
      base_name = path.string();
    } else if (j["base"].is_object()) {
      spec.base = j["base"];
    } else {
      fail("/base", "must be a scenario document (object) or a path (string)");
    }
    // The base itself must be a valid scenario.
    if (auto parsed = sim::parse_scenario(spec.base.dump(), base_name); std::holds_alternative<sim::ScenarioError>(parsed)) {
      fail("/base", std::get<sim::ScenarioError>(parsed).text());
    }
    if (j.contains("by_servers")) {
      const json& b = j["by_servers"];
      if (!b.is_object()) fail("/by_servers", "must map a number of servers (\"3\") to a part of a scenario document");
      for (const auto& [key, patch] : b.items()) {
        const std::string at = "/by_servers/" + key;
        if (key.empty() || key.size() > 2 || key.find_first_not_of("0123456789") != std::string::npos || key == "0") {
          fail(at, "must be a number of servers, 1 to 99");
        }
        if (!patch.is_object()) fail(at, "must be a part of a scenario document (an object)");
        spec.by_servers[static_cast<std::uint32_t>(std::stoul(key))] = patch;
      }
    }
    if (j.contains("seeds")) spec.seeds = positive_int(j["seeds"], "/seeds", 100000);
    if (j.contains("first_seed")) {
      if (!j["first_seed"].is_number_unsigned()) fail("/first_seed", "must be a non-negative integer");
      spec.first_seed = j["first_seed"].get<std::uint64_t>();
    }
    if (j.contains("fault_at_ms")) spec.fault_at_ms = static_cast<std::int64_t>(positive_int(j["fault_at_ms"], "/fault_at_ms", 1'000'000'000));
    if (j.contains("duration_ms")) spec.duration_ms = static_cast<std::int64_t>(positive_int(j["duration_ms"], "/duration_ms", 1'000'000'000));
    if (j.contains("sweep")) {
      const json& sweep = j["sweep"];
      if (!sweep.is_object()) fail("/sweep", "must be an object: parameter -> list of values");
      for (const auto& [key, values] : sweep.items()) {
        const std::string pointer = "/sweep/" + key;
        if (std::find(kAxes.begin(), kAxes.end(), key) == kAxes.end()) {
          fail(pointer, "unknown parameter (servers, tick_time_ms, init_limit, sync_limit, latency_median_us, fault)");
        }
        if (!values.is_array() || values.empty()) fail(pointer, "must be a non-empty list of values");
        // Before reading the values: the repeat check below is quadratic in a list's length.
        std::uint64_t settings_count = values.size();
        for (const Axis& a : spec.axes) settings_count *= a.values.size();  // each factor <= kSettingsMax
        if (values.size() > kSettingsMax || settings_count > kSettingsMax) {
          fail(pointer, fmt::format("the sweep would have {} settings; at most {}",
                                    values.size() > kSettingsMax ? values.size() : settings_count, kSettingsMax));
        }
        Axis axis{.name = key, .values = {}};
        for (std::size_t i = 0; i < values.size(); ++i) {
          const std::string at = fmt::format("{}/{}", pointer, i);
          const json& v = values[i];
          if (key == "fault") {
            const bool known = v.is_string() && std::any_of(std::begin(kFaultNames), std::end(kFaultNames),
                                                            [&](const char* n) { return v.get<std::string>() == n; });
            if (!known) {
              fail(at, "must be one of leader_crash, leader_hang, leader_partition, follower_crash, follower_hang, "
                       "follower_partition");
            }
          } else {
            positive_int(v, at, key == "servers" ? 99 : 1'000'000'000);
          }
          if (std::find(axis.values.begin(), axis.values.end(), v) != axis.values.end()) fail(at, "repeated value");
          axis.values.push_back(v);
        }
        spec.axes.push_back(std::move(axis));
      }
    }
    if (const std::uint64_t runs = settings(spec).size() * spec.seeds; runs > kStudyRunsMax) {
      fail(j.contains("seeds") ? "/seeds" : "/sweep",
           fmt::format("{} settings x {} seeds is {} runs; at most {}", settings(spec).size(), spec.seeds, runs,
                       kStudyRunsMax));
    }
    // Every setting's scenario must be valid (e.g. a connect string naming server 5 with
    // servers=3); checked once, with the first seed.
    for (const Setting& s : settings(spec)) {
      const json doc = build_scenario(spec, s, spec.first_seed);
      if (auto parsed = sim::parse_scenario(doc.dump(), base_name); std::holds_alternative<sim::ScenarioError>(parsed)) {
        fail("/sweep", fmt::format("setting {} makes a bad scenario: {}", s.label, std::get<sim::ScenarioError>(parsed).text()));
      }
    }
  } catch (Fail& f) {
    error = f.error;
    error.file = file_name;
    return std::nullopt;
  }
  return spec;
}

std::optional<StudySpec> load_spec(const std::string& path, SpecError& error) {
  std::string why;
  const auto text = json_input::read_file(path, why);
  if (!text) {
    error = {path, "", why};
    return std::nullopt;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return parse_spec(*text, path, dir.empty() ? "." : dir, error);
}

}  // namespace zab::study
