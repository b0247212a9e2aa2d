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
        "t.json: /faults/0/kind: unknown fault kind 'explode' (clock_drift, clock_step, corrupt, crash, cut, flap, hang, heal, "
        "heal_link, partition, reset_connections, restart, resume, slow_link, start)");
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

// Issue 18: inputs the parser used to accept, or that crashed it.
TEST_CASE("a number outside double's range is an error naming its JSON pointer") {
  CHECK(error_of(R"({"name": "x", "duration_ms": 1e400})").rfind("t.json: /duration_ms: a number out of range", 0) == 0);
  CHECK(error_of(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "crash", "target": {"id": 1e400}}]})")
            .rfind("t.json: /faults/0/target/id: a number out of range", 0) == 0);
}

TEST_CASE("a key given twice in one object is an error, not the last one silently") {
  CHECK(error_of(R"({"name": "x", "name": "y"})") == "t.json: /name: this key appears twice in the object");
  CHECK(error_of(R"({"name": "x", "cluster": {"servers": 3, "servers": 5}})") ==
        "t.json: /cluster/servers: this key appears twice in the object");
  // The same key in two objects is fine.
  ok(R"({"name": "x", "cluster": {"servers": 3}, "clients": {"count": 1, "servers": [1, 2]}})");
}

TEST_CASE("nesting deeper than 64 levels is an error, not a stack overflow") {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  CHECK(error_of(R"({"name": "x", "description": )" + deep + "}").find("nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("server and client names are digits only, within range") {
  const auto crash = [](const std::string& target) {
    return error_of(R"({"name": "x", "clients": {"count": 1}, "faults": [{"at_ms": 1, "kind": "crash", "target": ")" + target +
                    R"("}]})");
  };
  CHECK(crash("s1abc") == "t.json: /faults/0/target: 's1abc' is not a server (1..5 or s1..s5), a client (c1..), or a role");
  CHECK(crash("s01").find("is not a server") != std::string::npos);
  CHECK(crash("s-1").find("is not a server") != std::string::npos);
  CHECK(crash("c4294967297").find("'c4294967297' is not a server") != std::string::npos);
  CHECK(crash("s1") == "(no error)");
}

TEST_CASE("a script for a client that does not exist is an error, not dropped") {
  CHECK(error_of(R"({"name": "x", "clients": {"scripts": [{"client": 1, "ops": []}]}})") ==
        "t.json: /clients/scripts/0/client: names a client, but /clients/count is 0: there are no clients to script");
  CHECK(error_of(R"({"name": "x", "clients": {"count": 2, "scripts": [{"client": 3, "ops": []}]}})") ==
        "t.json: /clients/scripts/0/client: must be at most 2");
  CHECK(error_of(R"({"name": "x", "clients": {"count": 2, "scripts": [{"client": 1, "ops": []}, {"client": 1, "ops": []}]}})") ==
        "t.json: /clients/scripts/1/client: client 1 already has a script");
}

TEST_CASE("a link from a server to itself and overlapping partition groups are errors") {
  CHECK(error_of(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "cut", "from": "s2", "to": "s2"}]})") ==
        "t.json: /faults/0/to: is the same process as 'from': a link joins two different ones");
  CHECK(error_of(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "cut", "from": "leader", "to": "leader"}]})") ==
        "t.json: /faults/0/to: is the same process as 'from': a link joins two different ones");
  CHECK(error_of(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "partition", "groups": [[1, 2, 3], [3, 4, 5]]}]})") ==
        "t.json: /faults/0/groups/1/0: is already in an earlier group: partition groups must not overlap");
  CHECK(error_of(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "partition", "groups": [[1, "s1"], [2]]}]})") ==
        "t.json: /faults/0/groups/0/1: is named twice in this group");
  // Two followers may be two servers: roles that can name different servers are left alone.
  ok(R"({"name": "x", "faults": [{"at_ms": 1, "kind": "cut", "from": "follower", "to": "follower"}]})");
}

