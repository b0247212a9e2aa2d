#include "tools/fuzz/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "protocol/base/coverage.h"
#include "sim/rng.h"
#include "tools/fuzz/draw.h"

namespace zab::fuzz {

using json = nlohmann::ordered_json;

std::uint64_t run_seed(std::uint64_t campaign_seed, std::uint64_t index) {
  // Forked by index from the campaign's key, never drawn in sequence: run 9,999 of a shard
  // needs no draws for runs 0..9,998.
  sim::Rng rng = sim::Rng(campaign_seed).fork("fuzz/run").fork(index);
  return rng.next_u64() >> 1;  // scenario seeds are JSON integers up to INT64_MAX
}

namespace {

// The shape of one run, drawn first; the faults are drawn against it.
struct Plan {
  std::uint32_t servers = 3;
  std::int64_t tick_ms = 100;
  std::int64_t init_limit = 5;
  std::int64_t sync_limit = 2;
  std::int64_t faults_from_ms = 0;  // the fault window
  std::int64_t heal_ms = 0;         // everything heals and restarts here
  bool partitions = false, links = false, crashes = false, hangs = false, clocks = false, disk = false;
  bool out_of_model = false;

  std::int64_t cnx_timeout_ms = 5000;
  // The liveness checker's tick-derived bound ((syncLimit + 2 initLimit) ticks: notice, then
  // discovery and sync) leaves out what does not scale with tickTime: a connect that was
  // started into a cut link blocks the election's sender for cnxTimeout (QuorumCnxManager's
  // synchronous connectOne), and each election waits finalizeWait (200 ms) at least once,
  // twice when the first round's result is overtaken. With small ticks these dominate (found
  // by fuzzing: elections 5 s late after a heal, with tickTime 50 ms), so the bound adds them.
  // And an election whose notifications crossed (a server resumed holding stale ones) waits
  // for a notification timeout, which backs off up to maxNotificationInterval; two of those.
  std::int64_t max_notification_interval_ms = 60'000;
  std::int64_t bound_ms() const {
    return (sync_limit + 2 * init_limit) * tick_ms + cnx_timeout_ms + 400 + 2 * max_notification_interval_ms;
  }
};

json at(std::int64_t t_ms, const char* kind) { return json{{"at_ms", t_ms}, {"kind", kind}}; }

// A server id or a role, for faults resolved when they fire.
json server_target(Draw& d, const Plan& p, bool roles) {
  if (roles) {
    switch (d.weighted({5, 3, 2, 1, 1})) {
      case 0: break;
      case 1: return "leader";
      case 2: return "follower";
      case 3: return "highest_zxid";
      case 4: return "random";
    }
  }
  return d.range(1, p.servers);
}

// A protocol point to fire on: the named points of the sync and persistence sequence, where
// interleavings are rarest and bugs have lived (ZOOKEEPER-2845, -3911, -4643, -4646, -4785).
// Returns the trigger and the server the event happens at (0 if any).
// `delay_ms` is how long after the event the fault fires.
std::pair<json, std::uint32_t> draw_trigger(Draw& d, const Plan& p, std::int64_t after_ms, std::int64_t delay_ms) {
  const auto s = static_cast<std::uint32_t>(d.range(1, p.servers));
  json on;
  std::uint32_t at_server = s;
  switch (d.weighted({2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 2, 2})) {
    case 0: on = {{"event", "accepted_epoch"}, {"server", s}}; break;
    case 1: on = {{"event", "current_epoch"}, {"server", s}}; break;
    case 2: on = {{"event", "logged"}, {"server", s}, {"count", d.range(1, 30)}}; break;
    case 3:  // the leader has chosen how to sync learner s (DIFF, TRUNC, SNAP)
      on = {{"event", "sync_chosen"}, {"fields", {{"learner", s}}}};
      at_server = 0;
      break;
    case 4: on = {{"event", "newleader_acked"}, {"server", s}}; break;
    case 5:  // the leader sends NEWLEADER (packet 10) to s
      on = {{"event", "send"}, {"server", "leader"}, {"fields", {{"sub", 10}, {"peer", s}}}};
      at_server = 0;
      break;
    case 6: on = {{"event", "snapshot_loaded"}, {"server", s}}; break;
    case 7: on = {{"event", "truncated"}, {"server", s}}; break;
    case 8: on = {{"event", "snapshot_written"}, {"server", s}}; break;
    case 9: on = {{"event", "follower_synced"}, {"server", s}}; break;
    case 10: on = {{"event", "leader_established"}}; at_server = 0; break;
    case 11: on = {{"event", "fsync"}, {"server", s}, {"count", d.range(1, 40)}}; break;
    case 12: {
      static const std::vector<CoverageMark> marks = {CoverageMark::kSyncDiff, CoverageMark::kSyncTrunc,
                                                      CoverageMark::kSyncSnap, CoverageMark::kLearnerTruncated,
                                                      CoverageMark::kLearnerLoadedSnapshot, CoverageMark::kLateJoiner};
      on = {{"event", "coverage"}, {"server", s}, {"fields", {{"mark", static_cast<int>(d.pick(marks))}}}};
      break;
    }
  }
  on["after_ms"] = after_ms;
  // Never after the heal: a fault there would move the liveness deadline past the run's end.
  on["before_ms"] = std::max(after_ms, p.heal_ms - 1 - delay_ms);
  return {on, at_server};
}

// Something that undoes a fault later, if it is not left to the final heal.
std::int64_t later(Draw& d, const Plan& p, std::int64_t t_ms) {
  return std::min(p.heal_ms - 1, t_ms + d.range(p.tick_ms, std::max<std::int64_t>(2 * p.tick_ms, 3 * p.bound_ms())));
}

void add_partition(Draw& d, const Plan& p, std::int64_t t, json& faults) {
  json f = at(t, "partition");
  switch (d.weighted({3, 2, 2, 3})) {
    case 0: f["isolate"] = server_target(d, p, true); break;
    case 1: f["split"] = "leader_minority"; break;
    case 2: f["split"] = "leader_majority"; break;
    case 3: {
      std::vector<std::uint32_t> ids;
      for (std::uint32_t s = 1; s <= p.servers; ++s) ids.push_back(s);
      for (std::size_t i = ids.size() - 1; i > 0; --i) std::swap(ids[i], ids[static_cast<std::size_t>(d.range(0, static_cast<std::int64_t>(i)))]);
      const auto cut = static_cast<std::size_t>(d.range(1, p.servers - 1));
      f["groups"] = json::array({json(std::vector<std::uint32_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(cut))),
                                 json(std::vector<std::uint32_t>(ids.begin() + static_cast<std::ptrdiff_t>(cut), ids.end()))});
      break;
    }
  }
  faults.push_back(f);
  if (d.chance(0.7)) faults.push_back(at(later(d, p, t), "heal"));
}

void add_link_fault(Draw& d, const Plan& p, std::int64_t t, json& faults) {
  const auto from = d.range(1, p.servers);
  const auto to = 1 + (from - 1 + d.range(1, p.servers - 1)) % p.servers;
  switch (d.weighted({3, 2, 2, 2})) {
    case 0: {
      json f = at(t, "cut");
      f["from"] = from;
      f["to"] = to;
      faults.push_back(f);
      if (d.chance(0.6)) {
        json h = at(later(d, p, t), "heal_link");
        h["from"] = from;
        h["to"] = to;
        faults.push_back(h);
      }
      break;
    }
    case 1: {
      json f = at(t, "slow_link");
      f["from"] = from;
      f["to"] = to;
      f["factor_percent"] = d.range(200, 5000);
      faults.push_back(f);
      json back = at(later(d, p, t), "slow_link");
      back["from"] = from;
      back["to"] = to;
      back["factor_percent"] = 100;
      faults.push_back(back);
      break;
    }
    case 2: {
      json f = at(t, "flap");
      f["from"] = from;
      f["to"] = to;
      const std::int64_t period = d.range(2, 10) * p.tick_ms;
      f["period_ms"] = period;
      f["down_ms"] = period * d.range(2, 8) / 10;
      f["until_ms"] = later(d, p, t);
      faults.push_back(f);
      break;
    }
    case 3: {
      json f = at(t, "reset_connections");
      f["from"] = from;
      f["to"] = to;
      faults.push_back(f);
      break;
    }
  }
}

// `cascade` is a second draw stream for the cascading failures below: drawing them there leaves
// every draw of the main stream, and so every run without a cascade, exactly as it was.
void add_crash(Draw& d, Draw& cascade, const Plan& p, std::int64_t t, json& faults) {
  if (p.servers > 1 && d.chance(0.06)) {  // the whole cluster at once (a power cut)
    for (std::uint32_t s = 1; s <= p.servers; ++s) {
      json f = at(t, "crash");
      f["target"] = s;
      faults.push_back(f);
    }
    const std::int64_t back = later(d, p, t);
    for (std::uint32_t s = 1; s <= p.servers; ++s) {
      json f = at(back, "start");
      f["target"] = s;
      faults.push_back(f);
    }
    return;
  }
  const bool triggered = d.chance(p.disk ? 0.6 : 0.4);
  const char* kind = d.chance(0.25) ? "restart" : "crash";
  json f;
  std::int64_t fixed_target = 0;
  // A cascading failure: the leader of the moment also crashes, within two ticks of the
  // triggered fault, and stays down until the heal. Real outages come in such chains (a rack,
  // a deploy, one overload), and they are what the new epoch's bookkeeping must survive: a
  // server the leader just counted towards its epoch fails, then the leader, and the cluster
  // goes on without both (ZOOKEEPER-1282 and the epoch-file bugs live there). A leader that
  // notices the loss first and steps down makes the second crash a no-op.
  const bool cascading = triggered && cascade.chance(0.3);
  const std::int64_t cascade_delay_ms = cascading ? cascade.range(0, 2 * p.tick_ms) : 0;
  if (triggered) {
    const std::int64_t delay_ms = d.chance(0.3) ? d.range(0, 2 * p.tick_ms) : 0;
    auto [on, at_server] = draw_trigger(d, p, t, delay_ms + cascade_delay_ms);
    f = {{"on", on}, {"kind", kind}};
    if (delay_ms > 0) f["delay_ms"] = delay_ms;
    // Mostly the server the event happened at, right after the event.
    if (at_server != 0 && d.chance(0.7)) {
      f["target"] = at_server;
      fixed_target = at_server;
    } else {
      f["target"] = server_target(d, p, true);
    }
  } else {
    f = at(t, kind);
    f["target"] = server_target(d, p, true);
    if (f["target"].is_number()) fixed_target = f["target"].get<std::int64_t>();
  }
  faults.push_back(f);
  // A crashed server with a fixed id comes back later (else at the final heal): a triggered
  // crash's start rides the same trigger, delayed.
  if (std::string(kind) == "crash" && fixed_target != 0 && d.chance(0.6)) {
    json s;
    if (triggered) {
      s = {{"on", f["on"]}, {"kind", "start"}, {"delay_ms", f.value("delay_ms", std::int64_t{0}) + d.range(p.tick_ms, 3 * p.bound_ms())}};
    } else {
      s = at(later(d, p, t), "start");
    }
    s["target"] = fixed_target;
    faults.push_back(s);
  }
  if (cascading) {
    json c = {{"on", f["on"]}, {"kind", "crash"}, {"target", "leader"}};
    c["delay_ms"] = f.value("delay_ms", std::int64_t{0}) + cascade_delay_ms;
    faults.push_back(c);
  }
}

void add_hang(Draw& d, const Plan& p, std::int64_t t, json& faults) {
  const auto s = d.range(1, p.servers);
  json f = at(t, "hang");
  f["target"] = s;
  faults.push_back(f);
  if (d.chance(0.7)) {
    json r = at(later(d, p, t), "resume");
    r["target"] = s;
    faults.push_back(r);
  }
}

void add_clock(Draw& d, const Plan& p, std::int64_t t, json& faults) {
  json f = at(t, d.chance(0.5) ? "clock_drift" : "clock_step");
  f["target"] = d.range(1, p.servers);
  // Drift of a few percent and wall-clock steps: in model (ZooKeeper times with the
  // monotonic clock, whose rate a few percent off only stretches its timeouts).
  if (f["kind"] == "clock_drift") {
    f["ppm"] = d.range(-50'000, 50'000);
  } else {
    f["step_ms"] = d.range(-10'000, 10'000);
  }
  faults.push_back(f);
}

Plan draw_plan(Draw& d, const CampaignSpec& spec, std::string& profile) {
  Plan p;
  p.servers = std::array<std::uint32_t, 3>{3, 5, 7}[d.weighted({5, 4, 1})];
  // Small ticks for most runs: the liveness bound, and so the run, scales with tickTime.
  static const std::vector<std::int64_t> ticks = {50, 100, 200, 500, 2000};
  p.tick_ms = ticks[d.weighted({25, 40, 25, 7, 3})];
  p.init_limit = d.range(3, 10);
  p.sync_limit = d.range(2, std::min<std::int64_t>(5, p.init_limit));
  // A leader waits initLimit ticks for an epoch quorum, but a follower decides its election up
  // to FLE's fixed finalizeWait (200 ms) after the leader did, then connects with 100 ms
  // retries. With initLimit x tickTime near 200 ms the leader gives up just before followers
  // arrive, again and again: ZooKeeper's own behaviour, and no election ever completes (found by
  // fuzzing: run 10032 of seed 1, tickTime 50 ms, initLimit 4). Deployments keep the window far
  // above that; so does the generator, raising initLimit after the draws so that every run the
  // floor does not touch stays exactly as it was.
  constexpr std::int64_t kInitWindowFloorMs = 500;
  p.init_limit = std::max(p.init_limit, (kInitWindowFloorMs + p.tick_ms - 1) / p.tick_ms);
  // A deployment with a short tickTime shortens the connect timeout with it (at most
  // ZooKeeper's default 5 s), which keeps liveness bounds, and so runs, short.
  p.cnx_timeout_ms = std::clamp<std::int64_t>(10 * p.tick_ms, 500, 5000);
  p.max_notification_interval_ms = std::clamp<std::int64_t>(8 * p.tick_ms, 400, 60'000);
  p.faults_from_ms = std::max<std::int64_t>(300, 2 * p.tick_ms);
  p.heal_ms = p.faults_from_ms + std::clamp<std::int64_t>(d.range(20, 80) * p.tick_ms, 2'000, 20'000);
  switch (d.weighted({25, 25, 20, 30})) {
    case 0: profile = "partitions"; p.partitions = p.links = true; break;
    case 1: profile = "crashes"; p.crashes = p.hangs = true; break;
    case 2: profile = "disk"; p.crashes = p.disk = true; break;
    case 3:
      profile = "everything";
      // Swarm testing: each kind of fault is on or off for the whole run.
      while (!(p.partitions || p.links || p.crashes || p.hangs || p.clocks)) {
        p.partitions = d.chance(0.5);
        p.links = d.chance(0.5);
        p.crashes = d.chance(0.5);
        p.hangs = d.chance(0.5);
        p.clocks = d.chance(0.5);
      }
      p.disk = d.chance(0.5);
      break;
  }
  p.out_of_model = spec.out_of_model;
  return p;
}

json draw_clients(Draw& d, const Plan& p) {
  json c;
  const std::int64_t workers = d.weighted({2, 3, 3, 2});  // 0..3 workload clients
  const std::int64_t think_ms = d.range(10, 200);
  c["count"] = workers + 1;  // + the probe client, last
  c["session_timeout_ms"] = d.range(4, 20) * p.tick_ms;
  if (d.chance(0.5)) c["request_timeout_ms"] = d.range(5, 20) * p.tick_ms;
  c["start_ms"] = p.faults_from_ms / 2;
  json w;
  // Enough operations to keep writing through the fault window, no more.
  w["ops_per_client"] = workers == 0 ? 0 : std::min<std::int64_t>(300, p.heal_ms / (think_ms + 5));
  w["think_time_ms"] = think_ms;
  w["keys"] = d.range(1, 16);
  if (d.chance(0.5)) {
    static const std::vector<std::string> kinds = {"create", "create_sequential", "create_ephemeral", "delete",
                                                   "set_data", "set_data_versioned", "get_data", "exists",
                                                   "get_children", "sync", "sync_read"};
    json mix = json::object();
    for (const auto& k : kinds) {
      if (d.chance(0.5)) mix[k] = d.range(1, 10);
    }
    if (mix.empty()) mix["set_data"] = 1;
    w["mix"] = mix;
  }
  c["workload"] = w;
  // The probe: a fresh client that starts at the heal and writes, so that every run demands
  // that writes commit after the heal (the liveness checker's write-commits), even when the
  // workload clients' sessions expired during the faults.
  json ops = json::array();
  for (int k = 0; k < 3; ++k) {
    ops.push_back({{"delay_ms", k == 0 ? 0 : 10}, {"op", "create"}, {"path", fmt::format("/probe{}", k)},
                   {"data", fmt::format("probe-{}", k)}});
  }
  c["scripts"] = json::array({{{"client", workers + 1}, {"start_ms", p.heal_ms}, {"ops", ops}}});
  return c;
}

// Pipelined clients and time inside the servers, from a stream of their own so that the draws
// above (and the runs without them) are what they were. Step costs here are not calibrated:
// they move the servers' role changes against each other, over the range measured on real
// servers (tools/calibration/: 1-40 ms).
void draw_time_inside(Draw d, json& s) {
  if (d.chance(0.3)) s["clients"]["in_flight"] = d.range(2, 4);
  if (d.chance(0.25)) {
    json costs = json::object();
    for (const char* key : {"role_exit_us", "leader_start_us", "follower_start_us"}) {
      json samples = json::array();
      const std::int64_t n = d.range(1, 3);
      for (std::int64_t k = 0; k < n; ++k) samples.push_back(d.range(0, 40) * 1000);
      costs[key] = samples;
    }
    s["cluster"]["step_costs"] = costs;
  }
}

json draw_disk(Draw& d, const Plan& p) {
  json disk = json::object();
  if (!p.disk) return disk;
  static const std::vector<std::string> losses = {"lose_all", "random_prefix", "torn_tail"};
  disk["crash_loss"] = losses[d.weighted({1, 2, 2})];
  disk["writeback_expire_ms"] = std::vector<std::int64_t>{0, 500, 5'000, 30'000}[d.weighted({2, 1, 1, 1})];
  disk["fsync_median_us"] = d.range(200, 5'000);
  disk["fsync_spike_probability"] = d.chance(0.5) ? 0.02 : 0.002;
  return disk;
}

}  // namespace

GeneratedRun generate_run(const CampaignSpec& spec, std::uint64_t index) {
  GeneratedRun run;
  run.index = index;
  run.seed = run_seed(spec.seed, index);
  Draw d(sim::Rng(run.seed).fork("fuzz/generate"));
  Draw cascade(sim::Rng(run.seed).fork("fuzz/cascade"));
  Plan p = draw_plan(d, spec, run.profile);

  json s;
  s["name"] = fmt::format("fuzz campaign {} run {}", spec.seed, index);
  s["description"] = fmt::format(
      "Generated by zabsim fuzz (profile {}): {} servers, tickTime {} ms; faults from {} ms, everything healed and "
      "restarted at {} ms, then the liveness bound ({} ms).",
      run.profile, p.servers, p.tick_ms, p.faults_from_ms, p.heal_ms, p.bound_ms());
  s["seed"] = run.seed;
  s["duration_ms"] = p.heal_ms + p.bound_ms() + 2 * p.tick_ms;
  json cluster;
  cluster["servers"] = p.servers;
  cluster["tick_time_ms"] = p.tick_ms;
  cluster["init_limit"] = p.init_limit;
  cluster["sync_limit"] = p.sync_limit;
  cluster["cnx_timeout_ms"] = p.cnx_timeout_ms;
  cluster["max_notification_interval_ms"] = p.max_notification_interval_ms;
  if (p.disk || d.chance(0.3)) cluster["snap_count"] = d.range(10, 300);  // snapshots, SNAP syncs
  if (!spec.mutations.empty()) cluster["mutations"] = spec.mutations;
  s["cluster"] = cluster;
  if (p.out_of_model) {
    s["network"] = {{"out_of_model",
                     {{"enabled", true},
                      {"drop_probability", d.range(0, 10) / 1000.0},
                      {"duplicate_probability", d.range(0, 10) / 1000.0},
                      {"reorder_probability", d.range(0, 10) / 1000.0}}}};
  }
  const json disk = draw_disk(d, p);
  if (!disk.empty()) s["disk"] = disk;
  s["clients"] = draw_clients(d, p);
  draw_time_inside(Draw(sim::Rng(run.seed).fork("fuzz/time-inside")), s);

  json faults = json::array();
  const std::int64_t count = d.range(1, p.disk ? 8 : 6);
  for (std::int64_t k = 0; k < count; ++k) {
    // Early enough that a triggered fault's delay still lands before the heal.
    const std::int64_t t = d.range(p.faults_from_ms, p.heal_ms - 2 * p.tick_ms - 1);
    std::vector<int> kinds;
    if (p.partitions) kinds.push_back(0);
    if (p.links) kinds.push_back(1);
    if (p.crashes) kinds.push_back(2);
    if (p.hangs) kinds.push_back(3);
    if (p.clocks) kinds.push_back(4);
    switch (d.pick(kinds)) {
      case 0: add_partition(d, p, t, faults); break;
      case 1: add_link_fault(d, p, t, faults); break;
      case 2: add_crash(d, cascade, p, t, faults); break;
      case 3: add_hang(d, p, t, faults); break;
      case 4: add_clock(d, p, t, faults); break;
    }
  }
  // The heal: every link, every hung server, every server that is down.
  faults.push_back(at(p.heal_ms, "heal"));
  for (std::uint32_t sv = 1; sv <= p.servers; ++sv) {
    json r = at(p.heal_ms, "resume");
    r["target"] = sv;
    faults.push_back(r);
    json st = at(p.heal_ms, "start");
    st["target"] = sv;
    faults.push_back(st);
  }
  s["faults"] = faults;
  s["liveness_bound_ms"] = p.bound_ms();
  if (p.out_of_model) s["expect"] = {{"out_of_model", true}};
  run.scenario = s;
  return run;
}

json run_parameters(const json& s) {
  json p;
  const json& c = s.at("cluster");
  p["servers"] = c.at("servers");
  p["tick_time_ms"] = c.at("tick_time_ms");
  p["init_limit"] = c.at("init_limit");
  p["sync_limit"] = c.at("sync_limit");
  p["duration_ms"] = s.at("duration_ms");
  const json& cl = s.at("clients");
  p["clients"] = cl.at("count");
  p["ops_per_client"] = cl.at("workload").at("ops_per_client");
  std::int64_t timed = 0, triggered = 0;
  for (const auto& f : s.at("faults")) (f.contains("on") ? triggered : timed) += 1;
  p["faults_timed"] = timed;
  p["faults_triggered"] = triggered;
  p["crash_loss"] = s.contains("disk") ? s["disk"].value("crash_loss", std::string("lose_all")) : "lose_all";
  return p;
}

}  // namespace zab::fuzz
