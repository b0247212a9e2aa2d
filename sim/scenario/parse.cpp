// Scenario JSON -> Scenario, with every problem reported as the file and the JSON pointer of
// the offending value. Unknown keys are errors: a misspelt knob must not be silently ignored.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "checkers/json_input.h"
#include "protocol/base/mutations.h"
#include "sim/client/workload.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace zab::sim {

std::string ScenarioError::text() const {
  if (pointer.empty()) return fmt::format("{}: {}", file, message);
  return fmt::format("{}: {}: {}", file, pointer, message);
}

namespace {

using json = nlohmann::json;

struct Invalid {
  std::string pointer;
  std::string message;
};

[[noreturn]] void fail(const std::string& pointer, const std::string& message) { throw Invalid{pointer, message}; }

// A JSON object being read: remembers which keys were used, so leftovers are reported.
// With a ConsultedKeys, also lists every key looked up (the schema test's view of the parser).
class Obj {
 public:
  Obj(const json& j, std::string pointer, ConsultedKeys* consulted)
      : j_(j), pointer_(std::move(pointer)), consulted_(consulted) {
    if (!j_.is_object()) fail(pointer_.empty() ? "/" : pointer_, "must be an object");
  }
  ~Obj() = default;
  std::string at(const std::string& key) const { return pointer_ + "/" + key; }
  bool has(const std::string& key) {
    consult(key);
    return j_.contains(key);
  }
  const json& get(const std::string& key) {
    consult(key);
    if (!j_.contains(key)) fail(at(key), "is required");
    return j_.at(key);
  }
  std::string string(const std::string& key, std::optional<std::string> fallback = std::nullopt) {
    if (!has(key)) {
      if (fallback) return *fallback;
      fail(at(key), "is required");
    }
    const json& v = j_.at(key);
    if (!v.is_string()) fail(at(key), "must be a string");
    return v.get<std::string>();
  }
  std::int64_t integer(const std::string& key, std::optional<std::int64_t> fallback, std::int64_t min,
                       std::int64_t max) {
    if (!has(key)) {
      if (fallback) return *fallback;
      fail(at(key), "is required");
    }
    const json& v = j_.at(key);
    if (!v.is_number_integer()) {
      fail(at(key), min >= 0 ? "must be a non-negative integer" : "must be an integer");
    }
    const auto n = v.get<std::int64_t>();
    if (n < min) fail(at(key), min == 0 ? "must be a non-negative integer" : fmt::format("must be at least {}", min));
    if (n > max) fail(at(key), fmt::format("must be at most {}", max));
    return n;
  }
  double number(const std::string& key, double fallback, double min, double max) {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number()) fail(at(key), "must be a number");
    const double d = v.get<double>();
    if (!(d >= min && d <= max)) fail(at(key), fmt::format("must be between {} and {}", min, max));
    return d;
  }
  bool boolean(const std::string& key, bool fallback) {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_boolean()) fail(at(key), "must be true or false");
    return v.get<bool>();
  }
  // Every key of the object must have been read.
  void done() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!used_.contains(it.key())) fail(at(it.key()), "is not a known key here");
    }
  }
  const std::string& pointer() const { return pointer_; }
  ConsultedKeys* consulted() const { return consulted_; }

 private:
  void consult(const std::string& key) {
    used_.insert(key);
    if (consulted_ != nullptr) consulted_->emplace(wildcard_indices(pointer_), key);
  }
  // "/faults/3/on" -> "/faults/*/on": one place in the schema for every element of a list.
  static std::string wildcard_indices(const std::string& pointer) {
    std::string result;
    std::size_t i = 0;
    while (i < pointer.size()) {
      const std::size_t end = std::min(pointer.find('/', i + 1), pointer.size());
      const std::string segment = pointer.substr(i + 1, end - i - 1);
      const bool index = !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
      result += "/" + (index ? std::string("*") : segment);
      i = end;
    }
    return result;
  }

  const json& j_;
  std::string pointer_;
  ConsultedKeys* consulted_;
  std::set<std::string> used_;
};

constexpr std::int64_t kMaxMs = kScenarioMsMax;

