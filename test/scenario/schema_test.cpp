// scenarios/scenario.schema.json (for editors) and the parser (sim/scenario/parse.cpp) describe
// one format. The parser lists every key it looks up (ConsultedKeys); a scenario that reaches
// every object the format has, with one fault of every kind, makes it look up all of them.
// Then: every key the parser reads is in the schema at the same place, every key the schema
// lists is read by the parser, and each closed list of names (fault kinds, operations, the
// workload mix, crash_loss, first_server, split) is the same in both.

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "sim/scenario/scenario.h"

using namespace zab::sim;
using json = nlohmann::json;

namespace {

json load_schema() {
  std::ifstream in(std::string(ZABSIM_SCENARIO_DIR) + "/scenario.schema.json");
  REQUIRE(in.good());
  return json::parse(in);
}

const json& resolve(const json& schema, const json& node) {
  if (!node.contains("$ref")) return node;
  const std::string ref = node.at("$ref").get<std::string>();
  const std::string prefix = "#/definitions/";
  REQUIRE(ref.starts_with(prefix));
  return schema.at("definitions").at(ref.substr(prefix.size()));
}

// The schema's keys per place, "/faults/*/on" style (as ConsultedKeys writes places); the root
// is "". Objects with free keys (a trigger's fields, the mix) have no properties: not listed.
void schema_keys(const json& schema, const json& node_in, const std::string& place,
                 std::map<std::string, std::set<std::string>>& keys) {
  const json& node = resolve(schema, node_in);
  if (node.contains("items")) schema_keys(schema, node.at("items"), place + "/*", keys);
  if (!node.contains("properties")) return;
  auto& here = keys[place];
  for (const auto& [key, child] : node.at("properties").items()) {
    here.insert(key);
    schema_keys(schema, child, place + "/" + key, keys);
  }
}

// What each fault kind needs besides "kind" and "at_ms" to parse.
const std::map<std::string, json>& fault_extras() {
  static const std::map<std::string, json> extras = {
      {"crash", {{"target", 1}}},
      {"restart", {{"target", 1}}},
      {"start", {{"target", 1}}},
      {"hang", {{"target", 1}}},
      {"resume", {{"target", 1}}},
      {"partition", {{"isolate", 1}}},
      {"heal", json::object()},
      {"cut", {{"from", 1}, {"to", 2}}},
      {"heal_link", {{"from", 1}, {"to", 2}}},
      {"slow_link", {{"from", 1}, {"to", 2}, {"factor_percent", 200}}},
      {"flap", {{"from", 1}, {"to", 2}, {"period_ms", 100}, {"down_ms", 10}, {"until_ms", 500}}},
      {"reset_connections", {{"from", 1}, {"to", 2}}},
      {"clock_drift", {{"target", 1}, {"ppm", 100}}},
      {"clock_step", {{"target", 1}, {"step_ms", 5}}},
      {"corrupt", {{"target", 1}, {"file", "log.100000001"}}},
  };
  return extras;
}

// A scenario with every object of the format: cluster, network, disk, clients with a workload
// and a script, one fault of each kind (plus one on a trigger), expectations.
json everything(const json& schema) {
  json doc = json::parse(R"({
    "name": "everything", "description": "d", "seed": 1, "duration_ms": 1000, "liveness_bound_ms": 0,
    "cluster": {"servers": 3, "mutations": [],
                "step_costs": {"role_exit_us": [1000], "leader_start_us": [], "follower_start_us": [2000], "source": "s"}},
    "network": {"latency": {"median_us": 100}, "out_of_model": {"enabled": true}},
    "disk": {"crash_loss": "lose_all"},
    "clients": {"count": 1, "servers": [1], "workload": {"ops_per_client": 1, "mix": {"create": 1}},
                "scripts": [{"client": 1, "ops": [{"op": "create", "path": "/a"}]}]},
    "faults": [{"kind": "crash", "target": 1, "on": {"event": "logged", "server": 1}}],
    "expect": {"safety": "pass"}
  })");
  for (const json& kind : schema.at("definitions").at("fault").at("properties").at("kind").at("enum")) {
    const auto extra = fault_extras().find(kind.get<std::string>());
    INFO("schema fault kind: ", kind.get<std::string>());
    REQUIRE_MESSAGE(extra != fault_extras().end(), "a fault kind this test does not know: add it to fault_extras()");
    json fault = extra->second;
    fault["kind"] = kind;
    fault["at_ms"] = 10;
    doc["faults"].push_back(fault);
  }
  return doc;
}

std::string error_of(const json& doc, ConsultedKeys* consulted = nullptr) {
  const ScenarioParse parsed = parse_scenario(doc.dump(), "t.json", consulted);
  if (const auto* error = std::get_if<ScenarioError>(&parsed)) return error->text();
  return "";
}

// The names an error message offers: "unknown operation 'x' (a, b, c)" -> {a, b, c};
// "must be 'a', 'b' or 'c'" -> {a, b, c}.
std::set<std::string> offered_names(const std::string& message) {
  std::set<std::string> names;
  const auto open = message.rfind('(');
  if (open != std::string::npos) {
    std::istringstream list(message.substr(open + 1, message.rfind(')') - open - 1));
    for (std::string name; std::getline(list, name, ',');) names.insert(name.substr(name.find_first_not_of(' ')));
    return names;
  }
  const auto must = message.find("must be ");
  REQUIRE(must != std::string::npos);
  for (auto q = message.find('\'', must); q != std::string::npos; q = message.find('\'', message.find('\'', q + 1) + 1)) {
    const auto end = message.find('\'', q + 1);
    REQUIRE(end != std::string::npos);
    names.insert(message.substr(q + 1, end - q - 1));
  }
  return names;
}

