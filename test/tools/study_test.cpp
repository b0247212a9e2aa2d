// `zabsim study`: the spec's errors name their JSON pointer, percentiles by nearest rank, a
// tiny study whose numbers follow the protocol's mechanisms, and results that do not depend on
// the number of workers.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/study/plot.h"
#include "tools/study/real_study.h"
#include "tools/study/spec.h"
#include "tools/study/stats.h"
#include "tools/study/study.h"

using namespace zab::study;

namespace {

std::string pointer_of(const std::string& text) {
  SpecError error;
  const auto spec = parse_spec(text, "spec.json", ZABSIM_SCENARIO_DIR, error);
  if (spec) return "(parsed)";
  return error.pointer;
}

const char* kTinyBase = R"({"name": "tiny", "duration_ms": 16000, "clients": {"count": 2, "start_ms": 500,
  "request_timeout_ms": 5000, "workload": {"ops_per_client": 1000, "think_time_ms": 50, "keys": 3}}})";

StudySpec tiny_spec(const std::string& sweep, std::uint64_t seeds) {
  const std::string text = std::string(R"({"name": "tiny", "base": )") + kTinyBase + R"(, "sweep": )" + sweep +
                           R"(, "seeds": )" + std::to_string(seeds) + R"(, "fault_at_ms": 3000})";
  SpecError error;
  auto spec = parse_spec(text, "tiny.json", ".", error);
  if (!spec) FAIL(error.text());
  return *spec;
}

std::size_t phase_index(const std::string& key) {
  for (std::size_t k = 0; k < kPhaseCount; ++k) {
    if (kPhases[k].key == key) return k;
  }
  FAIL("no phase " << key);
  return 0;
}

}  // namespace

TEST_CASE("nearest-rank percentiles: always one of the values, at rank ceil(p*n/100)") {
  CHECK(percentile_nearest_rank({7}, 50) == 7);
  CHECK(percentile_nearest_rank({7}, 99) == 7);
  const std::vector<std::int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(percentile_nearest_rank(ten, 50) == 5);   // rank 5
  CHECK(percentile_nearest_rank(ten, 90) == 9);   // rank 9
  CHECK(percentile_nearest_rank(ten, 91) == 10);  // rank ceil(9.1) = 10
  CHECK(percentile_nearest_rank(ten, 100) == 10);
  std::vector<std::int64_t> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i * 10);
  CHECK(percentile_nearest_rank(hundred, 99) == 990);
  CHECK(percentile_nearest_rank(hundred, 1) == 10);
  const Summary s = summarize({30, 10, 20, 40});
  CHECK(s.n == 4);
  CHECK(s.p10_ns == 10);     // rank ceil(0.4) = 1
  CHECK(s.median_ns == 20);  // rank 2 of 4
  CHECK(s.p90_ns == 40);     // rank ceil(3.6) = 4
  CHECK(s.max_ns == 40);
  CHECK(summarize({}).n == 0);
  CHECK(summarize({}).median_ns == -1);
}

TEST_CASE("a bad study spec is refused with the JSON pointer of the problem") {
  const std::string base = std::string(R"("base": )") + kTinyBase;
  CHECK(pointer_of("[1]") == "");
  CHECK(pointer_of("{") == "");
  CHECK(pointer_of(R"({"base": {}})") == "/name");
  CHECK(pointer_of(R"({"name": "x"})") == "/base");
  CHECK(pointer_of(R"({"name": "x", "base": 3})") == "/base");
  CHECK(pointer_of(R"({"name": "x", "base": "no-such-file.json"})") == "/base");
  CHECK(pointer_of(R"({"name": "x", "base": {"name": "b", "duration_ms": -1}})") == "/base");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "colour": 1})") == "/colour");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "seeds": 0})") == "/seeds");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": []})") == "/sweep");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"size": [3]}})") == "/sweep/size");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"servers": []}})") == "/sweep/servers");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"servers": [3, "five"]}})") == "/sweep/servers/1");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"servers": [3, 3]}})") == "/sweep/servers/1");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"fault": ["leader_crash", "meteor"]}})") == "/sweep/fault/1");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"servers": [100]}})") == "/sweep/servers/0");
  // A base that names servers 4 and 5 cannot be swept to 3 servers: said when parsing, not when running.
  CHECK(pointer_of(R"({"name": "x", "base": {"name": "b", "clients": {"count": 1, "servers": [4, 5]}},
                      "sweep": {"servers": [3, 5]}})") == "/sweep");
  CHECK(pointer_of(R"({"name": "x", "base": "leader-crash.json", "sweep": {"servers": [5, 7]}})") == "(parsed)");
  // leader-crash.json restarts server 5, which a 3-server ensemble does not have.
  CHECK(pointer_of(R"({"name": "x", "base": "leader-crash.json", "sweep": {"servers": [3, 5]}})") == "/sweep");
}

