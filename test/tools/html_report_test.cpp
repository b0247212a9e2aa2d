// The HTML report's data (tools/report/html_report.h), checked without a browser: one lane per server
// and client, every delivered message paired with its send, the faults on their lanes, the
// role bands, and the witness of a violation as structured points. The browser side is
// test/report_browser.cmake.

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "sim/scenario/runner.h"
#include "tools/report/html_report.h"
#include "tools/run/judge.h"
#include "tools/run/timeline.h"

using namespace zab;
using nlohmann::ordered_json;

namespace {

sim::Scenario parse(const std::string& text) {
  const auto parsed = sim::parse_scenario(text, "test.json");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) FAIL(e->text());
  return std::get<sim::Scenario>(parsed);
}

const char* kLeaderCrash = R"({
  "name": "leader crash </script> and restart", "seed": 5, "duration_ms": 12000,
  "cluster": {"servers": 3},
  "clients": {"count": 2, "start_ms": 500, "workload": {"ops_per_client": 40, "think_time_ms": 100}},
  "faults": [{"at_ms": 4000, "kind": "crash", "target": "leader"},
             {"at_ms": 8000, "kind": "partition", "isolate": "leader"},
             {"at_ms": 10000, "kind": "heal"}]
})";

std::vector<std::int64_t> ints(const ordered_json& a) { return a.get<std::vector<std::int64_t>>(); }

}  // namespace

TEST_CASE("report data: lanes, paired messages, bands, faults of a leader crash") {
  const sim::Scenario s = parse(kLeaderCrash);
  sim::ScenarioRun run(s, 5);
  run.run();
  const tools::Judgement judgement = tools::judge(run);
  const ordered_json data = tools::report_data(run, judgement, tools::recovery_to_json(tools::recovery_phases(run)));

  // One lane per server, then one per client, named as in the trace.
  REQUIRE(data["lanes"].size() == 5);
  CHECK(data["lanes"][0][1] == "s1");
  CHECK(data["lanes"][2][1] == "s3");
  CHECK(data["lanes"][3][2] == 1);  // a client lane
  CHECK(data["lanes"][3][0] == sim::ScenarioRun::kFirstClientAddress);

  // Every delivery in the trace between two lanes is one arrow, paired with a send before it
  // on another lane; the counts agree with the trace.
  std::size_t delivers = 0, sends = 0;
  for (const auto& e : run.world().trace().events()) {
    if (sim::is_event<ev::Delivered>(e)) ++delivers;
    if (sim::is_event<ev::Sent>(e)) ++sends;
  }
  const auto msgs = ints(data["msgs"]);
  REQUIRE(msgs.size() % tools::kMsgFields == 0);
  CHECK(msgs.size() / tools::kMsgFields == sends);
  std::size_t delivered = 0;
  std::set<std::int64_t> types_used;
  for (std::size_t i = 0; i < msgs.size(); i += tools::kMsgFields) {
    CHECK(msgs[i + 2] != msgs[i + 3]);
    types_used.insert(msgs[i + 4]);
    if (msgs[i + 5] == static_cast<int>(tools::MessageFate::kDelivered)) {
      ++delivered;
      CHECK(msgs[i + 1] > 0);  // the network has positive latency
    }
    CHECK(msgs[i] >= 0);  // in send order (a delta from the previous send), for the page's culling
  }
  CHECK(delivered == delivers);
  CHECK(delivered > 100);
  CHECK(data["types"].size() == types_used.size());
  std::set<std::string> names;
  for (const auto& t : data["types"]) names.insert(t[1].get<std::string>());
  CHECK(names.contains("PROPOSAL"));
  CHECK(names.contains("NOTIFICATION"));
  CHECK(names.contains("request"));

  // The two faults, on the crashed leader's lane, and a crash mark there at the fault's time.
  REQUIRE(data["faults"].size() == 3);
  const auto& crash = data["faults"][0];
  CHECK(crash["kind"] == "crash");
  CHECK(crash["t_us"] == 4'000'000);
  REQUIRE(crash["lanes"].size() == 1);
  const int leader = crash["lanes"][0];
  CHECK(data["faults"][1]["kind"] == "partition");
  CHECK(data["faults"][2]["kind"] == "heal");
  const auto marks = ints(data["marks"]);
  bool crash_mark = false;
  for (std::size_t i = 0; i < marks.size(); i += tools::kMarkFields) {
    if (marks[i] == leader && marks[i + 2] == static_cast<int>(tools::ReportMark::kCrash)) crash_mark = marks[i + 1] == 4'000'000;
  }
  CHECK(crash_mark);

  // Bands: the crashed server led before the crash and was down from it to the end;
  // some other server led a later epoch in broadcast.
  const auto bands = ints(data["bands"]);
  bool led_before = false, down = false, new_leader = false;
  for (std::size_t i = 0; i < bands.size(); i += tools::kBandFields) {
    CHECK(bands[i + 1] < bands[i + 2]);
    const auto phase = static_cast<tools::ReportPhase>(bands[i + 3]);
    if (bands[i] == leader && phase == tools::ReportPhase::kLeadingBroadcast && bands[i + 2] == 4'000'000) led_before = true;
    if (bands[i] == leader && phase == tools::ReportPhase::kDown && bands[i + 1] == 4'000'000 && bands[i + 2] == 12'000'000) down = true;
    if (bands[i] != leader && phase == tools::ReportPhase::kLeadingBroadcast && bands[i + 1] > 4'000'000) new_leader = true;
  }
  CHECK(led_before);
  CHECK(down);
  CHECK(new_leader);

  // The recovery phases pass through as the record has them, and every checker has a verdict.
  REQUIRE(data["recovery"].size() == 3);
  CHECK(data["recovery"][0].contains("elected_ms"));
  CHECK(data["verdicts"].size() == judgement.results.size());
  for (const auto& v : data["verdicts"]) CHECK(v["ok"] == true);

  // The page: the data is in it, and the scenario's "</script>" cannot end the script early.
  const std::string page = tools::render_html_report(data);
  CHECK(page.find("/*ZABSIM_REPORT_DATA*/") == std::string::npos);
  CHECK(page.find("leader crash <\\/script> and restart") != std::string::npos);
  CHECK(page.find("http://") == std::string::npos);
  CHECK(page.find("https://") == std::string::npos);
}