std::set<std::string> enum_of(const json& node) {
  std::set<std::string> names;
  for (const json& v : node.at("enum")) names.insert(v.get<std::string>());
  return names;
}

}  // namespace

TEST_CASE("scenario.schema.json and the parser read the same keys at the same places") {
  const json schema = load_schema();
  std::map<std::string, std::set<std::string>> in_schema;
  schema_keys(schema, schema, "", in_schema);
  REQUIRE(in_schema.size() >= 10);  // root, cluster, network, latency, out_of_model, disk, clients, ...

  ConsultedKeys consulted;
  const json doc = everything(schema);
  REQUIRE(error_of(doc, &consulted) == "");
  std::map<std::string, std::set<std::string>> in_parser;
  for (const auto& [place, key] : consulted) in_parser[place].insert(key);

  for (const auto& entry : in_parser) {  // no structured binding: clang 14's INFO cannot capture one
    const std::string& place = entry.first;
    for (const std::string& key : entry.second) {
      INFO("the parser reads ", place, "/", key);
      CHECK_MESSAGE(in_schema[place].contains(key), "missing from scenario.schema.json");
    }
  }
  for (const auto& entry : in_schema) {
    const std::string& place = entry.first;
    for (const std::string& key : entry.second) {
      INFO("the schema lists ", place, "/", key);
      CHECK_MESSAGE(in_parser[place].contains(key), "the parser never reads it (a stale schema key, or a place this test misses)");
    }
  }
}

TEST_CASE("scenario.schema.json's closed lists of names are the parser's") {
  const json schema = load_schema();
  const json& defs = schema.at("definitions");
  const json& props = schema.at("properties");
  const json base = json::parse(R"({"name": "x", "cluster": {"servers": 3}})");
  struct List {
    const char* what;
    std::set<std::string> schema_names;
    json doc;  // with one wrong name where the list applies
  };
  json bad_kind = base;
  bad_kind["faults"] = json::parse(R"([{"kind": "explode", "at_ms": 1}])");
  json bad_op = base;
  bad_op["clients"] = json::parse(R"({"count": 1, "scripts": [{"client": 1, "ops": [{"op": "explode", "path": "/a"}]}]})");
  json bad_mix = base;
  bad_mix["clients"] = json::parse(R"({"count": 1, "workload": {"mix": {"explode": 1}}})");
  json bad_loss = base;
  bad_loss["disk"] = json::parse(R"({"crash_loss": "explode"})");
  json bad_first = base;
  bad_first["clients"] = json::parse(R"({"count": 1, "first_server": "explode"})");
  json bad_split = base;
  bad_split["faults"] = json::parse(R"([{"kind": "partition", "split": "explode", "at_ms": 1}])");
  const json& clients = props.at("clients").at("properties");
  const std::vector<List> lists = {
      {"fault kinds", enum_of(defs.at("fault").at("properties").at("kind")), bad_kind},
      {"operations", enum_of(defs.at("request").at("properties").at("op")), bad_op},
      {"workload mix kinds", enum_of(clients.at("workload").at("properties").at("mix").at("propertyNames")), bad_mix},
      {"crash_loss", enum_of(props.at("disk").at("properties").at("crash_loss")), bad_loss},
      {"first_server", enum_of(clients.at("first_server")), bad_first},
      {"split", enum_of(defs.at("fault").at("properties").at("split")), bad_split},
  };
  for (const List& list : lists) {
    INFO(list.what);
    const std::string message = error_of(list.doc);
    REQUIRE(message != "");
    CHECK(offered_names(message) == list.schema_names);
  }
}

TEST_CASE("the schema test's own parts: a key the schema lacks and a stale schema key are both seen") {
  // The comparison above must be able to fail: a schema with one key removed and one invented
  // differs from the parser's view at exactly those two places.
  json schema = load_schema();
  schema["properties"]["disk"]["properties"].erase("crash_loss");
  schema["properties"]["disk"]["properties"]["invented_ms"] = {{"type", "integer"}};
  std::map<std::string, std::set<std::string>> in_schema;
  schema_keys(schema, schema, "", in_schema);
  ConsultedKeys consulted;
  REQUIRE(error_of(everything(schema), &consulted) == "");
  CHECK(consulted.contains({"/disk", "crash_loss"}));
  CHECK_FALSE(in_schema["/disk"].contains("crash_loss"));
  CHECK(in_schema["/disk"].contains("invented_ms"));
  CHECK_FALSE(consulted.contains({"/disk", "invented_ms"}));
  CHECK(offered_names("unknown operation 'x' (create, delete)") == std::set<std::string>{"create", "delete"});
  CHECK(offered_names("must be 'lose_all', 'random_prefix' or 'torn_tail'") ==
        std::set<std::string>{"lose_all", "random_prefix", "torn_tail"});
}