TEST_CASE("settings are the product of the swept values, the last varying fastest") {
  const StudySpec spec = tiny_spec(R"({"servers": [3, 5], "fault": ["leader_crash", "follower_hang"]})", 1);
  const auto all = settings(spec);
  REQUIRE(all.size() == 4);
  CHECK(all[0].label == "servers=3 fault=leader_crash");
  CHECK(all[1].label == "servers=3 fault=follower_hang");
  CHECK(all[3].label == "servers=5 fault=follower_hang");
  const auto doc = build_scenario(spec, all[1], 9);
  CHECK(doc["cluster"]["servers"] == 3);
  CHECK(doc["seed"] == 9);
  REQUIRE(doc["faults"].size() == 1);
  CHECK(doc["faults"][0]["kind"] == "hang");
  CHECK(doc["faults"][0]["target"] == "follower");
  CHECK(doc["faults"][0]["at_ms"] == 3000);
}

TEST_CASE("a tiny study: crash noticed by reset, hang by timeout, the same results on 1 and 2 workers") {
  const StudySpec spec = tiny_spec(R"({"fault": ["leader_crash", "leader_hang"]})", 3);
  const StudyResult one = run_study(spec, "tiny.json", 1, nullptr);
  const StudyResult two = run_study(spec, "tiny.json", 2, nullptr);
  CHECK(results_json(one).dump() == results_json(two).dump());
  CHECK(table_csv(one) == table_csv(two));
  CHECK(render_table(one) == render_table(two));
  CHECK(distribution_svg(one) == distribution_svg(two));
  REQUIRE(one.rows.size() == 6);
  for (std::size_t i = 0; i < one.rows.size(); ++i) CHECK(one.rows[i].trace_hash == two.rows[i].trace_hash);

  const std::int64_t tick = 2000'000'000, sync_limit = 5;  // ZooKeeper's defaults, not overridden
  const std::size_t detected = phase_index("detected"), established = phase_index("established"),
                    unavailable = phase_index("unavailable"), elected = phase_index("elected");
  const SettingResult& crash = one.settings.at(0);
  const SettingResult& hang = one.settings.at(1);
  CHECK(crash.setting.label == "fault=leader_crash");
  CHECK(crash.noticed_by.at("reset") == 3);
  CHECK(hang.noticed_by.at("timeout") == 3);
  CHECK(crash.phases[detected].n == 3);
  CHECK(crash.phases[detected].max_ns < 20'000'000);                  // a network delay
  CHECK(crash.phases[elected].median_ns >= 200'000'000);              // FLE's finalize wait
  CHECK(crash.phases[established].max_ns < 1'000'000'000);            // well under a second
  CHECK(hang.phases[detected].median_ns >= (sync_limit - 1) * tick);  // silence for ~syncLimit ticks
  CHECK(hang.phases[detected].max_ns <= sync_limit * tick + 50'000'000);
  CHECK(hang.phases[established].median_ns > hang.phases[detected].median_ns);
  CHECK(hang.phases[unavailable].median_ns > crash.phases[unavailable].max_ns);
  // Every run of the setting reached each of these phases.
  CHECK(hang.phases[established].n == 3);

  const std::string csv = table_csv(one);
  CHECK(csv.starts_with("setting,label,fault,phase,runs,reached,p10_ms,median_ms,p90_ms,p99_ms,max_ms\n"));
  CHECK(csv.find("0,\"fault=leader_crash\",leader_crash,detected,3,3,") != std::string::npos);
  const std::string svg = distribution_svg(one);
  CHECK(svg.starts_with("<svg"));
  CHECK(svg.find("time after the fault (ms, linear; each setting on its own axis)") != std::string::npos);
  CHECK(svg.find("fault=leader_hang") != std::string::npos);
}

TEST_CASE("a sweep chart has the swept parameter on its x axis and a legend") {
  const StudySpec spec = tiny_spec(R"({"servers": [3, 5], "fault": ["leader_crash"]})", 2);
  const StudyResult r = run_study(spec, "tiny.json", 2, nullptr);
  const std::string svg = sweep_svg(r, 0, phase_index("established"));
  CHECK(svg.find("leader established against ensemble size (servers)") != std::string::npos);
  CHECK(svg.find("; leader crash; 2 seeds per point") != std::string::npos);  // the one-value axis, in the subtitle
  CHECK(svg.find("p90 (nearest rank)") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
}

// Issue 18: a sweep of millions of settings grew without output; now it is refused up front.
TEST_CASE("a study's settings and runs are bounded, refused with the pointer that passes the bound") {
  const std::string base = std::string(R"("base": )") + kTinyBase;
  std::string values;
  for (int i = 1; i <= 32; ++i) values += (i == 1 ? "" : ",") + std::to_string(i);
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"init_limit": [)" + values + R"(], "sync_limit": [)" + values +
                   "]}}") == "/sweep/sync_limit");
  std::string many;
  for (int i = 1; i <= 1001; ++i) many += (i == 1 ? "" : ",") + std::to_string(i);
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "sweep": {"init_limit": [)" + many + "]}}") == "/sweep/init_limit");
  // 1,000 settings x 201 seeds = 201,000 runs > 200,000.
  std::string thousand;
  for (int i = 1; i <= 1000; ++i) thousand += (i == 1 ? "" : ",") + std::to_string(i);
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "seeds": 201, "sweep": {"init_limit": [)" + thousand + "]}}") == "/seeds");
  CHECK(pointer_of(R"({"name": "x", "base": {"name": "b", "a": 1, "a": 2}})") == "/base/a");
  CHECK(pointer_of(R"({"name": "x", )" + base + R"(, "seeds": 1e400})") == "/seeds");
}

