#include "tools/real/real_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "protocol/base/assert.h"
#include "sim/client/workload.h"
#include "sim/distributions.h"
#include "sim/rng.h"
#include "sim/scenario/runner.h"
#include "tools/real/proxy_network.h"
#include "tools/real/workload_client.h"
#include "tools/real/zk_client.h"
#include "tools/real/zoo_config.h"

namespace zab::tools::real {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;  // set by request_stop(), possibly from a signal handler

// The server a fault's target names now, from the servers' latest `srvr` answers.
std::optional<std::uint32_t> resolve(const sim::Target& t, const std::map<std::uint32_t, ServerStatus>& status,
                                     std::uint32_t servers, sim::Rng& rng) {
  using K = sim::Target::Kind;
  std::vector<std::uint32_t> candidates;
  switch (t.kind) {
    case K::kServer:
      return t.id;
    case K::kClient:
      return std::nullopt;
    case K::kLeader:
      for (const auto& [sid, s] : status) {
        if (s.mode == "leader") return sid;
      }
      return std::nullopt;
    case K::kFollower:
      for (const auto& [sid, s] : status) {
        if (s.mode == "follower") candidates.push_back(sid);
      }
      break;
    case K::kHighestZxid: {
      std::optional<std::uint32_t> best;
      for (const auto& [sid, s] : status) {
        if (!best || s.zxid > status.at(*best).zxid) best = sid;
      }
      return best;
    }
    case K::kRandomServer:
      for (std::uint32_t sid = 1; sid <= servers; ++sid) candidates.push_back(sid);
      break;
  }
  if (candidates.empty()) return std::nullopt;
  return candidates[sim::uniform_below(rng, candidates.size())];
}

std::string zxid_text(std::uint64_t z) { return fmt::format("<{},{}>", z >> 32, z & 0xffffffffu); }

// The role, establishment and sync lines of every server's log, in time order.
std::vector<TimelineLine> log_timeline(const Ensemble& ensemble, std::int64_t start_wall_ms,
                                       std::vector<ServerEvent>& events) {
  std::vector<TimelineLine> lines;
  for (std::uint32_t sid = 1; sid <= ensemble.size(); ++sid) {
    std::ifstream in(ensemble.log_path(sid));
    for (std::string line; std::getline(in, line);) {
      const auto e = parse_log_line(line);
      if (!e) continue;
      if (e->kind == LogEventKind::kUpToDate) {
        // Recorded for the recovery's "last follower synced", not printed: the sync line says it.
        events.push_back(ServerEvent{e->wall_ms - start_wall_ms, sid, e->kind, e->zxid});
        continue;
      }
      std::string text;
      switch (e->kind) {
        case LogEventKind::kLooking:
        case LogEventKind::kLeading:
        case LogEventKind::kFollowing:
          text = fmt::format("s{} {}", sid, log_event_name(e->kind));
          break;
        case LogEventKind::kEstablished:
          text = fmt::format("s{} established as leader of epoch {}", sid, e->zxid ? std::to_string(*e->zxid >> 32) : "?");
          break;
        default:
          // The zxid the leader's DIFF, SNAP or TRUNC packet carries (Learner.syncWithLeader logs it).
          text = fmt::format("s{} syncs by {} (packet zxid {})", sid, std::string(log_event_name(e->kind)).substr(5),
                             e->zxid ? zxid_text(*e->zxid) : "?");
          break;
      }
      lines.push_back(TimelineLine{e->wall_ms - start_wall_ms, std::move(text)});
      events.push_back(ServerEvent{e->wall_ms - start_wall_ms, sid, e->kind, e->zxid});
    }
  }
  return lines;
}

// Fires one process fault at `sid`, the server its target names now; the timeline line.
std::string fire(Ensemble& ensemble, const sim::Fault& f, std::optional<std::uint32_t> sid) {
  if (!sid) return fmt::format("FAULT {} skipped: no server is its target now", sim::fault_kind_name(f.kind));
  switch (f.kind) {
    case sim::FaultKind::kCrash: ensemble.kill(*sid); break;
    case sim::FaultKind::kRestart:
      ensemble.kill(*sid);
      ensemble.start(*sid);
      break;
    case sim::FaultKind::kStart: ensemble.start(*sid); break;
    case sim::FaultKind::kHang: ensemble.stop(*sid); break;
    case sim::FaultKind::kResume: ensemble.resume(*sid); break;
    default: ZAB_ASSERT(false, "refusals() let through only process faults");
  }
  return fmt::format("FAULT {} s{}", sim::fault_kind_name(f.kind), *sid);
}

bool is_network_fault(sim::FaultKind k) {
  using K = sim::FaultKind;
  return k == K::kPartition || k == K::kHeal || k == K::kCut || k == K::kHealLink || k == K::kSlowLink ||
         k == K::kFlap || k == K::kResetConnections;
}

// A link going down and up on a schedule (flap), both directions of a - b.
struct Flap {
  std::uint32_t a = 0, b = 0;
  std::int64_t period_ms = 0, down_ms = 0, until_ms = 0;
  std::int64_t next_ms = 0;  // the next change
  bool down = false;
};

// A partition's groups, as the simulator forms them: explicit groups (roles resolved now),
// one server isolated, or the leader's side of a split (the leader with the minority, or the
// minority without it) against the rest. Empty if a role it needs has no server now.
std::vector<std::vector<std::uint32_t>> partition_groups(const sim::Fault& f,
                                                         const std::map<std::uint32_t, ServerStatus>& status,
                                                         std::uint32_t servers, sim::Rng& rng) {
  std::vector<std::vector<std::uint32_t>> groups;
  if (!f.groups.empty()) {
    for (const auto& g : f.groups) {
      std::vector<std::uint32_t> members;
      for (const sim::Target& t : g) {
        if (auto sid = resolve(t, status, servers, rng)) members.push_back(*sid);
      }
      groups.push_back(members);
    }
    return groups;
  }
  std::vector<std::uint32_t> first;
  if (f.isolate) {
    if (auto sid = resolve(*f.isolate, status, servers, rng)) first.push_back(*sid);
  } else if (auto leader = resolve(sim::Target{.kind = sim::Target::Kind::kLeader}, status, servers, rng)) {
    first = sim::split_first_group(servers, *leader, f.split);
  }
  if (first.empty()) return {};
  std::vector<std::uint32_t> rest;
  for (std::uint32_t sid = 1; sid <= servers; ++sid) {
    if (std::find(first.begin(), first.end(), sid) == first.end()) rest.push_back(sid);
  }
  return {first, rest};
}

// Fires one network fault through the proxies; the timeline line.
std::string fire_network(ProxyNetwork& net, const sim::Fault& f, const sim::Scenario& scenario,
                         const std::map<std::uint32_t, ServerStatus>& status, sim::Rng& rng,
                         std::vector<Flap>& flaps, std::int64_t now_ms) {
  using K = sim::FaultKind;
  const char* kind = sim::fault_kind_name(f.kind);
  if (f.kind == K::kPartition) {
    const auto groups = partition_groups(f, status, scenario.servers, rng);
    if (groups.empty()) return "FAULT partition skipped: no server is its target now";
    std::string text;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (std::size_t h = 0; h < groups.size(); ++h) {
        if (g == h) continue;
        for (std::uint32_t a : groups[g]) {
          for (std::uint32_t b : groups[h]) net.set_cut(a, b, true);
        }
      }
      std::string names;
      for (std::uint32_t sid : groups[g]) names += fmt::format("{}s{}", names.empty() ? "" : ",", sid);
      text += fmt::format("{}{{{}}}", text.empty() ? "" : " | ", names);
    }
    return fmt::format("FAULT partition {}", text);
  }
  if (f.kind == K::kHeal) {
    net.heal_all();
    flaps.clear();
    return "FAULT heal all links";
  }
  const auto from = resolve(*f.from, status, scenario.servers, rng);
  const auto to = resolve(*f.to, status, scenario.servers, rng);
  if (!from || !to || *from == *to) return fmt::format("FAULT {} skipped: no server is its target now", kind);
  switch (f.kind) {
    case K::kCut: net.set_cut(*from, *to, true); break;
    case K::kHealLink: net.set_cut(*from, *to, false); break;
    case K::kSlowLink: {
      // The simulator multiplies its latency by factor%; loopback's own is the 100%.
      const double extra_us = scenario.network.latency.median_us * (static_cast<double>(f.factor_percent) - 100.0) / 100.0;
      net.set_delay(*from, *to, std::chrono::microseconds(static_cast<std::int64_t>(std::max(0.0, extra_us))));
      break;
    }
    case K::kResetConnections: net.reset(*from, *to); break;
    case K::kFlap: flaps.push_back(Flap{*from, *to, f.period_ms, f.down_ms, f.until_ms, now_ms, false}); break;
    default: ZAB_ASSERT(false, "fire_network takes network faults only");
  }
  return fmt::format("FAULT {} s{} -> s{}", kind, *from, *to);
}