TEST_CASE("values internal assertions refused are refused by the parser, with their place") {
  CHECK(error_of(R"({"name": "x", "cluster": {"max_notification_interval_ms": 199}})") ==
        "t.json: /cluster/max_notification_interval_ms: must be at least 200");
  ok(R"({"name": "x", "cluster": {"max_notification_interval_ms": 200}})");
  CHECK(error_of(R"({"name": "x", "clients": {"count": 1, "workload": {"ops_per_client": 1, "mix": {"create": 0}}}})") ==
        "t.json: /clients/workload/mix: the weights must not all be zero (leave 'mix' out for the default mix)");
}

TEST_CASE("every 64-bit seed is accepted in a file, as on the command line") {
  CHECK(ok(R"({"name": "x", "seed": 18446744073709551615})").seed == UINT64_MAX);
  CHECK(error_of(R"({"name": "x", "seed": -1})") == "t.json: /seed: must be an integer from 0 to 18446744073709551615");
}

TEST_CASE("the limits on clients, workload operations and simulated span are documented errors") {
  CHECK(error_of(R"({"name": "x", "clients": {"count": 1001}})") == "t.json: /clients/count: must be at most 1000");
  ok(R"({"name": "x", "clients": {"count": 1000}})");
  CHECK(error_of(R"({"name": "x", "clients": {"count": 1000, "workload": {"ops_per_client": 1001}}})")
            .rfind("t.json: /clients/workload/ops_per_client: 1000 clients x 1001 operations is 1001000 operations", 0) == 0);
  CHECK(error_of(R"({"name": "x", "duration_ms": 864000000, "cluster": {"tick_time_ms": 1}})")
            .rfind("t.json: /duration_ms: 5 servers x 864000000 ms at tickTime 1 ms is 4320000000 server-ticks", 0) == 0);
  ok(R"({"name": "x", "duration_ms": 200000, "cluster": {"tick_time_ms": 1}})");  // exactly 10^6 server-ticks
  CHECK(error_of(R"({"name": "x", "duration_ms": 1001000, "clients": {"count": 1000}})")
            .rfind("t.json: /duration_ms: 1000 clients x 1001000 ms is 1001000 client-seconds", 0) == 0);
}

TEST_CASE("step costs, pipelining and the probe parse, and their bad values name their JSON pointer") {
  const Scenario s = ok(R"({"name": "x", "cluster": {"step_costs": {"role_exit_us": [1000, 2000], "source": "here"}},
                            "clients": {"count": 1, "in_flight": 4, "probe": true, "retry_unknown": true}})");
  CHECK(s.step_costs.role_exit_us == std::vector<std::int64_t>{1000, 2000});
  CHECK(s.step_costs.leader_start_us.empty());
  CHECK(s.clients.in_flight == 4);
  CHECK(s.clients.probe);
  CHECK(s.clients.retry_unknown);
  CHECK(error_of(R"({"name": "x", "cluster": {"step_costs": {"role_exit_us": 5}}})") ==
        "t.json: /cluster/step_costs/role_exit_us: must be a list of at most 10000 samples in microseconds");
  CHECK(error_of(R"({"name": "x", "cluster": {"step_costs": {"leader_start_us": [1, -2]}}})") ==
        "t.json: /cluster/step_costs/leader_start_us/1: must be an integer number of microseconds from 0 to 10000000");
  CHECK(error_of(R"({"name": "x", "cluster": {"step_costs": {"follower_start_us": [1.5]}}})") ==
        "t.json: /cluster/step_costs/follower_start_us/0: must be an integer number of microseconds from 0 to 10000000");
  CHECK(error_of(R"({"name": "x", "cluster": {"step_costs": {"exit_us": []}}})") ==
        "t.json: /cluster/step_costs/exit_us: is not a known key here");
  CHECK(error_of(R"({"name": "x", "clients": {"in_flight": 0}})") == "t.json: /clients/in_flight: must be at least 1");
  CHECK(error_of(R"({"name": "x", "clients": {"probe": 1}})") == "t.json: /clients/probe: must be true or false");
}
