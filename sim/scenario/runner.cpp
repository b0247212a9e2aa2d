#include "sim/scenario/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "protocol/base/assert.h"
#include "protocol/quorum/quorum_peer.h"
#include "sim/client/workload.h"
#include "sim/distributions.h"
#include "sim/ensemble.h"

namespace zab::sim {

std::vector<EventKindInfo> scenario_event_kinds() {
  std::vector<EventKindInfo> kinds = world_event_kinds();
  const auto protocol = QuorumPeer::trace_kinds();
  for (auto& k : protocol_event_kinds(protocol)) kinds.push_back(std::move(k));
  return kinds;
}


ScenarioRun::ScenarioRun(const Scenario& scenario, std::uint64_t seed, const RunOptions& options)
    : scenario_(scenario), seed_(seed), fault_rng_(Rng(seed).fork("scenario/faults")) {
  WorldConfig wc;
  wc.network = scenario.network;
  wc.keep_trace_events = options.keep_trace_events;
  wc.allow_out_of_model_disk = scenario.network.out_of_model.enabled;
  world_ = std::make_unique<World>(seed, wc);
  if (options.trace_jsonl != nullptr) world_->trace().attach_jsonl(options.trace_jsonl);
  EnsembleConfig ec;
  ec.servers = scenario.servers;
  ec.base = scenario.server;
  ec.base.whole_state_invariants = options.whole_state_invariants;
  ec.disk = scenario.disk;
  ec.step_costs = scenario.step_costs;
  add_ensemble(*world_, ec);
  add_clients();
  for (std::uint32_t s = 1; s <= scenario.servers; ++s) world_->start(Address{s});
  // The servers were installed and have started once before: what their first start wrote
  // (the empty snapshot.0 and the epoch files) is on disk. Without this a machine crash in a
  // server's first 30 s loses its unsynced snapshot.0 and 3.8.0 refuses to restart ("No
  // snapshot found, but there are log entries") — real, but not what scenarios are about.
  world_->sync_all_disks();
  schedule_faults();
}

ScenarioRun::~ScenarioRun() = default;

void ScenarioRun::add_clients() {
  const ClientsSpec& cs = scenario_.clients;
  std::vector<Address> servers;
  if (cs.servers.empty()) {
    for (std::uint32_t s = 1; s <= scenario_.servers; ++s) servers.push_back(Address{s});
  } else {
    for (std::uint32_t s : cs.servers) servers.push_back(Address{s});
  }
  const Rng workload_root = Rng(seed_).fork("scenario/workload");
  for (std::uint32_t i = 1; i <= cs.count; ++i) {
    ClientConfig cc;
    cc.servers = servers;
    cc.random_first_server = cs.random_first_server;
    cc.session_timeout_ms = cs.session_timeout_ms;
    cc.request_timeout = Duration::ms(cs.request_timeout_ms);
    cc.max_in_flight = cs.in_flight;
    cc.retry_unknown = cs.retry_unknown;
    auto script = cs.scripts.find(i);
    if (script != cs.scripts.end()) {
      for (const ScriptedClientOp& op : script->second) cc.ops.push_back(ScriptedOp{Duration::ms(op.delay_ms), op.request});
    } else {
      WorkloadMix mix{.ops = cs.workload.ops_per_client, .think_time_ms = cs.workload.think_time_ms,
                      .keys = cs.workload.keys, .weights = cs.workload.mix};
      Rng rng = workload_root.fork(i);
      cc.ops = generate_workload(mix, i, rng);
    }
    const Address address{kFirstClientAddress + i - 1};
    add_client(*world_, address, cc, &history_);
    world_->trace().set_process_name(address.value, fmt::format("c{}", i));
    const auto own_start = cs.script_start_ms.find(i);
    const std::int64_t start_ms = own_start != cs.script_start_ms.end() ? own_start->second : cs.start_ms;
    world_->at(SimTime::from_ms(start_ms), [address](World& w) { w.start(address); });
  }
}

void ScenarioRun::add_probe(std::uint32_t hit) {
  ProbeConfig pc{.session_timeout_ms = scenario_.clients.session_timeout_ms};
  for (std::uint32_t s = 1; s <= scenario_.servers; ++s) {
    if (s != hit) pc.survivors.push_back(Address{s});
  }
  ++probes_;
  const Address address{kFirstClientAddress + scenario_.clients.count + probes_ - 1};
  add_survivor_probe(*world_, address, pc, &history_);
  world_->trace().set_process_name(address.value, fmt::format("probe{}", probes_));
  world_->start(address);
}

std::uint32_t ScenarioRun::current_leader() const {
  std::uint32_t best = 0;
  Epoch best_epoch = 0;
  for (std::uint32_t s = 1; s <= scenario_.servers; ++s) {
    if (world_->state(Address{s}) == ProcessState::kDown) continue;
    const auto* peer = dynamic_cast<const QuorumPeer*>(const_cast<World&>(*world_).node(Address{s}));
    if (peer == nullptr || peer->state() != ServerState::kLeading) continue;
    if (best == 0 || peer->epoch() >= best_epoch) {
      best = s;
      best_epoch = peer->epoch();
    }
  }
  return best;
}

std::vector<std::uint32_t> ScenarioRun::resolve(const Target& target, std::string& note) {
  switch (target.kind) {
    case Target::Kind::kServer:
      return {target.id};
    case Target::Kind::kClient:
      return {kFirstClientAddress + target.id - 1};
    case Target::Kind::kLeader: {
      note = "leader";
      const std::uint32_t l = current_leader();
      return l == 0 ? std::vector<std::uint32_t>{} : std::vector<std::uint32_t>{l};
    }
    case Target::Kind::kFollower: {
      note = "a follower";
      std::vector<std::uint32_t> followers;
      for (std::uint32_t s = 1; s <= scenario_.servers; ++s) {
        if (world_->state(Address{s}) == ProcessState::kDown) continue;
        const auto* peer = dynamic_cast<const QuorumPeer*>(world_->node(Address{s}));
        if (peer != nullptr && peer->state() == ServerState::kFollowing) followers.push_back(s);
      }
      if (followers.empty()) return {};
      return {followers[uniform_below(fault_rng_, followers.size())]};
    }
    case Target::Kind::kHighestZxid: {
      note = "highest zxid";
      std::uint32_t best = 0;
      Zxid best_zxid;
      for (std::uint32_t s = 1; s <= scenario_.servers; ++s) {
        if (world_->state(Address{s}) == ProcessState::kDown) continue;
        const auto* peer = dynamic_cast<const QuorumPeer*>(world_->node(Address{s}));
        if (peer == nullptr || !peer->running()) continue;
        const Zxid z = peer->database().last_processed_zxid();
        if (best == 0 || z >= best_zxid) {
          best = s;
          best_zxid = z;
        }
      }
      return best == 0 ? std::vector<std::uint32_t>{} : std::vector<std::uint32_t>{best};
    }
    case Target::Kind::kRandomServer:
      note = "random";
      return {static_cast<std::uint32_t>(1 + uniform_below(fault_rng_, scenario_.servers))};
  }
  return {};
}

void ScenarioRun::schedule_faults() {
  const auto kinds = scenario_event_kinds();
  for (const Fault& fault : scenario_.faults) {
    const Fault* f = &fault;
    if (fault.at_ms) {
      world_->at(SimTime::from_ms(*fault.at_ms), [this, f](World&) { fire(*f); });
      continue;
    }
    ZAB_ASSERT(fault.on.has_value(), "a fault has a time or a trigger (the parser checks it)");
    const Trigger& trig = *fault.on;
    auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const EventKindInfo& k) { return k.name == trig.event; });
    ZAB_ASSERT(kind != kinds.end(), "a trigger names a known event (the parser checks it)");
    const EventKindInfo info = *kind;
    std::vector<std::pair<std::string, std::uint64_t>> field_filters;
    for (const auto& [name, value] : trig.fields) {
      const bool known = name == "sub" || std::ranges::find(info.fields, name) != std::end(info.fields);
      ZAB_ASSERT(known, "a trigger's fields are fields of its event (the parser checks them)");
      field_filters.emplace_back(name, value);
    }
    auto seen = std::make_shared<std::uint32_t>(0);
    world_->on_event(
        [this, info, field_filters, trig, seen](const TraceEvent& e) {
          if (e.kind != info.kind || (info.kind == TraceKind::kProtocol && e.sub != info.sub)) return false;
          if (e.time < SimTime::from_ms(trig.after_ms)) return false;
          if (trig.before_ms && e.time > SimTime::from_ms(*trig.before_ms)) return false;
          if (trig.server) {
            if (trig.server->kind == Target::Kind::kServer) {
              if (e.process != trig.server->id) return false;
            } else if (trig.server->kind == Target::Kind::kLeader) {
              if (e.process != current_leader()) return false;
            }
          }
          // A field is read through the event's type, by name; `sub` is the record's own.
          for (const auto& [name, value] : field_filters) {
            const std::optional<std::uint64_t> word =
                name == "sub" ? std::optional<std::uint64_t>(e.sub) : field_word(e, name);
            if (word != value) return false;
          }
          return ++*seen >= trig.count;
        },
        [this, f](World& w) {
          if (f->delay_ms > 0) {
            w.after(Duration::ms(f->delay_ms), [this, f](World&) { fire(*f); });
          } else {
            fire(*f);
          }
        });
  }
}