// Takes each flapping link down or up when its time comes; the timeline lines.
void run_flaps(ProxyNetwork& net, std::vector<Flap>& flaps, std::int64_t now_ms, std::vector<TimelineLine>& timeline) {
  for (Flap& fl : flaps) {
    while (fl.next_ms <= now_ms) {
      const bool ending = !fl.down && fl.next_ms >= fl.until_ms;
      if (ending) {
        fl.next_ms = INT64_MAX;
        break;
      }
      fl.down = !fl.down;
      net.set_cut(fl.a, fl.b, fl.down);
      net.set_cut(fl.b, fl.a, fl.down);
      timeline.push_back({now_ms, fmt::format("flap s{} - s{} {}", fl.a, fl.b, fl.down ? "down" : "up")});
      fl.next_ms += fl.down ? fl.down_ms : fl.period_ms - fl.down_ms;
    }
  }
  std::erase_if(flaps, [](const Flap& fl) { return fl.next_ms == INT64_MAX; });
}

// After the start and after each crash or hang, a probe writes through a surviving server
// every 100 ms until a write commits: the time of the first committed write, the recovery
// figure a user sees. ZooKeeper's own client protocol (zk_client.h), a new session each try.
struct Probe {
  std::int64_t since_ms = 0;            // the start or the fault it measures from
  std::optional<std::uint32_t> avoid;   // the server the fault hit
  std::string after;                    // "the start" / "crash s3"
  std::int64_t last_try_ms = -1'000'000;
  int writes = 0;
  std::optional<std::size_t> fault;     // its index in Driven::faults (none for the start)
};

