// `zabsim bench kernel`: the bare event kernel, schedule + pop of no-op events with a steady
// number of pending events, as JSON. Wall-clock time is read here, in a tool, and never
// reaches a simulated run.

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "sim/distributions.h"
#include "sim/event_queue.h"
#include "sim/rng.h"
#include "sim/scenario/runner.h"
#include "sim/world_event.h"
#include "tools/bench/bench_fuzz.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace zab::tools {

namespace {

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Keeps `pending` events queued; each pop schedules one new event a random 0..10 ms later.
nlohmann::ordered_json measure(std::uint64_t pending, std::uint64_t operations) {
  sim::EventQueue<sim::WorldEvent> queue;
  sim::Rng rng(42);
  for (std::uint64_t i = 0; i < pending; ++i) {
    queue.schedule(sim::SimTime::from_ns(static_cast<std::int64_t>(sim::uniform_below(rng, 10'000'000))),
                   sim::WorldEvent{.type = sim::WorldEventType::kAction, .a = i});
  }
  std::uint64_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < operations; ++i) {
    auto popped = queue.pop();
    checksum += popped.payload.a;
    const auto delay = static_cast<std::int64_t>(rng.next_u64() % 10'000'000);
    queue.schedule(popped.at + Duration::ns(delay), popped.payload);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::ordered_json j;
  j["pending_events"] = pending;
  j["schedule_pop_pairs"] = operations;
  j["seconds"] = seconds;
  j["events_per_second"] = static_cast<double>(operations) / seconds;
  j["checksum"] = checksum;  // keeps the loop from being optimised away
  return j;
}

// The demo scenario end to end (5 servers, 3 clients, faults), several seeds: simulated time
// per wall-clock second and trace events (every send, delivery, timer, disk operation and
// protocol event) per second.
nlohmann::ordered_json measure_run(const std::string& path, std::uint64_t runs, bool whole_state_invariants) {
  auto parsed = sim::load_scenario(path);
  nlohmann::ordered_json j;
  if (const auto* e = std::get_if<sim::ScenarioError>(&parsed)) {
    j["error"] = e->text();
    return j;
  }
  const sim::Scenario& scenario = std::get<sim::Scenario>(parsed);
  std::uint64_t events = 0, world_events = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = 1; seed <= runs; ++seed) {
    sim::ScenarioRun run(scenario, seed,
                         sim::RunOptions{.keep_trace_events = false, .whole_state_invariants = whole_state_invariants});
    run.run();
    events += run.world().trace().event_count();
    world_events += run.world().events_processed();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  j["scenario"] = path;
  j["runs"] = runs;
  j["simulated_seconds"] = static_cast<double>(scenario.duration_ms) / 1000.0 * static_cast<double>(runs);
  j["wall_seconds"] = seconds;
  j["simulated_per_wall"] = static_cast<double>(scenario.duration_ms) / 1000.0 * static_cast<double>(runs) / seconds;
  j["trace_events"] = events;
  j["trace_events_per_second"] = static_cast<double>(events) / seconds;
  j["world_events_per_second"] = static_cast<double>(world_events) / seconds;
  return j;
}

}  // namespace

int run_bench(const std::vector<std::string>& args) {
  po::options_description options("bench options");
  std::string which;
  std::uint64_t operations = 20'000'000;
  std::vector<std::size_t> sizes;
  std::uint64_t runs = 5000;
  unsigned jobs = 1;
  bool fast_invariants = false;
  options.add_options()("help,h", "show this help")(
      "fast-invariants", po::bool_switch(&fast_invariants),
      "run and fuzz: skip the whole-state invariants pass after each step (the data tree's full walk "
      "then runs every 1024th step of a server), to measure what it costs")(
      "which", po::value<std::string>(&which)->required(), "what to measure: kernel, run, checkers, fuzz")(
      "runs", uint_value<1, 1'000'000'000>(&runs, 5000), "fuzz: runs in the campaign")(
      "jobs", uint_value<1, kJobsMax>(&jobs, 1), "fuzz: worker processes")(
      "operations", uint_value<1, 1'000'000'000>(&operations, 20'000'000),
      "schedule+pop pairs per measurement")(
      "sizes", po::value<std::vector<std::size_t>>(&sizes)->multitoken(),
      "checkers: history sizes in operations (default 1000 10000 100000)");
  po::positional_options_description positional;
  positional.add("which", 1);
  po::variables_map vm;
  if (auto code = parse_options("bench", args, options, positional, vm,
                                "examples:\n  zabsim bench kernel\n  zabsim bench run    (from the source directory: runs scenarios/demo.json)\n"
                                "  zabsim bench checkers\n  zabsim bench checkers --sizes 1000 5000\n"
                                "  zabsim bench fuzz --runs 10000 --jobs 1\n")) {
    return *code;
  }
  if (which == "fuzz") {
    fmt::print("{}\n", bench_fuzz(runs, std::max(1u, jobs), !fast_invariants).dump(2));
    return kExitOk;
  }
  if (which == "run") {
    fmt::print("{}\n", measure_run("scenarios/demo.json", 20, !fast_invariants).dump(2));
    return kExitOk;
  }
  if (which == "checkers") {
    for (const std::size_t size : sizes) {
      // Also catches "-1", which Boost reads into a size_t as 2^64-1.
      if (size < 1 || size > 10'000'000) {
        fmt::print(stderr, "zabsim bench: --sizes: each size must be a whole number from 1 to 10000000\n");
        return kExitUsage;
      }
    }
    if (vm.count("sizes") != 0) return run_bench_checkers(sizes);
    return run_bench_checkers({1'000, 10'000, 100'000});
  }
  if (which != "kernel") {
    fmt::print(stderr, "zabsim bench: unknown benchmark '{}' (known: kernel, run, checkers, fuzz)\n", which);
    return kExitUsage;
  }
  nlohmann::ordered_json result;
  result["benchmark"] = "kernel";
  result["what"] = "EventQueue schedule + pop of no-op events, one core";
  for (std::uint64_t pending : {1'000ULL, 100'000ULL}) {
    result["runs"].push_back(measure(pending, operations));
  }
  // Memory per pending event: the structure's own bookkeeping, and the resident-set growth
  // measured while one million events are pending.
  const long rss_before = max_rss_kib();
  {
    sim::EventQueue<sim::WorldEvent> queue;
    for (std::int64_t i = 0; i < 1'000'000; ++i) {
      queue.schedule(sim::SimTime::from_ns(i), sim::WorldEvent{});
    }
    const long rss_after = max_rss_kib();
    result["bytes_per_pending_event_structural"] =
        sim::EventQueue<sim::WorldEvent>::bytes_per_pending_event();
    result["bytes_per_pending_event_measured"] =
        static_cast<double>(rss_after - rss_before) * 1024.0 / 1'000'000.0;
  }
  fmt::print("{}\n", result.dump(2));
  return kExitOk;
}

}  // namespace zab::tools
