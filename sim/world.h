#pragma once
// The simulated world: one thread, one virtual clock, every process, the network and the
// disks, driven by one event queue ordered by (time, sequence). One seed decides everything.
//
// Processes run sans-IO nodes (protocol/base/io.h). The world turns a node's outputs into events
// (messages in flight, timers, fsync completions) and, when they come due, hands the node its
// inputs with the current readings of its own drifting clocks. Faults are methods here: the
// scenario layer and tests call them at chosen times or on triggers.

#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "protocol/base/io.h"
#include "sim/disk.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/process_clock.h"
#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/world_event.h"

namespace zab::sim {

// fsync latency = lognormal(median, sigma), plus a Pareto spike with spike_probability.
struct DiskConfig {
  double fsync_median_us = 1'000.0;
  double fsync_sigma = 0.5;
  double fsync_spike_probability = 0.002;
  double fsync_spike_scale_us = 20'000.0;
  double fsync_spike_alpha = 1.5;
  std::int64_t fsync_cap_us = 10'000'000;
  CrashLoss crash_loss = CrashLoss::kLoseAll;
  // Background durability without fsync, as Linux and ext4 provide it, every
  // `writeback_interval` (5 s: dirty_writeback_centisecs, and ext4's journal commit=5):
  // - the journal commits: every metadata change so far (create, rename, remove, truncate)
  //   becomes durable, with the earlier data of the inodes it touches (data=ordered);
  // - the flusher writes back unsynced data older than `writeback_expire` (30 s:
  //   dirty_expire_centisecs).
  // A zero `writeback_expire` turns both off: then only fsync makes anything durable.
  Duration writeback_expire = Duration::s(30);
  Duration writeback_interval = Duration::s(5);
};

// What a step of a process costs in simulated time: the process works that long after taking
// an input, and only then do its outputs take effect (messages leave, timers start, files are
// written, trace events are recorded); inputs arriving meanwhile wait, in order, as they wait
// for a busy thread. A crash during the work loses it. sim/step_costs.h has the servers' model.
class StepCostModel {
 public:
  virtual ~StepCostModel() = default;
  struct Cost {
    Duration time;            // zero: the outputs take effect at once, as without a model
    std::uint64_t cause = 0;  // the model's own code, for the trace (ev::Busy)
  };
  // The cost of the step that produced `outputs`; draws from `rng` only.
  virtual Cost cost(const std::vector<Output>& outputs, Rng& rng) = 0;
};
using StepCostFactory = std::function<std::unique_ptr<StepCostModel>()>;

struct ProcessConfig {
  std::string name;  // for traces and timelines: "s1", "c3"
  DiskConfig disk;
  std::int64_t clock_drift_ppm = 0;
  StepCostFactory step_costs;  // none: every step takes no time (one per incarnation)
};

// The most events a run may execute at one simulated instant. Work at one instant is
// zero-delay (a server's loopback notification, a trigger's fault): a protocol that keeps
// scheduling such work forever (ZOOKEEPER-1419's vote flipping) would stop the clock, so no
// timeout could fire and the run would never end. Correct runs stay far below this: the busiest
// instant of any library scenario (5 seeds each) was 200 events, of 10,000 fuzz runs 831
// (scenarios/bugs/unguarded-sid-tiebreak.md); a tripped run holds ~9 trace events per event.
inline constexpr std::uint64_t kDefaultInstantEventBudget = 100'000;

struct WorldConfig {
  NetworkConfig network;
  bool keep_trace_events = true;
  bool allow_out_of_model_disk = false;  // corrupt() asserts unless this is set
  // When the events run at one instant exceed this, the run stops: the world records
  // `time_stood_still` (a trace event only such a run has) and runs nothing more.
  std::uint64_t instant_event_budget = kDefaultInstantEventBudget;
};

using NodeFactory = std::function<std::unique_ptr<Node>(const NodeContext&)>;

enum class ProcessState : std::uint8_t { kDown, kUp, kHung };

class World final : private NetworkHost {
 public:
  World(std::uint64_t seed, WorldConfig config);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Adds a process (down until start()). Addresses are given by the caller, unique, non-zero.
  void add_process(Address address, ProcessConfig config, NodeFactory factory,
                   std::span<const TraceKindInfo> trace_kinds = {});

  // --- lifecycle faults ---
  void start(Address p);    // a new incarnation starts from what is durable on its disk
  void crash(Address p);    // SIGKILL: state and unsynced writes lost, connections reset
  void restart(Address p);  // crash (if up) and start again at once
  void hang(Address p);     // SIGSTOP: silent; inputs are held until resume
  void resume(Address p);
  void set_clock_drift(Address p, std::int64_t drift_ppm);
  void step_clock(Address p, Duration wall_step);

  // --- network faults ---
  void cut(Address from, Address to) { network_.cut(from, to); }
  void heal(Address from, Address to) { network_.heal(from, to); }
  // Cut every link between different groups, both ways; processes in no group are untouched.
  void partition(const std::vector<std::vector<Address>>& groups);
  void heal_all();
  void set_link_slow(Address from, Address to, std::uint32_t factor_percent) {
    network_.set_slow(from, to, factor_percent);
  }
  void reset_connections(Address a, Address b) { network_.reset_connections(a, b); }
  // Cut both directions of a-b for `down_for`, every `period`, from now until `until`.
  void flap(Address a, Address b, Duration period, Duration down_for, SimTime until);

  // sync(1) on every machine: all data written so far is durable. Scenarios use it once at
  // the start, so servers begin from an installed data directory (the files of their first
  // start on disk), as a deployed ensemble does.
  void sync_all_disks();