std::optional<std::string> try_probe(Ensemble& ensemble, const std::vector<ServerPorts>& ports,
                                     Probe& probe, std::int64_t now_ms, std::int32_t session_timeout_ms) {
  probe.last_try_ms = now_ms;
  for (std::uint32_t sid = 1; sid <= ensemble.size(); ++sid) {
    if (sid == probe.avoid || !ensemble.running(sid) || ensemble.stopped(sid)) continue;
    auto client = ZkClient::connect(ports[sid - 1].client, session_timeout_ms, std::chrono::milliseconds(300));
    if (!client) continue;
    const std::string data = fmt::format("probe {}", ++probe.writes);
    const auto reply = client->call(Request{.type = OpCode::kCreate,
                                            .path = "/zabsim-probe-",
                                            .data = Bytes(data.begin(), data.end()),
                                            .flags = kCreateSequential},
                                    std::chrono::milliseconds(2000));
    if (reply && reply->err == Err::kOk) {
      client->call(Request{.type = OpCode::kCloseSession}, std::chrono::milliseconds(300));  // best effort
      return fmt::format("probe: first write after {} committed through s{} ({} at <{},{}>)", probe.after, sid,
                         reply->path, reply->zxid.epoch(), reply->zxid.counter());
    }
    return std::nullopt;  // one server per try: the next try may pick another
  }
  return std::nullopt;
}

// The scenario's clients for a real ensemble: the same operations the simulator's clients
// issue for this seed (scripts, or the workload drawn from the same random stream), the
// connect string in client ports.
std::vector<RealClientConfig> client_configs(const sim::Scenario& scenario, const std::vector<ServerPorts>& ports,
                                             std::uint64_t seed) {
  const sim::ClientsSpec& cs = scenario.clients;
  std::vector<std::pair<std::uint32_t, std::uint16_t>> servers;
  if (cs.servers.empty()) {
    for (std::uint32_t sid = 1; sid <= scenario.servers; ++sid) servers.emplace_back(sid, ports[sid - 1].client);
  } else {
    for (std::uint32_t sid : cs.servers) servers.emplace_back(sid, ports.at(sid - 1).client);
  }
  const sim::Rng workload_root = sim::Rng(seed).fork("scenario/workload");
  std::vector<RealClientConfig> out;
  for (std::uint32_t i = 1; i <= cs.count; ++i) {
    RealClientConfig c{.index = i,
                       .servers = servers,
                       .shuffle = cs.random_first_server,
                       .session_timeout_ms = cs.session_timeout_ms,
                       .request_timeout_ms = cs.request_timeout_ms,
                       .start_ms = cs.start_ms,
                       .seed = seed};
    if (auto script = cs.scripts.find(i); script != cs.scripts.end()) {
      for (const sim::ScriptedClientOp& op : script->second) {
        c.ops.push_back(sim::ScriptedOp{Duration::ms(op.delay_ms), op.request});
      }
    } else {
      sim::Rng rng = workload_root.fork(i);
      c.ops = sim::generate_workload(sim::WorkloadMix{.ops = cs.workload.ops_per_client,
                                                      .think_time_ms = cs.workload.think_time_ms,
                                                      .keys = cs.workload.keys,
                                                      .weights = cs.workload.mix},
                                     i, rng);
    }
    if (auto own = cs.script_start_ms.find(i); own != cs.script_start_ms.end()) c.start_ms = own->second;
    out.push_back(std::move(c));
  }
  return out;
}