Target parse_target(const json& v, const std::string& pointer, std::uint32_t servers) {
  if (v.is_number_integer()) {
    const auto id = v.get<std::int64_t>();
    if (id < 1 || id > static_cast<std::int64_t>(servers)) {
      fail(pointer, fmt::format("server {} does not exist (servers are 1..{})", id, servers));
    }
    return Target{Target::Kind::kServer, static_cast<std::uint32_t>(id)};
  }
  if (!v.is_string()) fail(pointer, "must be a server id or a role (leader, follower, highest_zxid, random)");
  const std::string s = v.get<std::string>();
  if (s == "leader") return Target{Target::Kind::kLeader};
  if (s == "follower") return Target{Target::Kind::kFollower};
  if (s == "highest_zxid") return Target{Target::Kind::kHighestZxid};
  if (s == "random") return Target{Target::Kind::kRandomServer};
  if (s.size() > 1 && (s[0] == 's' || s[0] == 'c')) {
    // Digits only, no sign, no trailing text, no leading zero: "s1abc" and "c4294967297" are
    // not names of anything (stoll read the first as s1 and the cast wrapped the second to c1).
    const std::string digits = s.substr(1);
    const bool numeral = digits.size() <= 9 && digits[0] != '0' &&
                         std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (numeral) {
      const auto id = std::stoll(digits);
      if (s[0] == 's' && id <= static_cast<std::int64_t>(servers)) {
        return Target{Target::Kind::kServer, static_cast<std::uint32_t>(id)};
      }
      if (s[0] == 'c' && id <= kClientsMax) return Target{Target::Kind::kClient, static_cast<std::uint32_t>(id)};
    }
  }
  fail(pointer, fmt::format("'{}' is not a server (1..{} or s1..s{}), a client (c1..), or a role", s, servers, servers));
}

// Two ends of a link, or two members of partition groups, that are certainly the same server
// whatever happens in the run: the same server id, or the same single-holder role.
bool same_server(const Target& a, const Target& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Target::Kind::kServer || a.kind == Target::Kind::kClient) return a.id == b.id;
  return a.kind == Target::Kind::kLeader || a.kind == Target::Kind::kHighestZxid;
}

Request parse_request(Obj& o) {
  Request r;
  const std::string op = o.string("op");
  if (op == "create") {
    r.type = OpCode::kCreate;
  } else if (op == "delete") {
    r.type = OpCode::kDelete;
  } else if (op == "setData") {
    r.type = OpCode::kSetData;
  } else if (op == "getData") {
    r.type = OpCode::kGetData;
  } else if (op == "exists") {
    r.type = OpCode::kExists;
  } else if (op == "getChildren") {
    r.type = OpCode::kGetChildren;
  } else if (op == "sync") {
    r.type = OpCode::kSync;
  } else if (op == "closeSession") {
    r.type = OpCode::kCloseSession;
  } else {
    fail(o.at("op"), fmt::format("unknown operation '{}' (create, delete, setData, getData, exists, "
                                 "getChildren, sync, closeSession)", op));
  }
  if (r.type != OpCode::kCloseSession) {
    r.path = o.string("path");
    if (r.path.empty() || r.path[0] != '/') fail(o.at("path"), "must be an absolute znode path");
  }
  const std::string data = o.string("data", std::string());
  r.data = Bytes(data.begin(), data.end());
  r.version = static_cast<std::int32_t>(o.integer("version", -1, -1, INT32_MAX));
  if (o.boolean("ephemeral", false)) r.flags |= kCreateEphemeral;
  if (o.boolean("sequential", false)) r.flags |= kCreateSequential;
  return r;
}

const std::map<std::string, FaultKind>& fault_kinds() {
  static const std::map<std::string, FaultKind> kinds = {
      {"crash", FaultKind::kCrash},           {"restart", FaultKind::kRestart},
      {"start", FaultKind::kStart},           {"hang", FaultKind::kHang},
      {"resume", FaultKind::kResume},         {"partition", FaultKind::kPartition},
      {"heal", FaultKind::kHeal},             {"cut", FaultKind::kCut},
      {"heal_link", FaultKind::kHealLink},    {"slow_link", FaultKind::kSlowLink},
      {"flap", FaultKind::kFlap},             {"reset_connections", FaultKind::kResetConnections},
      {"clock_drift", FaultKind::kClockDrift}, {"clock_step", FaultKind::kClockStep},
      {"corrupt", FaultKind::kCorrupt},
  };
  return kinds;
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  for (const auto& [name, k] : fault_kinds()) {
    if (k == kind) return name.c_str();
  }
  return "?";
}

