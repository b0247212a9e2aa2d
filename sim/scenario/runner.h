#pragma once
// Runs a scenario: builds the world (ensemble, clients, workloads), schedules the faults —
// at a time, or on a trigger, with roles like "leader" resolved when the fault fires — and
// runs to the scenario's end. What it did is kept for the report: the resolved faults, the
// clients' history, the trace.

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sim/client/history.h"
#include "sim/scenario/scenario.h"
#include "sim/world.h"

namespace zab::sim {

// Every event name a trigger may use: the world's and the servers' trace kinds.
std::vector<EventKindInfo> scenario_event_kinds();

struct FiredFault {
  SimTime at;
  const Fault* fault = nullptr;
  std::vector<std::uint32_t> targets;  // resolved server (or client) addresses; groups flattened
  std::string description;             // "crash s5 (leader)", "partition {s1,s2} | {s3,s4,s5}"
  bool skipped = false;                // the target role had no holder then ("no leader")
};

struct RunOptions {
  bool keep_trace_events = true;
  std::ostream* trace_jsonl = nullptr;
  bool whole_state_invariants = true;  // the servers' invariants pass (ServerConfig's)
};

class ScenarioRun {
 public:
  ScenarioRun(const Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});
  ~ScenarioRun();
  void run();
  // The same run, in 100 stretches of simulated time with `progress(now, end)` called after
  // each: the events and the trace are the same as run()'s.
  void run(const std::function<void(SimTime now, SimTime end)>& progress);

  const Scenario& scenario() const { return scenario_; }
  std::uint64_t seed() const { return seed_; }
  World& world() { return *world_; }
  const World& world() const { return *world_; }
  const History& history() const { return history_; }
  const std::vector<FiredFault>& fired() const { return fired_; }
  // Client i (from 1) has address kFirstClientAddress + i - 1.
  static constexpr std::uint32_t kFirstClientAddress = 101;
  // Probe k (from 1) is the client after the scenario's last: kFirstClientAddress + count + k - 1.
  bool is_probe(std::uint32_t address) const {
    return address >= kFirstClientAddress + scenario_.clients.count;
  }

 private:
  void add_clients();
  // A survivor probe (sim/client/probe.h) after a crash or hang of `hit`, started at once.
  void add_probe(std::uint32_t hit);
  void schedule_faults();
  void fire(const Fault& fault);
  std::vector<std::uint32_t> resolve(const Target& target, std::string& role_note);
  std::uint32_t current_leader() const;

  const Scenario& scenario_;
  std::uint64_t seed_;
  std::unique_ptr<World> world_;
  History history_;
  Rng fault_rng_;
  std::vector<FiredFault> fired_;
  std::uint32_t probes_ = 0;
};

}  // namespace zab::sim