struct Driven {
  std::vector<TimelineLine> timeline;
  std::vector<RecordedOp> ops;  // every client's, unordered
  std::vector<ServerEvent> events;
  std::vector<FiredRealFault> faults;
  std::int64_t end_ms = 0;
};

// Starts every server, fires the faults at their times (polling srvr every 50 ms to resolve
// role targets) until `run_ms` of wall time or an interrupt, probes for the first committed
// write after the start and after each crash or hang, runs the clients on threads of their
// own, stops them and kills every server at the end, and returns the faults, the probes'
// results and the servers' logged events, with times from the start, and the clients' records.
Driven drive(Ensemble& ensemble, ProxyNetwork* net, const std::vector<ServerPorts>& ports,
             const sim::Scenario& scenario, const RealRunOptions& options, std::uint64_t seed) {
  std::int64_t run_ms = options.run_ms;
  Driven driven;
  std::vector<TimelineLine>& timeline = driven.timeline;
  const auto start = Clock::now();
  const std::int64_t start_wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto elapsed_ms = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count(); };
  for (std::uint32_t sid = 1; sid <= scenario.servers; ++sid) ensemble.start(sid);
  std::atomic<bool> stop_clients{false};
  const std::vector<RealClientConfig> configs = client_configs(scenario, ports, seed);
  std::vector<std::vector<RecordedOp>> records(configs.size());
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    clients.emplace_back([&, i] { records[i] = run_real_client(configs[i], start, stop_clients); });
  }
  std::vector<const sim::Fault*> faults;
  for (const sim::Fault& f : scenario.faults) faults.push_back(&f);
  std::stable_sort(faults.begin(), faults.end(), [](const sim::Fault* a, const sim::Fault* b) { return *a->at_ms < *b->at_ms; });
  std::size_t next = 0;
  sim::Rng rng = sim::Rng(seed).fork("real/targets");  // which follower or server a role target picks
  std::optional<Probe> probe = Probe{.since_ms = 0, .after = "the start"};
  std::vector<Flap> flaps;
  while (!stop_requested() && elapsed_ms() < run_ms) {
    std::map<std::uint32_t, ServerStatus> status;
    for (std::uint32_t sid = 1; sid <= scenario.servers; ++sid) {
      if (const auto s = ensemble.status(sid)) status[sid] = *s;
    }
    while (next < faults.size() && *faults[next]->at_ms <= elapsed_ms()) {
      const sim::Fault& f = *faults[next++];
      const std::int64_t at = elapsed_ms();
      if (is_network_fault(f.kind)) {
        ZAB_ASSERT(net != nullptr, "a scenario with network faults runs through proxies");
        const std::string line = fire_network(*net, f, scenario, status, rng, flaps, at);
        timeline.push_back({at, line});
        driven.faults.push_back({.ms = at, .kind = f.kind, .skipped = line.find("skipped") != std::string::npos, .text = line});
        continue;
      }
      const std::optional<std::uint32_t> sid = resolve(*f.target, status, scenario.servers, rng);
      const std::string line = fire(ensemble, f, sid);
      timeline.push_back({at, line});
      driven.faults.push_back({.ms = at,
                               .kind = f.kind,
                               .targets = sid ? std::vector<std::uint32_t>{*sid} : std::vector<std::uint32_t>{},
                               .skipped = !sid,
                               .text = line});
      if (sid && (f.kind == sim::FaultKind::kCrash || f.kind == sim::FaultKind::kHang)) {
        if (probe) timeline.push_back({at, fmt::format("probe: no write committed after {} before this fault", probe->after)});
        probe = Probe{.since_ms = at, .avoid = sid, .after = fmt::format("{} s{}", sim::fault_kind_name(f.kind), *sid),
                      .fault = driven.faults.size() - 1};
      }
    }
    if (net != nullptr) run_flaps(*net, flaps, elapsed_ms(), timeline);
    if (probe && elapsed_ms() - probe->last_try_ms >= 100) {
      if (auto line = try_probe(ensemble, ports, *probe, elapsed_ms(), scenario.clients.session_timeout_ms)) {
        const std::int64_t at = elapsed_ms();
        timeline.push_back({at, fmt::format("{}, +{} ms", *line, at - probe->since_ms)});
        if (probe->fault) {
          driven.faults[*probe->fault].probe_write_ms = at - probe->since_ms;
          // A study's run has what it measures once the last fault's probe wrote: it ends
          // `settle_ms` later, so that the clients' first writes and the learners' syncs land too.
          if (options.settle_ms && next == faults.size()) run_ms = std::min(run_ms, at + *options.settle_ms);
        }
        probe.reset();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (probe) timeline.push_back({elapsed_ms(), fmt::format("probe: no write committed after {} by the end", probe->after)});
  if (stop_requested()) timeline.push_back({elapsed_ms(), "interrupted: stopping every server"});
  // The clients stop first (an operation in flight ends indeterminate), then the servers.
  stop_clients = true;
  for (std::thread& t : clients) t.join();
  for (auto& r : records) driven.ops.insert(driven.ops.end(), r.begin(), r.end());
  driven.end_ms = elapsed_ms();
  ensemble.kill_all();
  for (auto& line : log_timeline(ensemble, start_wall_ms, driven.events)) timeline.push_back(std::move(line));
  return driven;
}

}  // namespace

void request_stop() { g_stop = 1; }
bool stop_requested() { return g_stop != 0; }

extern "C" void zabsim_real_on_interrupt(int) { request_stop(); }

void stop_on_interrupt_signals() {
  std::signal(SIGINT, zabsim_real_on_interrupt);
  std::signal(SIGTERM, zabsim_real_on_interrupt);
}

RealRun run_on_real_ensemble(const ZooKeeperInstall& install, const sim::Scenario& scenario, std::uint64_t seed,
                             const std::string& root, const RealRunOptions& options) {
  const auto ports = free_ports(scenario.servers);
  Driven driven;
  {
    // A proxy on every server-to-server path when a fault needs one (it goes after the servers).
    std::unique_ptr<ProxyNetwork> net;
    if (std::any_of(scenario.faults.begin(), scenario.faults.end(), [](const sim::Fault& f) { return is_network_fault(f.kind); })) {
      net = std::make_unique<ProxyNetwork>(ports);
      if (!options.quiet) fmt::print("  network: a TCP proxy on each of the {} server-to-server paths (quorum and election ports)\n",
                 scenario.servers * (scenario.servers - 1));
    }
    Ensemble ensemble(install, ensemble_setup(scenario, ports, root, net ? &net->views() : nullptr), ports, root);
    driven = drive(ensemble, net.get(), ports, scenario, options, seed);
  }
  RealRun run;
  // Every server is down now (SIGKILL keeps what the page cache had): their disks as they stay.
  for (std::uint32_t sid = 1; sid <= scenario.servers; ++sid) {
    run.disks.push_back(read_server_disk(sid, fmt::format("{}/s{}/data", root, sid)));
  }
  run.timeline = std::move(driven.timeline);
  std::stable_sort(run.timeline.begin(), run.timeline.end(), [](const TimelineLine& a, const TimelineLine& b) { return a.ms < b.ms; });
  run.events = std::move(driven.events);
  std::stable_sort(run.events.begin(), run.events.end(), [](const ServerEvent& a, const ServerEvent& b) { return a.ms < b.ms; });
  run.faults = std::move(driven.faults);
  run.history = merge_histories(std::move(driven.ops), sim::ScenarioRun::kFirstClientAddress);
  run.end_ms = driven.end_ms;
  run.interrupted = stop_requested();
  return run;
}

}  // namespace zab::tools::real