void ScenarioRun::fire(const Fault& f) {
  World& w = *world_;
  FiredFault rec{.at = w.now(), .fault = &f};
  std::string note;
  auto one = [&](const Target& t) -> std::optional<std::uint32_t> {
    const auto ids = resolve(t, note);
    if (ids.empty()) return std::nullopt;
    return ids.front();
  };
  auto role = [&] { return note.empty() ? std::string() : " (" + note + ")"; };
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kStart:
    case FaultKind::kHang:
    case FaultKind::kResume:
    case FaultKind::kClockDrift:
    case FaultKind::kClockStep:
    case FaultKind::kCorrupt: {
      const auto id = one(*f.target);
      if (!id) {
        rec.skipped = true;
        rec.description = fmt::format("{} skipped: no {} now", fault_kind_name(f.kind), note);
        break;
      }
      rec.targets = {*id};
      const Address a{*id};
      const std::string name = w.trace().process_name(*id);
      rec.description = fmt::format("{} {}{}", fault_kind_name(f.kind), name, role());
      if (f.kind == FaultKind::kCrash) w.crash(a);
      if (f.kind == FaultKind::kRestart) w.restart(a);
      if (f.kind == FaultKind::kStart && w.state(a) == ProcessState::kDown) w.start(a);
      if (f.kind == FaultKind::kHang) w.hang(a);
      if (scenario_.clients.probe && (f.kind == FaultKind::kCrash || f.kind == FaultKind::kHang)) add_probe(*id);
      if (f.kind == FaultKind::kResume) w.resume(a);
      if (f.kind == FaultKind::kClockDrift) w.set_clock_drift(a, f.drift_ppm);
      if (f.kind == FaultKind::kClockStep) w.step_clock(a, Duration::ms(f.step_ms));
      if (f.kind == FaultKind::kCorrupt) w.corrupt(a, f.file, f.offset);
      break;
    }
    case FaultKind::kPartition: {
      std::vector<std::vector<Address>> groups;
      std::vector<std::vector<std::uint32_t>> ids;
      if (!f.groups.empty()) {
        for (const auto& g : f.groups) {
          std::vector<std::uint32_t> members;
          for (const Target& t : g) {
            for (std::uint32_t id : resolve(t, note)) members.push_back(id);
          }
          ids.push_back(members);
        }
      } else {
        std::vector<std::uint32_t> first;
        if (f.isolate) {
          first = resolve(*f.isolate, note);
        } else {
          const std::uint32_t leader = current_leader();
          note = f.split;
          if (leader != 0) first = split_first_group(scenario_.servers, leader, f.split);
        }
        if (first.empty()) {
          rec.skipped = true;
          rec.description = fmt::format("partition skipped: no {} now", note);
          break;
        }
        std::vector<std::uint32_t> rest;
        for (std::uint32_t s = 1; s <= scenario_.servers; ++s) {
          if (std::find(first.begin(), first.end(), s) == first.end()) rest.push_back(s);
        }
        ids = {first, rest};
      }
      std::string text;
      for (const auto& g : ids) {
        std::vector<Address> ga;
        for (std::uint32_t id : g) {
          ga.push_back(Address{id});
          rec.targets.push_back(id);
        }
        groups.push_back(ga);
        std::string names;
        for (std::uint32_t id : g) names += (names.empty() ? "" : ",") + w.trace().process_name(id);
        text += (text.empty() ? "{" : " | {") + names + "}";
      }
      rec.description = fmt::format("partition {}{}", text, role());
      w.partition(groups);
      break;
    }
    case FaultKind::kHeal:
      rec.description = "heal all links";
      w.heal_all();
      break;
    case FaultKind::kCut:
    case FaultKind::kHealLink:
    case FaultKind::kSlowLink:
    case FaultKind::kFlap:
    case FaultKind::kResetConnections: {
      const auto from = one(*f.from);
      const auto to = one(*f.to);
      if (!from || !to) {
        rec.skipped = true;
        rec.description = fmt::format("{} skipped: no {} now", fault_kind_name(f.kind), note);
        break;
      }
      rec.targets = {*from, *to};
      const Address a{*from}, b{*to};
      rec.description = fmt::format("{} s{} -> s{}{}", fault_kind_name(f.kind), *from, *to, role());
      if (f.kind == FaultKind::kCut) w.cut(a, b);
      if (f.kind == FaultKind::kHealLink) w.heal(a, b);
      if (f.kind == FaultKind::kSlowLink) w.set_link_slow(a, b, f.factor_percent);
      if (f.kind == FaultKind::kResetConnections) w.reset_connections(a, b);
      if (f.kind == FaultKind::kFlap) {
        w.flap(a, b, Duration::ms(f.period_ms), Duration::ms(f.down_ms), SimTime::from_ms(f.until_ms));
      }
      break;
    }
  }
  fired_.push_back(std::move(rec));
}

void ScenarioRun::run() { world_->run_until(SimTime::from_ms(scenario_.duration_ms)); }

void ScenarioRun::run(const std::function<void(SimTime now, SimTime end)>& progress) {
  // run_until(t) handles every event at or before t and leaves the rest queued, so stopping
  // at stretch boundaries changes nothing that happens.
  constexpr std::int64_t kStretches = 100;
  const SimTime end = SimTime::from_ms(scenario_.duration_ms);
  for (std::int64_t k = 1; k <= kStretches; ++k) {
    world_->run_until(SimTime::from_ns(end.ns() / kStretches * k + (k == kStretches ? end.ns() % kStretches : 0)));
    progress(world_->now(), end);
  }
}

}  // namespace zab::sim
