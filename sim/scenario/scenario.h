#pragma once
// A scenario: everything one run needs besides its seed — the ensemble and its configuration,
// the network and disk models, the clients and their workload, the faults (at a time or on a
// trigger), how long to run, and what the run is expected to show. Scenarios are data (JSON
// files in scenarios/, format in scenarios/README.md); this is their parsed, validated form.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "protocol/base/config.h"
#include "sim/client/zk_client.h"
#include "sim/network.h"
#include "sim/step_costs.h"
#include "sim/world.h"

namespace zab::sim {

// Limits on what one scenario may ask for (scenarios/README.md), so that a run's memory and
// time are bounded by figures a user can read before it starts; the parser refuses more with
// the JSON pointer of the value.
inline constexpr std::int64_t kScenarioMsMax = 10LL * 24 * 3600 * 1000;  // any time or duration: ten days
inline constexpr std::uint32_t kClientsMax = 1'000;                      // /clients/count
inline constexpr std::uint32_t kInFlightMax = 1'000;                     // /clients/in_flight
inline constexpr std::size_t kStepCostSamplesMax = 10'000;               // /cluster/step_costs/* entries
inline constexpr std::int64_t kStepCostMaxUs = 10'000'000;               // one step: at most 10 s
inline constexpr std::uint64_t kWorkloadOpsMax = 1'000'000;              // count x ops_per_client; scripted ops
// A run's events (pings every half tick, timers per tick, client pings) and so its memory grow
// with its span: about 400 bytes per server-tick and 2 KB per client-second were measured.
inline constexpr std::int64_t kServerTicksMax = 1'000'000;    // servers x duration_ms / tick_time_ms
inline constexpr std::int64_t kClientSecondsMax = 1'000'000;  // clients x duration_ms / 1000

// Who a fault hits, resolved when the fault fires.
struct Target {
  enum class Kind : std::uint8_t {
    kServer,       // a fixed server id
    kClient,       // a fixed client (index from 1)
    kLeader,       // the server that is LEADING now (the established one if several claim it)
    kFollower,     // a follower, chosen by the fault stream among those FOLLOWING now
    kHighestZxid,  // the server with the highest last zxid now
    kRandomServer, // any server, chosen by the fault stream
  };
  Kind kind = Kind::kServer;
  std::uint32_t id = 0;  // kServer / kClient
};

// When a triggered fault fires: on the `count`-th trace event named `event` (a world or
// protocol kind name, as in the JSON-lines trace) at `server` (any if unset) whose fields
// match `fields`, not before `after_ms`.
struct Trigger {
  std::string event;
  std::optional<Target> server;
  std::map<std::string, std::uint64_t> fields;
  std::uint32_t count = 1;
  std::int64_t after_ms = 0;
  // Not after this time (unset: any time). Generated schedules use it so that no triggered
  // fault can fire after the final heal, where it would move the liveness deadline.
  std::optional<std::int64_t> before_ms;
};

enum class FaultKind : std::uint8_t {
  kCrash, kRestart, kStart, kHang, kResume,
  kPartition, kHeal, kCut, kHealLink, kSlowLink, kFlap, kResetConnections,
  kClockDrift, kClockStep,
  kCorrupt,
};
const char* fault_kind_name(FaultKind kind);

// A split partition's first group: the leader with the servers 1, 2, ... that make a minority
// ("leader_minority"), or that minority without the leader ("leader_majority": the leader is
// with the rest). The simulator and a real ensemble cut the same groups.
std::vector<std::uint32_t> split_first_group(std::uint32_t servers, std::uint32_t leader, const std::string& split);

struct Fault {
  FaultKind kind = FaultKind::kCrash;
  std::optional<std::int64_t> at_ms;    // exactly one of at_ms / on is set
  std::optional<Trigger> on;
  std::int64_t delay_ms = 0;            // after the trigger fires
  std::optional<Target> target;         // crash, restart, start, hang, resume, clock, corrupt
  std::vector<std::vector<Target>> groups;  // partition: explicit groups (roles resolved at fire time)
  std::optional<Target> isolate;        // partition: this server against all the others
  std::string split;                    // partition: "leader_minority" or "leader_majority"
  std::optional<Target> from, to;       // cut, heal_link, slow_link, flap, reset_connections
  std::uint32_t factor_percent = 100;   // slow_link
  std::int64_t period_ms = 0, down_ms = 0, until_ms = 0;  // flap
  std::int64_t drift_ppm = 0;           // clock_drift
  std::int64_t step_ms = 0;             // clock_step
  std::string file;                     // corrupt
  std::uint64_t offset = 0;             // corrupt
  std::string pointer;                  // where it was defined ("/faults/3"), for messages
};

struct ScriptedClientOp {
  std::int64_t delay_ms = 0;
  Request request;
};

struct WorkloadSpec {
  std::uint32_t ops_per_client = 0;
  std::int64_t think_time_ms = 100;
  std::uint32_t keys = 8;           // paths /k0 .. /k<keys-1>
  // Relative weights of operation kinds; zero weights are left out.
  std::map<std::string, std::uint32_t> mix;
};

struct ClientsSpec {
  std::uint32_t count = 0;
  std::vector<std::uint32_t> servers;  // the connect string (default: every server)
  bool random_first_server = true;     // false: every client tries `servers` in order from the first
  std::int32_t session_timeout_ms = 10'000;
  std::int64_t request_timeout_ms = 0;
  std::int64_t start_ms = 0;
  // Requests a client keeps outstanding at once (ClientCnxn pipelines; answered in order).
  std::uint32_t in_flight = 1;
  // After each crash or hang, a survivor probe (sim/client/probe.h) measures when a write
  // goes through again, as `zabsim real` does; its operations join the history.
  bool probe = false;
  // An operation whose outcome a client cannot know (its connection broke or it timed out) is
  // issued again, as a new operation, once the client can, until one completes.
  bool retry_unknown = false;
  WorkloadSpec workload;
  std::map<std::uint32_t, std::vector<ScriptedClientOp>> scripts;  // by client index (from 1)
  // A scripted client's own start time, overriding start_ms: a client that starts after the
  // final heal writes on a fresh session, so a campaign can demand that writes commit then.
  std::map<std::uint32_t, std::int64_t> script_start_ms;  // by client index (from 1)
};

struct Expectations {
  // "pass" (the default) or the name of the property that must be reported violated.
  std::string safety = "pass";
  std::string liveness = "pass";
  bool out_of_model = false;  // the run is expected to use out-of-model faults
};

struct Scenario {
  std::string name;
  std::string description;
  std::optional<std::uint64_t> seed;
  std::int64_t duration_ms = 30'000;
  std::uint32_t servers = 5;
  ServerConfig server;          // my_id / voters filled in per server
  StepCosts step_costs;         // /cluster/step_costs: time inside a server (sim/step_costs.h)
  NetworkConfig network;
  DiskConfig disk;
  ClientsSpec clients;
  std::vector<Fault> faults;
  Expectations expect;
  std::int64_t liveness_bound_ms = 0;  // 0: derived from the timeouts
};

// A problem with a scenario file: where (file and JSON pointer) and what.
struct ScenarioError {
  std::string file;
  std::string pointer;
  std::string message;
  std::string text() const;  // "leader.json: /faults/3/at_ms: must be a non-negative number"
};

using ScenarioParse = std::variant<Scenario, ScenarioError>;
// Every key the parser looked up, present or not, as (where, key) with array indices written
// "*": ("/faults/*/on", "before_ms"). The free-form maps (a trigger's fields, the workload mix)
// are not listed. test/scenario/schema_test.cpp holds it against scenario.schema.json, so the
// editors' schema and the parser cannot drift apart.
using ConsultedKeys = std::set<std::pair<std::string, std::string>>;
ScenarioParse parse_scenario(const std::string& json_text, const std::string& file_name,
                             ConsultedKeys* consulted = nullptr);
ScenarioParse load_scenario(const std::string& path);

}  // namespace zab::sim