std::vector<std::uint32_t> split_first_group(std::uint32_t servers, std::uint32_t leader, const std::string& split) {
  ZAB_ASSERT(leader >= 1 && leader <= servers, "a split is around a server of the ensemble");
  const std::uint32_t minority = (servers - 1) / 2;
  std::vector<std::uint32_t> first;
  if (split == "leader_minority") first.push_back(leader);
  for (std::uint32_t s = 1; s <= servers && first.size() < minority; ++s) {
    if (s != leader) first.push_back(s);
  }
  return first;
}

namespace {

// A partition: explicit groups, one server isolated, or a split relative to the leader.
void parse_partition(Obj& o, Fault& f, std::uint32_t servers) {
  const int forms = (o.has("groups") ? 1 : 0) + (o.has("isolate") ? 1 : 0) + (o.has("split") ? 1 : 0);
  if (forms != 1) fail(o.pointer(), "a partition needs exactly one of 'groups', 'isolate' or 'split'");
  if (o.has("groups")) {
    const json& g = o.get("groups");
    if (!g.is_array() || g.size() < 2) fail(o.at("groups"), "must be a list of at least two groups");
    for (std::size_t i = 0; i < g.size(); ++i) {
      const std::string gp = fmt::format("{}/{}", o.at("groups"), i);
      if (!g[i].is_array() || g[i].empty()) fail(gp, "must be a non-empty list of servers");
      std::vector<Target> group;
      for (std::size_t m = 0; m < g[i].size(); ++m) {
        const std::string mp = fmt::format("{}/{}", gp, m);
        const Target t = parse_target(g[i][m], mp, servers);
        for (const auto& earlier : f.groups) {
          for (const Target& e : earlier) {
            if (same_server(e, t)) fail(mp, "is already in an earlier group: partition groups must not overlap");
          }
        }
        for (const Target& e : group) {
          if (same_server(e, t)) fail(mp, "is named twice in this group");
        }
        group.push_back(t);
      }
      f.groups.push_back(std::move(group));
    }
  } else if (o.has("isolate")) {
    f.isolate = parse_target(o.get("isolate"), o.at("isolate"), servers);
  } else {
    f.split = o.string("split");
    if (f.split != "leader_minority" && f.split != "leader_majority") {
      fail(o.at("split"), "must be 'leader_minority' or 'leader_majority'");
    }
  }
}

// A fault's "on": the event (and optional server, fields, count and window) that fires it.
Trigger parse_trigger(Obj& t, const Scenario& sc, const std::vector<EventKindInfo>& events) {
  Trigger trig;
  trig.event = t.string("event");
  auto info = std::find_if(events.begin(), events.end(), [&](const EventKindInfo& k) { return k.name == trig.event; });
  if (info == events.end()) {
    fail(t.at("event"), fmt::format("'{}' is not an event a run can record (see scenarios/README.md)", trig.event));
  }
  if (t.has("server")) trig.server = parse_target(t.get("server"), t.at("server"), sc.servers);
  if (t.has("fields")) {
    Obj fields(t.get("fields"), t.at("fields"), nullptr);  // the event's own field names
    for (auto it = t.get("fields").begin(); it != t.get("fields").end(); ++it) {
      // "sub" is the event's sub-kind: the message type of send/deliver (Leader.java's packet
      // numbers; 100/101 election; 300+ client messages).
      const bool known = it.key() == "sub" ||
                         std::any_of(std::begin(info->fields), std::end(info->fields),
                                     [&](const std::string& f) { return !f.empty() && f == it.key(); });
      if (!known) {
        std::string names;
        for (const auto& f : info->fields) {
          if (!f.empty()) names += (names.empty() ? "" : ", ") + f;
        }
        fail(fields.at(it.key()), fmt::format("the event '{}' has no field '{}' (its fields: {}sub)", trig.event, it.key(),
                                              names.empty() ? "" : names + ", "));
      }
      trig.fields[it.key()] = static_cast<std::uint64_t>(fields.integer(it.key(), std::nullopt, 0, INT64_MAX));
    }
    fields.done();
  }
  trig.count = static_cast<std::uint32_t>(t.integer("count", 1, 1, 1'000'000));
  trig.after_ms = t.integer("after_ms", 0, 0, kMaxMs);
  if (t.has("before_ms")) {
    trig.before_ms = t.integer("before_ms", std::nullopt, 0, kMaxMs);
    if (*trig.before_ms < trig.after_ms) fail(t.at("before_ms"), "must not be before after_ms");
  }
  t.done();
  return trig;
}

Fault parse_fault(const json& j, const std::string& pointer, const Scenario& sc,
                  const std::vector<EventKindInfo>& events, ConsultedKeys* keys) {
  Obj o(j, pointer, keys);
  Fault f;
  f.pointer = pointer;
  const std::string kind = o.string("kind");
  auto k = fault_kinds().find(kind);
  if (k == fault_kinds().end()) {
    std::string names;
    for (const auto& [name, unused] : fault_kinds()) names += (names.empty() ? "" : ", ") + name;
    fail(o.at("kind"), fmt::format("unknown fault kind '{}' ({})", kind, names));
  }
  f.kind = k->second;
  const bool has_at = o.has("at_ms");
  const bool has_on = o.has("on");
  if (has_at == has_on) fail(pointer, "needs exactly one of 'at_ms' (a time) or 'on' (a trigger)");
  if (has_at) f.at_ms = o.integer("at_ms", std::nullopt, 0, kMaxMs);
  if (has_on) {
    Obj t(o.get("on"), o.at("on"), keys);
    f.on = parse_trigger(t, sc, events);
    f.delay_ms = o.integer("delay_ms", 0, 0, kMaxMs);
  }
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kStart:
    case FaultKind::kHang:
    case FaultKind::kResume:
      f.target = parse_target(o.get("target"), o.at("target"), sc.servers);
      break;
    case FaultKind::kClockDrift:
      f.target = parse_target(o.get("target"), o.at("target"), sc.servers);
      f.drift_ppm = o.integer("ppm", std::nullopt, -499'999, 499'999);
      break;
    case FaultKind::kClockStep:
      f.target = parse_target(o.get("target"), o.at("target"), sc.servers);
      f.step_ms = o.integer("step_ms", std::nullopt, -kMaxMs, kMaxMs);
      break;
    case FaultKind::kCorrupt:
      f.target = parse_target(o.get("target"), o.at("target"), sc.servers);
      f.file = o.string("file");
      f.offset = static_cast<std::uint64_t>(o.integer("offset", 0, 0, INT64_MAX));
      break;
    case FaultKind::kPartition:
      parse_partition(o, f, sc.servers);
      break;
    case FaultKind::kHeal:
      break;
    case FaultKind::kCut:
    case FaultKind::kHealLink:
    case FaultKind::kSlowLink:
    case FaultKind::kFlap:
    case FaultKind::kResetConnections:
      f.from = parse_target(o.get("from"), o.at("from"), sc.servers);
      f.to = parse_target(o.get("to"), o.at("to"), sc.servers);
      if (same_server(*f.from, *f.to)) fail(o.at("to"), "is the same process as 'from': a link joins two different ones");
      if (f.kind == FaultKind::kSlowLink) {
        f.factor_percent = static_cast<std::uint32_t>(o.integer("factor_percent", std::nullopt, 1, 100'000'000));
      }
      if (f.kind == FaultKind::kFlap) {
        f.period_ms = o.integer("period_ms", std::nullopt, 1, kMaxMs);
        f.down_ms = o.integer("down_ms", std::nullopt, 0, kMaxMs);
        if (f.down_ms >= f.period_ms) fail(o.at("down_ms"), "must be shorter than period_ms");
        f.until_ms = o.integer("until_ms", std::nullopt, 0, kMaxMs);
      }
      break;
  }
  o.done();
  return f;
}

