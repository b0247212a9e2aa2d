// Scenario validation: every bad input is an error naming the JSON pointer, never a crash.

#include "sim/scenario/scenario.h"

#include <doctest/doctest.h>

using namespace zab::sim;

namespace {
std::string error_of(const std::string& json) {
  const auto r = parse_scenario(json, "t.json");
  const auto* e = std::get_if<ScenarioError>(&r);
  return e == nullptr ? std::string("(no error)") : e->text();
}
Scenario ok(const std::string& json) {
  const auto r = parse_scenario(json, "t.json");
  if (const auto* e = std::get_if<ScenarioError>(&r)) FAIL(e->text());
  return std::get<Scenario>(r);
}
}  // namespace

TEST_CASE("a minimal scenario takes ZooKeeper's defaults") {
  const Scenario s = ok(R"({"name": "x"})");
  CHECK(s.servers == 5);
  CHECK(s.server.tick_time_ms == 2000);
  CHECK(s.server.init_limit == 10);
  CHECK(s.server.sync_limit == 5);
  CHECK(s.duration_ms == 30'000);
  CHECK_FALSE(s.server.mutations.any());
}

TEST_CASE("malformed JSON is an error naming the file") {
  CHECK(error_of("{\"name\": ").rfind("t.json: not valid JSON", 0) == 0);
}

TEST_CASE("wrong types, unknown keys and impossible values name their JSON pointer") {
  CHECK(error_of(R"({})") == "t.json: /name: is required");
  CHECK(error_of(R"({"name": 3})") == "t.json: /name: must be a string");
  CHECK(error_of(R"({"name": "x", "duraton_ms": 5})") == "t.json: /duraton_ms: is not a known key here");
  CHECK(error_of(R"({"name": "x", "cluster": {"servers": 0}})") == "t.json: /cluster/servers: must be at least 1");
  CHECK(error_of(R"({"name": "x", "cluster": {"tick_time_ms": "2000"}})") ==
        "t.json: /cluster/tick_time_ms: must be a non-negative integer");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 1, "at_ms": -5}]})") ==
        "t.json: /faults/0/at_ms: must be a non-negative integer");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 7, "at_ms": 5}]})") ==
        "t.json: /faults/0/target: server 7 does not exist (servers are 1..5)");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "explode", "target": 1, "at_ms": 5}]})") ==
        "t.json: /faults/0/kind: unknown fault kind 'explode'");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 1}]})") ==
        "t.json: /faults/0: needs exactly one of 'at_ms' (a time) or 'on' (a trigger)");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 1, "at_ms": 99999999}]})") ==
        "t.json: /faults/0/at_ms: is after the end of the run (duration_ms)");
  CHECK(error_of(R"({"name": "x", "cluster": {"mutations": ["no-such-bug"]}})") ==
        "t.json: /cluster/mutations/0: unknown mutation 'no-such-bug' (zabsim bugs lists them)");
  CHECK(error_of(R"({"name": "x", "disk": {"crash_loss": "some"}})") ==
        "t.json: /disk/crash_loss: must be 'lose_all', 'random_prefix' or 'torn_tail'");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "corrupt", "target": 1, "file": "log.1", "at_ms": 5}]})") ==
        "t.json: /faults/0/kind: disk corruption is out of model: set /network/out_of_model/enabled");
}

TEST_CASE("a trigger naming an unknown event or field is an error") {
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 1, "on": {"event": "explosion"}}]})") ==
        "t.json: /faults/0/on/event: 'explosion' is not an event a run can record (see scenarios/README.md)");
  CHECK(error_of(R"({"name": "x", "faults": [{"kind": "crash", "target": 1, "on": {"event": "accepted_epoch", "fields": {"zxid": 1}}}]})") ==
        "t.json: /faults/0/on/fields/zxid: the event 'accepted_epoch' has no field 'zxid' (its fields: epoch, sub)");
}

TEST_CASE("faults parse with targets, roles and triggers") {
  const Scenario s = ok(R"({"name": "x", "faults": [
      {"kind": "crash", "target": "leader", "at_ms": 100},
      {"kind": "partition", "groups": [[1, "s2"], [3, 4, 5]], "on": {"event": "sync_chosen", "fields": {"learner": 4}}},
      {"kind": "slow_link", "from": 1, "to": 2, "factor_percent": 500, "at_ms": 0},
      {"kind": "heal", "at_ms": 200}]})");
  REQUIRE(s.faults.size() == 4);
  CHECK(s.faults[0].target->kind == Target::Kind::kLeader);
  CHECK(s.faults[1].groups.size() == 2);
  CHECK(s.faults[1].on->fields.at("learner") == 4);
  CHECK(s.faults[2].factor_percent == 500);
}