  // --- disk faults (out of model) ---
  bool corrupt(Address p, const std::string& file, std::uint64_t offset);

  // --- triggers ---
  // When an event matching `when` is recorded, run `action` once, right after the step (or
  // fault) that recorded it, before any other event: "crash s2 when it has persisted
  // acceptedEpoch". One-shot.
  void on_event(std::function<bool(const TraceEvent&)> when, std::function<void(World&)> action);

  // --- scheduling and running ---
  void at(SimTime when, std::function<void(World&)> action);
  void after(Duration delay, std::function<void(World&)> action) { at(now_ + delay, std::move(action)); }
  bool step();  // runs the next event; false if none is left or time stood still
  // Runs every event up to `end`, then sets the clock to `end` — unless time stood still
  // before it: then the clock stays at the instant where the budget tripped.
  void run_until(SimTime end);
  void run_for(Duration span) { run_until(now_ + span); }

  // --- observation ---
  SimTime now() const override { return now_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  std::uint64_t trace_hash() const { return trace_.hash(); }
  ProcessState state(Address p) const;
  std::uint32_t incarnation(Address p) const override;
  const Disk& disk(Address p) const;
  Node* node(Address p);  // tests of the world only; checkers read the trace
  const Network& network() const { return network_; }
  bool out_of_model_used() const { return network_.out_of_model_used() || disk_out_of_model_used_; }
  std::size_t pending_events() const { return queue_.size(); }
  std::uint64_t events_processed() const { return events_processed_; }
  // Whether the per-instant event budget tripped (and the run stopped there).
  bool time_stood_still() const { return time_stood_still_; }
  // The most events run at one simulated instant so far (how close a run came to the budget).
  std::uint64_t instant_events_max() const { return instant_events_max_; }
  Rng fork_rng(std::string_view stream) const { return root_rng_.fork(stream); }

 private:
  struct Timer {
    EventId event;
    LocalTime deadline;  // on the process's monotonic clock
  };
  struct FsyncInFlight {
    FsyncBarrier barrier;
    std::uint64_t tag = 0;    // the node's tag, returned in in::FsyncDone
    std::uint64_t file = 0;   // interned file name
    EventId event;
  };
  struct Held {
    Input input;
    TraceEvent event;
  };
  struct Process {
    Address address;
    ProcessConfig config;
    NodeFactory factory;
    std::unique_ptr<RandomSource> random;
    std::unique_ptr<Node> node;
    ProcessState state = ProcessState::kDown;
    std::uint32_t incarnation = 0;
    ProcessClock clock;
    Disk disk;
    Rng disk_rng;   // fsync latencies
    Rng crash_rng;  // what a crash loses
    std::map<std::uint64_t, Timer> timers;              // by the node's timer id
    std::map<std::uint64_t, FsyncInFlight> fsyncs;      // in flight, by request id
    std::deque<Held> held;                              // inputs held while hung or working
    std::unique_ptr<StepCostModel> step_costs;          // this incarnation's; null: none
    Rng cpu_rng;                                        // step costs
    bool working = false;                               // a costly step's outputs are pending
    bool work_done_while_hung = false;                  // its time ran out while hung
    std::vector<Output> pending;                        // the working step's outputs
    EventId work_event{};
    std::set<Port> listening;                           // ports with a listening socket
    std::uint64_t next_fsync_id = 1;
    SimTime last_fsync_done = SimTime::zero();  // one disk queue: fsyncs finish in order
    std::deque<std::pair<SimTime, std::uint64_t>> writeback_marks;  // (when, last op seq then)
  };

  Process& process(Address p);
  const Process& process(Address p) const;

  // NetworkHost
  EventId schedule(SimTime at, const WorldEvent& event) override { return queue_.schedule(at, event); }
  void cancel(EventId id) override { queue_.cancel(id); }
  bool listening(Address p, Port port) const override;
  void network_input(Address p, std::uint32_t incarnation, Input input, const TraceEvent& event) override;

  void dispatch(const WorldEvent& event);
  void deliver(Process& p, Input input, const TraceEvent& event);
  void finish_work(Process& p);
  void drain_held(Process& p);
  void apply(Process& p, Output& output);
  void set_timer(Process& p, std::uint64_t id, LocalTime deadline);
  void flusher_tick(Process& p);
  std::string detail_for(const Process& p, const Input& input) const;

  Rng root_rng_;
  WorldConfig config_;
  Trace trace_;
  EventQueue<WorldEvent> queue_;
  Network network_;
  std::map<std::uint32_t, Process> processes_;  // ordered by address
  std::vector<std::function<void(World&)>> actions_;
  std::vector<Output> outputs_;  // reused across steps
  SimTime now_ = SimTime::zero();
  std::uint64_t events_processed_ = 0;
  SimTime instant_ = SimTime::zero();  // the instant the last event ran at
  std::uint64_t instant_events_ = 0;   // events run at `instant_`
  std::uint64_t instant_events_max_ = 0;
  bool time_stood_still_ = false;
  bool disk_out_of_model_used_ = false;
  bool in_step_ = false;  // a node's step must not re-enter the world
  struct Trigger {
    std::function<bool(const TraceEvent&)> when;
    std::function<void(World&)> action;
    bool fired = false;
  };
  std::vector<Trigger> triggers_;
  std::vector<std::function<void(World&)>> fired_;  // to run once the current event is done
  void run_fired();
};

}  // namespace zab::sim