void parse_latency(Obj& o, LatencyModel& m) {
  m.base_us = o.number("base_us", m.base_us, 0, 1e9);
  m.median_us = o.number("median_us", m.median_us, 1e-3, 1e9);
  m.sigma = o.number("sigma", m.sigma, 0, 10);
  m.spike_probability = o.number("spike_probability", m.spike_probability, 0, 1);
  m.spike_scale_us = o.number("spike_scale_us", m.spike_scale_us, 1e-3, 1e9);
  m.spike_alpha = o.number("spike_alpha", m.spike_alpha, 0.1, 100);
  o.done();
}

// /cluster: the ensemble's size and ZooKeeper's configuration (zoo.cfg), and the mutations.
// /cluster/step_costs: measured samples (µs) of the server steps a real JVM takes time over.
void parse_step_costs(Obj& o, StepCosts& costs) {
  auto samples = [&](const char* key, std::vector<std::int64_t>& out) {
    if (!o.has(key)) return;
    const json& a = o.get(key);
    const std::string at = fmt::format("/cluster/step_costs/{}", key);
    if (!a.is_array() || a.size() > kStepCostSamplesMax) {
      fail(at, fmt::format("must be a list of at most {} samples in microseconds", kStepCostSamplesMax));
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_number_integer() || a[i].get<std::int64_t>() < 0 || a[i].get<std::int64_t>() > kStepCostMaxUs) {
        fail(fmt::format("{}/{}", at, i), fmt::format("must be an integer number of microseconds from 0 to {}", kStepCostMaxUs));
      }
      out.push_back(a[i].get<std::int64_t>());
    }
  };
  samples("role_exit_us", costs.role_exit_us);
  samples("leader_start_us", costs.leader_start_us);
  samples("follower_start_us", costs.follower_start_us);
  o.string("source", std::string());  // where the samples were measured: for the reader
  o.done();
}

