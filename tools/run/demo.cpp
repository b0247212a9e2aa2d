// `zabsim demo`: the simulated world on its own, with the toy pinger protocol: three processes
// ping each other and log what they receive durably, while a crash, a partition and a hang hit
// them. It shows what the world does (resets seen at once, hangs seen only by silence, stalled
// connections draining after a heal, unsynced writes lost) before any ZAB is involved.

#include <fmt/format.h>

#include <fstream>
#include <map>

#include "sim/toy/pinger.h"
#include "sim/world.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace zab::tools {

namespace {

// The line a timeline event prints, or "" for an event the timeline leaves out.
std::string describe(const sim::Trace& trace, const sim::TraceEvent& e) {
  const std::string who = trace.process_name(e.process);
  auto name = [&](ev::Process p) { return trace.process_name(static_cast<std::uint32_t>(p.value)); };
  if (const auto s = sim::event_as<ev::ProcessStart>(e)) {
    return fmt::format("{} starts (incarnation {}, {} durable bytes)", who, s->incarnation, s->durable_bytes);
  }
  if (const auto c = sim::event_as<ev::Crash>(e)) {
    return fmt::format("{} crashes; {} unsynced disk ops lost", who, c->disk_ops_lost);
  }
  if (sim::is_event<ev::Hang>(e)) return fmt::format("{} hangs (silent)", who);
  if (const auto r = sim::event_as<ev::Resume>(e)) {
    return fmt::format("{} resumes with {} held inputs", who, r->held_inputs);
  }
  if (const auto l = sim::event_as<ev::LinkCut>(e)) return fmt::format("link {} -> {} cut", name(l->from), name(l->to));
  if (const auto l = sim::event_as<ev::LinkHeal>(e)) {
    return fmt::format("link {} -> {} healed", name(l->from), name(l->to));
  }
  if (const auto r = sim::event_as<toy::Recovered>(e)) return fmt::format("{} recovers {} log records", who, r->records);
  if (const auto u = sim::event_as<toy::PeerUp>(e)) {
    return fmt::format("{} sees connection to {} up", who, trace.process_name(u->peer));
  }
  if (const auto d = sim::event_as<toy::PeerDown>(e)) {
    return fmt::format("{} sees connection to {} DOWN", who, trace.process_name(d->peer));
  }
  return "";
}

}  // namespace

int run_demo(const std::vector<std::string>& args) {
  po::options_description options("demo options");
  std::uint64_t seed = 1;
  std::string trace_file;
  options.add_options()("help,h", "show this help")(
      "seed", uint_value<0, UINT64_MAX>(&seed, 1), "the run's seed")(
      "trace", po::value<std::string>(&trace_file), "write the trace as JSON lines to this file");
  po::variables_map vm;
  if (auto code = parse_options("demo", args, options, {}, vm,
                                "example:\n  zabsim demo --seed 7 --trace demo.jsonl\n")) {
    return *code;
  }

  std::ofstream trace_out;
  sim::World world(seed, sim::WorldConfig{});
  if (!trace_file.empty()) {
    trace_out.open(trace_file);
    if (!trace_out) {
      fmt::print(stderr, "zabsim demo: cannot write trace file '{}'\n", trace_file);
      return kExitUsage;
    }
    world.trace().attach_jsonl(&trace_out);
  }
  const Address s1{1}, s2{2}, s3{3};
  for (Address a : {s1, s2, s3}) {
    toy::PingerConfig config;
    for (Address b : {s1, s2, s3}) {
      if (b.value > a.value) config.peers.push_back(b);  // one connection per pair
    }
    world.add_process(a, sim::ProcessConfig{.name = fmt::format("s{}", a.value)},
                      [config](const NodeContext& ctx) { return std::make_unique<toy::Pinger>(ctx, config); },
                      toy::pinger_trace_kinds());
  }
  for (Address a : {s1, s2, s3}) world.start(a);
  world.at(sim::SimTime::from_ms(1000), [&](sim::World& w) { w.crash(s3); });
  world.at(sim::SimTime::from_ms(1500), [&](sim::World& w) { w.start(s3); });
  world.at(sim::SimTime::from_ms(2000), [&](sim::World& w) { w.partition({{s1}, {s2, s3}}); });
  world.at(sim::SimTime::from_ms(3000), [&](sim::World& w) { w.heal_all(); });
  world.at(sim::SimTime::from_ms(3500), [&](sim::World& w) { w.hang(s2); });
  world.at(sim::SimTime::from_ms(4500), [&](sim::World& w) { w.resume(s2); });
  world.run_until(sim::SimTime::from_ms(5000));

  fmt::print("zabsim demo: three toy pinger processes; crash, partition and hang\n\n");
  fmt::print("{:>10}  {}\n", "time (ms)", "event");
  std::map<std::string, std::uint64_t> counts;
  for (const sim::TraceEvent& e : world.trace().events()) {
    counts[sim::trace_kind_name(e.kind)]++;
    const std::string line = describe(world.trace(), e);
    if (!line.empty()) fmt::print("{:>10.3f}  {}\n", static_cast<double>(e.time.us()) / 1000.0, line);
  }
  fmt::print("\nevents by kind:");
  for (const auto& [kind, n] : counts) fmt::print(" {}={}", kind, n);
  fmt::print("\n\nseed {} trace-hash {:016x} events {}\n", seed, world.trace_hash(),
             world.trace().event_count());
  return kExitOk;
}

}  // namespace zab::tools