TEST_CASE("report data: a violation's witness names servers, times and zxids") {
  const auto parsed = sim::load_scenario(std::string(ZABSIM_SCENARIO_DIR) + "/bugs/ack-newleader-before-logging.json");
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) FAIL(e->text());
  const sim::Scenario& s = std::get<sim::Scenario>(parsed);
  sim::ScenarioRun run(s, s.seed.value_or(1));
  run.run();
  const tools::Judgement judgement = tools::judge(run);
  REQUIRE(judgement.violates("CommittedLogDurability"));
  const ordered_json data = tools::report_data(run, judgement, ordered_json::array());
  const ordered_json* found = nullptr;
  for (const auto& v : data["verdicts"]) {
    for (const auto& x : v["violations"]) {
      if (x["property"] == "CommittedLogDurability" && found == nullptr) found = &x;
    }
  }
  REQUIRE(found != nullptr);
  const auto& points = (*found)["points"];
  REQUIRE(points.size() >= 2);
  // s1 (lane 0) acked NEWLEADER, then the zxid it was synced with was delivered there without
  // being durable: both points on s1's lane, the second naming a zxid of a real epoch.
  CHECK(points[0][0] == 0);
  CHECK(points[1][0] == 0);
  CHECK(points[0][1].get<std::int64_t>() <= points[1][1].get<std::int64_t>());
  CHECK(points[1][2].get<std::uint64_t>() >= 1);  // epoch
  CHECK(points[1][3].get<std::uint64_t>() >= 1);  // counter
  CHECK((*found)["t_us"] == points[1][1]);
  // The structured points agree with the sentence: it names s1.
  CHECK((*found)["witness"].get<std::string>().find("s1") != std::string::npos);
}