void parse_cluster(Obj& c, Scenario& sc, ConsultedKeys* keys) {
  sc.servers = static_cast<std::uint32_t>(c.integer("servers", 5, 1, 99));
  ServerConfig& s = sc.server;
  s.tick_time_ms = c.integer("tick_time_ms", s.tick_time_ms, 1, 3'600'000);
  s.init_limit = static_cast<std::int32_t>(c.integer("init_limit", s.init_limit, 1, 10'000));
  s.sync_limit = static_cast<std::int32_t>(c.integer("sync_limit", s.sync_limit, 1, 10'000));
  s.snap_count = c.integer("snap_count", s.snap_count, 2, INT32_MAX);
  s.commit_log_count = static_cast<std::int32_t>(c.integer("commit_log_count", s.commit_log_count, 1, 1'000'000));
  s.snapshot_size_factor = c.number("snapshot_size_factor", s.snapshot_size_factor, -1, 1);
  s.cnx_timeout = Duration::ms(c.integer("cnx_timeout_ms", s.cnx_timeout.count_ms(), 1, kMaxMs));
  s.finalize_wait = Duration::ms(c.integer("finalize_wait_ms", s.finalize_wait.count_ms(), 0, kMaxMs));
  // FastLeaderElection doubles its poll timeout from minNotificationInterval (200 ms) up to
  // this, so it cannot be less than that.
  s.max_notification_interval = Duration::ms(c.integer("max_notification_interval_ms", s.max_notification_interval.count_ms(),
                                                       s.min_notification_interval.count_ms(), kMaxMs));
  if (c.has("mutations")) {
    const json& m = c.get("mutations");
    if (!m.is_array()) fail("/cluster/mutations", "must be a list of mutation names");
    for (std::size_t i = 0; i < m.size(); ++i) {
      const std::string p = fmt::format("/cluster/mutations/{}", i);
      if (!m[i].is_string()) fail(p, "must be a mutation name");
      const auto id = mutation_by_name(m[i].get<std::string>());
      if (!id) fail(p, fmt::format("unknown mutation '{}' (zabsim bugs lists them)", m[i].get<std::string>()));
      s.mutations.enable(*id, Mutations::ReintroduceKnownBug{});
    }
  }
  if (c.has("step_costs")) {
    Obj o(c.get("step_costs"), "/cluster/step_costs", keys);
    parse_step_costs(o, sc.step_costs);
  }
  c.done();
}

// /network: the latency model and the out-of-model faults' probabilities.
void parse_network(Obj& n, Scenario& sc, ConsultedKeys* keys) {
  if (n.has("latency")) {
    Obj l(n.get("latency"), "/network/latency", keys);
    parse_latency(l, sc.network.latency);
  }
  if (n.has("out_of_model")) {
    Obj m(n.get("out_of_model"), "/network/out_of_model", keys);
    sc.network.out_of_model.enabled = m.boolean("enabled", false);
    sc.network.out_of_model.drop_probability = m.number("drop_probability", 0, 0, 1);
    sc.network.out_of_model.duplicate_probability = m.number("duplicate_probability", 0, 0, 1);
    sc.network.out_of_model.reorder_probability = m.number("reorder_probability", 0, 0, 1);
    m.done();
  }
  n.done();
}

// /disk: the fsync latency model and what a crash loses.
void parse_disk(Obj& d, DiskConfig& dc) {
  dc.fsync_median_us = d.number("fsync_median_us", dc.fsync_median_us, 1e-3, 1e9);
  dc.fsync_sigma = d.number("fsync_sigma", dc.fsync_sigma, 0, 10);
  dc.fsync_spike_probability = d.number("fsync_spike_probability", dc.fsync_spike_probability, 0, 1);
  dc.fsync_spike_scale_us = d.number("fsync_spike_scale_us", dc.fsync_spike_scale_us, 1e-3, 1e9);
  const std::string loss = d.string("crash_loss", std::string("lose_all"));
  if (loss == "lose_all") {
    dc.crash_loss = CrashLoss::kLoseAll;
  } else if (loss == "random_prefix") {
    dc.crash_loss = CrashLoss::kRandomPrefix;
  } else if (loss == "torn_tail") {
    dc.crash_loss = CrashLoss::kTornTail;
  } else {
    fail("/disk/crash_loss", "must be 'lose_all', 'random_prefix' or 'torn_tail'");
  }
  dc.writeback_expire = Duration::ms(d.integer("writeback_expire_ms", dc.writeback_expire.count_ms(), 0, kMaxMs));
  d.done();
}

// /clients/scripts: explicit operations, one script per client.
void parse_scripts(Obj& c, ClientsSpec& cs, ConsultedKeys* keys) {
  const json& scripts = c.get("scripts");
  if (!scripts.is_array()) fail("/clients/scripts", "must be a list of {client, ops}");
  std::uint64_t scripted_ops = 0;
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    const std::string sp = fmt::format("/clients/scripts/{}", i);
    Obj s(scripts[i], sp, keys);
    if (cs.count == 0) fail(s.at("client"), "names a client, but /clients/count is 0: there are no clients to script");
    const auto client = static_cast<std::uint32_t>(s.integer("client", std::nullopt, 1, cs.count));
    if (cs.scripts.contains(client)) fail(s.at("client"), fmt::format("client {} already has a script", client));
    const json& ops = s.get("ops");
    if (!ops.is_array()) fail(s.at("ops"), "must be a list of operations");
    auto& list = cs.scripts[client];
    if (s.has("start_ms")) cs.script_start_ms[client] = s.integer("start_ms", std::nullopt, 0, kMaxMs);
    scripted_ops += ops.size();
    if (scripted_ops > kWorkloadOpsMax) fail(s.at("ops"), fmt::format("more than {} scripted operations in all", kWorkloadOpsMax));
    for (std::size_t k = 0; k < ops.size(); ++k) {
      Obj op(ops[k], fmt::format("{}/ops/{}", sp, k), keys);
      ScriptedClientOp sop;
      sop.delay_ms = op.integer("delay_ms", 0, 0, kMaxMs);
      sop.request = parse_request(op);
      op.done();
      list.push_back(std::move(sop));
    }
    s.done();
  }
}

// /clients/workload: the generated operations per client and their mix.
void parse_workload(Obj& w, ClientsSpec& cs) {
  cs.workload.ops_per_client = static_cast<std::uint32_t>(w.integer("ops_per_client", 0, 0, 10'000'000));
  cs.workload.think_time_ms = w.integer("think_time_ms", 100, 0, kMaxMs);
  cs.workload.keys = static_cast<std::uint32_t>(w.integer("keys", 8, 1, 1'000'000));
  if (w.has("mix")) {
    const std::vector<std::string>& kinds = workload_kinds();
    Obj m(w.get("mix"), "/clients/workload/mix", nullptr);  // its keys: the workload's kinds
    const json& mix = w.get("mix");
    for (auto it = mix.begin(); it != mix.end(); ++it) {
      if (std::find(kinds.begin(), kinds.end(), it.key()) == kinds.end()) {
        fail(m.at(it.key()), fmt::format("is not an operation kind of the workload mix ({})", fmt::join(kinds, ", ")));
      }
      cs.workload.mix[it.key()] = static_cast<std::uint32_t>(m.integer(it.key(), std::nullopt, 0, 1'000'000));
    }
    m.done();
    std::uint64_t total = 0;
    for (const auto& [kind, weight] : cs.workload.mix) total += weight;
    if (!cs.workload.mix.empty() && total == 0) {
      fail("/clients/workload/mix", "the weights must not all be zero (leave 'mix' out for the default mix)");
    }
  }
  const std::uint64_t ops = std::uint64_t{cs.workload.ops_per_client} * cs.count;
  if (ops > kWorkloadOpsMax) {
    fail("/clients/workload/ops_per_client",
         fmt::format("{} clients x {} operations is {} operations; at most {} in one run", cs.count,
                     cs.workload.ops_per_client, ops, kWorkloadOpsMax));
  }
  w.done();
}

// /clients: how many, where they connect, the generated workload and the scripts.
void parse_clients(Obj& c, Scenario& sc, ConsultedKeys* keys) {
  ClientsSpec& cs = sc.clients;
  cs.count = static_cast<std::uint32_t>(c.integer("count", 0, 0, kClientsMax));
  if (c.has("servers")) {
    const json& s = c.get("servers");
    if (!s.is_array() || s.empty()) fail("/clients/servers", "must be a non-empty list of server ids");
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Target t = parse_target(s[i], fmt::format("/clients/servers/{}", i), sc.servers);
      if (t.kind != Target::Kind::kServer) fail(fmt::format("/clients/servers/{}", i), "must be a server id");
      cs.servers.push_back(t.id);
    }
  }
  const std::string first = c.string("first_server", std::string("random"));
  if (first != "random" && first != "first") fail("/clients/first_server", "must be 'random' or 'first'");
  cs.random_first_server = first == "random";
  cs.session_timeout_ms = static_cast<std::int32_t>(c.integer("session_timeout_ms", cs.session_timeout_ms, 1, INT32_MAX));
  cs.request_timeout_ms = c.integer("request_timeout_ms", cs.request_timeout_ms, 0, kMaxMs);
  cs.start_ms = c.integer("start_ms", cs.start_ms, 0, kMaxMs);
  cs.in_flight = static_cast<std::uint32_t>(c.integer("in_flight", cs.in_flight, 1, kInFlightMax));
  cs.probe = c.boolean("probe", false);
  cs.retry_unknown = c.boolean("retry_unknown", false);
  if (c.has("workload")) {
    Obj w(c.get("workload"), "/clients/workload", keys);
    parse_workload(w, cs);
  }
  if (c.has("scripts")) parse_scripts(c, cs, keys);
  c.done();
}

// A run's events, and so its memory, grow with the span it simulates (scenario.h).
void check_span(Obj& o, const Scenario& sc) {
  const std::string span_at = o.has("duration_ms") ? "/duration_ms" : "/cluster/tick_time_ms";
  const std::int64_t server_ticks = std::int64_t{sc.servers} * (sc.duration_ms / sc.server.tick_time_ms);
  if (server_ticks > kServerTicksMax) {
    fail(span_at, fmt::format("{} servers x {} ms at tickTime {} ms is {} server-ticks; a run may span at most {}",
                              sc.servers, sc.duration_ms, sc.server.tick_time_ms, server_ticks, kServerTicksMax));
  }
  const std::int64_t client_seconds = std::int64_t{sc.clients.count} * (sc.duration_ms / 1000);
  if (client_seconds > kClientSecondsMax) {
    fail(o.has("duration_ms") ? "/duration_ms" : "/clients/count",
         fmt::format("{} clients x {} ms is {} client-seconds; a run may span at most {}", sc.clients.count,
                     sc.duration_ms, client_seconds, kClientSecondsMax));
  }
}

// What one section cannot check alone: faults against the run's length, clients and model.
void check_across(const Scenario& sc) {
  for (const Fault& f : sc.faults) {
    if (f.at_ms && *f.at_ms > sc.duration_ms) fail(f.pointer + "/at_ms", "is after the end of the run (duration_ms)");
    if (f.target && f.target->kind == Target::Kind::kClient && f.target->id > sc.clients.count) {
      fail(f.pointer + "/target", fmt::format("client c{} does not exist (clients/count is {})", f.target->id, sc.clients.count));
    }
    if (f.kind == FaultKind::kCorrupt && !sc.network.out_of_model.enabled) {
      fail(f.pointer + "/kind", "disk corruption is out of model: set /network/out_of_model/enabled");
    }
  }
}

Scenario parse(const json& root, const std::vector<EventKindInfo>& event_names, ConsultedKeys* keys) {
  Obj o(root, "", keys);
  Scenario sc;
  sc.name = o.string("name");
  sc.description = o.string("description", std::string());
  if (o.has("seed")) {
    // Every 64-bit seed, as on the command line (--seed) and in run records.
    const json& seed = o.get("seed");
    if (!seed.is_number_unsigned()) fail("/seed", "must be an integer from 0 to 18446744073709551615");
    sc.seed = seed.get<std::uint64_t>();
  }
  sc.duration_ms = o.integer("duration_ms", 30'000, 1, kMaxMs);

  if (o.has("cluster")) {
    Obj c(o.get("cluster"), "/cluster", keys);
    parse_cluster(c, sc, keys);
  }
  if (o.has("network")) {
    Obj n(o.get("network"), "/network", keys);
    parse_network(n, sc, keys);
  }
  if (o.has("disk")) {
    Obj d(o.get("disk"), "/disk", keys);
    parse_disk(d, sc.disk);
  }
  if (o.has("clients")) {
    Obj c(o.get("clients"), "/clients", keys);
    parse_clients(c, sc, keys);
  }
  if (o.has("faults")) {
    const json& faults = o.get("faults");
    if (!faults.is_array()) fail("/faults", "must be a list of faults");
    for (std::size_t i = 0; i < faults.size(); ++i) sc.faults.push_back(parse_fault(faults[i], fmt::format("/faults/{}", i), sc, event_names, keys));
  }
  if (o.has("expect")) {
    Obj e(o.get("expect"), "/expect", keys);
    sc.expect.safety = e.string("safety", std::string("pass"));
    sc.expect.liveness = e.string("liveness", std::string("pass"));
    sc.expect.out_of_model = e.boolean("out_of_model", false);
    e.done();
  }
  sc.liveness_bound_ms = o.integer("liveness_bound_ms", 0, 0, kMaxMs);
  o.done();
  check_span(o, sc);
  check_across(sc);
  return sc;
}

}  // namespace

ScenarioParse parse_scenario(const std::string& json_text, const std::string& file_name, ConsultedKeys* consulted) {
  json_input::JsonError error;
  const std::optional<json> root = json_input::parse<json>(json_text, error);
  if (!root) return ScenarioError{file_name, error.pointer, error.message};
  try {
    return parse(*root, scenario_event_kinds(), consulted);
  } catch (const Invalid& invalid) {
    return ScenarioError{file_name, invalid.pointer, invalid.message};
  }
}

ScenarioParse load_scenario(const std::string& path) {
  std::string error;
  const auto text = json_input::read_file(path, error);
  if (!text) return ScenarioError{path, "", error};
  return parse_scenario(*text, path);
}

}  // namespace zab::sim