TEST_CASE("real trials measured before are read back, and a bad line is named by file and line") {
  const StudySpec spec = tiny_spec(R"({"fault": ["leader_crash", "leader_hang"]})", 1);
  const auto all = settings(spec);
  const auto dir = std::filesystem::temp_directory_path() / "zabsim-real-from-test";
  std::filesystem::create_directories(dir);
  auto load = [&](const std::string& text, std::string& error) {
    const auto path = dir / "trials.jsonl";
    std::ofstream(path) << text;
    return load_real_trials(path.string(), all, error);
  };
  std::string error;
  const auto good = load(
      R"({"setting":"fault=leader_hang","seed":3,"fault":"FAULT hang s3","skipped":false,"noticed":9990.5,"elected":null,"probe_write":10400.0,"wall_ms":12000})"
      "\n"
      R"({"setting":"fault=leader_crash","seed":1,"fault":"skipped","skipped":true})"
      "\n",
      error);
  REQUIRE(good.has_value());
  REQUIRE(good->size() == 2);
  CHECK(good->at(0).setting == 1);
  CHECK(good->at(0).seed == 3);
  CHECK(good->at(0).ns[phase_index("noticed")] == 9'990'500'000);
  CHECK(good->at(0).ns[phase_index("elected")] == -1);
  CHECK(good->at(0).ns[kProbePhase] == 10'400'000'000);
  CHECK(good->at(1).skipped);

  const std::pair<const char*, const char*> bad[] = {
      {"{\"setting\":\"fault=leader_crash\",\"seed\":1,\"skipped\":false}\nnot json\n", ":2: not a JSON object"},
      {"{\"setting\":\"fault=nothing\",\"seed\":1,\"skipped\":false}\n", ":1: setting 'fault=nothing' is not one of the spec's"},
      {"{\"setting\":\"fault=leader_crash\",\"seed\":-1,\"skipped\":false}\n", ":1: 'seed' must be a non-negative integer"},
      {"{\"setting\":\"fault=leader_crash\",\"seed\":1,\"skipped\":false,\"noticed\":\"soon\"}\n",
       ":1: 'noticed' must be null or a number of ms from 0 to 1e9"},
      {"", ": holds no trials"},
  };
  for (const auto& entry : bad) {  // no structured binding: clang 14's CAPTURE cannot capture one
    const char* text = entry.first;
    CAPTURE(text);
    std::string why;
    CHECK_FALSE(load(text, why).has_value());
    CHECK(why.find(entry.second) != std::string::npos);
    CHECK(why.find("trials.jsonl") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("by_servers merges a part of a scenario into the settings of that cluster size") {
  const std::string text = std::string(R"({"name": "sized", "base": )") + kTinyBase +
                           R"(, "sweep": {"servers": [3, 5]}, "seeds": 1,
      "by_servers": {"3": {"cluster": {"step_costs": {"role_exit_us": [5000]}}}}})";
  SpecError error;
  const auto spec = parse_spec(text, "sized.json", ".", error);
  REQUIRE_MESSAGE(spec.has_value(), error.text());
  const auto all = settings(*spec);
  REQUIRE(all.size() == 2);
  const auto three = build_scenario(*spec, all[0], 1);
  const auto five = build_scenario(*spec, all[1], 1);
  CHECK(three["cluster"]["servers"] == 3);
  CHECK(three["cluster"]["step_costs"]["role_exit_us"][0] == 5000);
  CHECK(five["cluster"]["servers"] == 5);
  CHECK_FALSE(five["cluster"].contains("step_costs"));
  auto pointer = [](const std::string& by) {
    SpecError e;
    const std::string t = std::string(R"({"name": "s", "base": )") + kTinyBase + R"(, "by_servers": )" + by + "}";
    return parse_spec(t, "s.json", ".", e) ? std::string("(parsed)") : e.pointer;
  };
  CHECK(pointer(R"({"x": {}})") == "/by_servers/x");
  CHECK(pointer(R"({"0": {}})") == "/by_servers/0");
  CHECK(pointer(R"({"3": 4})") == "/by_servers/3");
  CHECK(pointer(R"([])") == "/by_servers");
  CHECK(pointer(R"({"5": {"cluster": {"step_costs": {"role_exit_us": [-1]}}}})") == "/sweep");  // a bad scenario
}
