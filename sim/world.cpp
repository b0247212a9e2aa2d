#include "sim/world.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "sim/distributions.h"
#include "sim/hash.h"

namespace zab::sim {

World::World(std::uint64_t seed, WorldConfig config)
    : root_rng_(seed),
      config_(config),
      trace_(config.keep_trace_events),
      network_(config.network, root_rng_.fork("network"), trace_, *this) {
  ZAB_ASSERT(config_.instant_event_budget > 0, "a run may execute at least one event at an instant");
  trace_.set_observer([this](const TraceEvent& e) {
    for (Trigger& t : triggers_) {
      if (!t.fired && t.when(e)) {
        t.fired = true;
        fired_.push_back(t.action);
      }
    }
  });
}

World::~World() = default;

World::Process& World::process(Address p) {
  auto it = processes_.find(p.value);
  ZAB_ASSERT(it != processes_.end(), "a fault or query names a process that was added");
  return it->second;
}

const World::Process& World::process(Address p) const {
  auto it = processes_.find(p.value);
  ZAB_ASSERT(it != processes_.end(), "a fault or query names a process that was added");
  return it->second;
}

void World::add_process(Address address, ProcessConfig config, NodeFactory factory,
                        std::span<const TraceKindInfo> trace_kinds) {
  ZAB_ASSERT(address.value != 0, "address 0 stands for the world itself in traces");
  ZAB_ASSERT(!processes_.contains(address.value), "process addresses are unique");
  ZAB_ASSERT(factory != nullptr, "a process needs a node factory");
  auto [it, inserted] = processes_.try_emplace(
      address.value,
      Process{.address = address,
              .config = config,
              .factory = std::move(factory),
              .disk_rng = root_rng_.fork("disk").fork(address.value),
              .crash_rng = root_rng_.fork("crash").fork(address.value),
              .cpu_rng = root_rng_.fork("cpu").fork(address.value)});
  Process& p = it->second;
  if (config.clock_drift_ppm != 0) p.clock.set_drift(now_, config.clock_drift_ppm);
  if (config.disk.writeback_expire > Duration{}) {
    ZAB_ASSERT(config.disk.writeback_interval > Duration{}, "the flusher runs at a positive interval");
    queue_.schedule(now_ + config.disk.writeback_interval,
                    WorldEvent{.type = WorldEventType::kWriteback, .process = address.value});
  }
  trace_.set_process_name(address.value, config.name.empty() ? "p" + std::to_string(address.value)
                                                             : config.name);
  trace_.add_protocol_kinds(trace_kinds);
}

ProcessState World::state(Address p) const { return process(p).state; }
std::uint32_t World::incarnation(Address p) const { return process(p).incarnation; }
const Disk& World::disk(Address p) const { return process(p).disk; }
Node* World::node(Address p) { return process(p).node.get(); }

bool World::listening(Address p, Port port) const {
  auto it = processes_.find(p.value);
  return it != processes_.end() && it->second.state != ProcessState::kDown &&
         it->second.listening.contains(port);
}

// --- lifecycle ----------------------------------------------------------------------------

void World::start(Address address) {
  Process& p = process(address);
  ZAB_ASSERT(p.state == ProcessState::kDown, "only a process that is down can start");
  ZAB_ASSERT(!in_step_, "faults are applied between steps, never from inside a node");
  ++p.incarnation;
  p.state = ProcessState::kUp;
  p.random = std::make_unique<RngSource>(
      root_rng_.fork("node").fork(address.value).fork(p.incarnation));
  p.node = p.factory(NodeContext{address, p.random.get()});
  ZAB_ASSERT(p.node != nullptr, "a node factory returns a node");
  p.step_costs = p.config.step_costs ? p.config.step_costs() : nullptr;
  DurableFiles files = p.disk.durable_files();
  ev::ProcessStart started{.incarnation = p.incarnation, .durable_files = files.size()};
  for (const auto& [name, bytes] : files) started.durable_bytes += bytes.size();
  deliver(p, in::Start{std::move(files)}, world_event(now_, address.value, started));
}

void World::crash(Address address) {
  Process& p = process(address);
  ZAB_ASSERT(!in_step_, "faults are applied between steps, never from inside a node");
  if (p.state == ProcessState::kDown) return;
  network_.process_crashed(address);
  for (auto& [id, timer] : p.timers) queue_.cancel(timer.event);
  p.timers.clear();
  // fsyncs still in flight never completed: what they covered is subject to the crash loss.
  for (auto& [id, fsync] : p.fsyncs) queue_.cancel(fsync.event);
  p.fsyncs.clear();
  const CrashOutcome outcome = p.disk.crash(p.config.disk.crash_loss, p.crash_rng);
  p.held.clear();
  // Work in progress dies with the process: its outputs never take effect.
  if (p.working) queue_.cancel(p.work_event);
  p.working = false;
  p.work_done_while_hung = false;
  p.pending.clear();
  p.step_costs.reset();
  p.listening.clear();
  p.node.reset();
  p.random.reset();
  p.state = ProcessState::kDown;
  trace_.record(world_event(now_, address.value,
                            ev::Crash{.incarnation = p.incarnation, .disk_ops_lost = outcome.ops_lost,
                                      .torn_bytes_kept = outcome.torn_bytes_kept}));
}

void World::restart(Address address) {
  crash(address);
  start(address);
}

void World::hang(Address address) {
  Process& p = process(address);
  if (p.state != ProcessState::kUp) return;
  p.state = ProcessState::kHung;
  trace_.record(world_event(now_, address.value, ev::Hang{}));
}

void World::resume(Address address) {
  Process& p = process(address);
  ZAB_ASSERT(!in_step_, "faults are applied between steps, never from inside a node");
  if (p.state != ProcessState::kHung) return;
  p.state = ProcessState::kUp;
  trace_.record(world_event(now_, address.value, ev::Resume{.held_inputs = p.held.size()}));
  // Work whose time ran out while stopped finishes first; then everything that arrived
  // meanwhile is handled, in arrival order, as a stopped process finds its socket buffers and
  // expired timers when it is continued.
  if (p.work_done_while_hung) {
    finish_work(p);
  } else {
    drain_held(p);
  }
}

void World::drain_held(Process& p) {
  while (!p.held.empty() && p.state == ProcessState::kUp && !p.working) {
    Held h = std::move(p.held.front());
    p.held.pop_front();
    h.event.time = now_;
    deliver(p, std::move(h.input), h.event);
  }
}

void World::finish_work(Process& p) {
  ZAB_ASSERT(p.working && p.state == ProcessState::kUp, "only a running process finishes its work");
  p.working = false;
  p.work_done_while_hung = false;
  std::vector<Output> outputs = std::move(p.pending);
  p.pending.clear();
  for (Output& output : outputs) apply(p, output);
  drain_held(p);
}

void World::set_clock_drift(Address address, std::int64_t drift_ppm) {
  Process& p = process(address);
  p.clock.set_drift(now_, drift_ppm);
  trace_.record(world_event(now_, address.value, ev::ClockDrift{.drift_ppm = drift_ppm}));
  // Pending timers keep their local deadlines; their global times move with the new rate.
  std::vector<std::pair<std::uint64_t, LocalTime>> deadlines;
  for (const auto& [id, timer] : p.timers) deadlines.emplace_back(id, timer.deadline);
  for (const auto& [id, deadline] : deadlines) set_timer(p, id, deadline);
}

void World::step_clock(Address address, Duration wall_step) {
  Process& p = process(address);
  p.clock.step_wall(wall_step);
  trace_.record(world_event(now_, address.value, ev::ClockStep{.step_ns = wall_step.count_ns()}));
}

// --- network faults -----------------------------------------------------------------------

void World::partition(const std::vector<std::vector<Address>>& groups) {
  for (std::size_t i = 0; i < groups.size(); ++i) {
    for (std::size_t j = 0; j < groups.size(); ++j) {
      if (i == j) continue;
      for (Address a : groups[i]) {
        for (Address b : groups[j]) network_.cut(a, b);
      }
    }
  }
}

void World::heal_all() {
  for (const auto& [from, to] : network_.cut_links()) network_.heal(from, to);
}

void World::flap(Address a, Address b, Duration period, Duration down_for, SimTime until) {
  ZAB_ASSERT(period > Duration{} && down_for < period,
             "a flapping link is down for less than its period (callers validate input)");
  for (SimTime t = now_; t < until; t = t + period) {
    at(t, [a, b](World& w) {
      w.cut(a, b);
      w.cut(b, a);
    });
    at(t + down_for, [a, b](World& w) {
      w.heal(a, b);
      w.heal(b, a);
    });
  }
}

void World::sync_all_disks() {
  for (auto& [address, p] : processes_) p.disk.sync_all();
}

bool World::corrupt(Address address, const std::string& file, std::uint64_t offset) {
  ZAB_ASSERT(config_.allow_out_of_model_disk,
             "disk corruption is out of model: the world must be configured to allow it");
  Process& p = process(address);
  const bool done = p.disk.corrupt(file, offset);
  if (done) {
    disk_out_of_model_used_ = true;
    trace_.record(world_event(now_, address.value,
                              ev::Corrupted{.file = ev::FileId{trace_.intern(file)}, .offset = offset}));
  }
  return done;
}

// --- the event loop -----------------------------------------------------------------------

void World::on_event(std::function<bool(const TraceEvent&)> when, std::function<void(World&)> action) {
  triggers_.push_back(Trigger{std::move(when), std::move(action)});
}

void World::run_fired() {
  // Actions may record events that fire further triggers; bounded by the trigger count.
  for (std::size_t round = 0; !fired_.empty(); ++round) {
    ZAB_ASSERT(round <= triggers_.size(), "each trigger fires at most once");
    std::vector<std::function<void(World&)>> fired = std::move(fired_);
    fired_.clear();
    for (auto& action : fired) action(*this);
  }
}

void World::at(SimTime when, std::function<void(World&)> action) {
  ZAB_ASSERT(when >= now_, "an action cannot be scheduled in the past");
  const std::uint64_t index = actions_.size();
  actions_.push_back(std::move(action));
  queue_.schedule(when, WorldEvent{.type = WorldEventType::kAction, .a = index});
}

bool World::step() {
  if (queue_.empty() || time_stood_still_) return false;
  auto popped = queue_.pop();
  ZAB_ASSERT(popped.at >= now_, "virtual time never runs backwards");
  now_ = popped.at;
  if (popped.at != instant_) {
    instant_ = popped.at;
    instant_events_ = 0;
  }
  if (instant_events_ == config_.instant_event_budget) {
    // Time stands still: the next event is again at this instant, and so it would go on. The
    // run ends here, and says so in the trace for the liveness checker.
    time_stood_still_ = true;
    trace_.record(world_event(now_, 0, ev::TimeStoodStill{.events = instant_events_}));
    fired_.clear();  // a trigger on it would act in a world that no longer runs
    return false;
  }
  ++instant_events_;
  instant_events_max_ = std::max(instant_events_max_, instant_events_);
  ++events_processed_;
  dispatch(popped.payload);
  run_fired();
  return true;
}

void World::run_until(SimTime end) {
  while (!time_stood_still_ && !queue_.empty() && queue_.next_time() <= end) step();
  if (!time_stood_still_ && end > now_) now_ = end;
}

void World::dispatch(const WorldEvent& event) {
  switch (event.type) {
    case WorldEventType::kSynArrives:
    case WorldEventType::kConnectAnswer:
    case WorldEventType::kConnectTimeout:
    case WorldEventType::kDeliver:
      network_.on_event(event);
      return;
    case WorldEventType::kTimer: {
      Process& p = process(Address{event.process});
      if (p.state == ProcessState::kDown || p.incarnation != event.incarnation) return;
      p.timers.erase(event.a);
      deliver(p, in::TimerFired{event.a}, world_event(now_, event.process, ev::TimerFired{.timer = event.a}));
      return;
    }
    case WorldEventType::kFsyncDone: {
      Process& p = process(Address{event.process});
      if (p.state == ProcessState::kDown || p.incarnation != event.incarnation) return;
      auto it = p.fsyncs.find(event.a);
      ZAB_ASSERT(it != p.fsyncs.end(), "an fsync completion names an fsync in flight");
      const FsyncInFlight fsync = it->second;
      p.fsyncs.erase(it);
      // The disk finishes even while the process is stopped; only the news waits.
      p.disk.fsync_complete(fsync.barrier);
      deliver(p, in::FsyncDone{fsync.tag},
              world_event(now_, event.process, ev::FsyncDone{.file = ev::FileId{fsync.file}, .tag = fsync.tag}));
      return;
    }
    case WorldEventType::kAction: {
      auto action = std::move(actions_[event.a]);
      actions_[event.a] = nullptr;
      action(*this);
      return;
    }
    case WorldEventType::kStart:
      start(Address{event.process});
      return;
    case WorldEventType::kWriteback:
      flusher_tick(process(Address{event.process}));
      return;
    case WorldEventType::kWorkDone: {
      Process& p = process(Address{event.process});
      if (p.state == ProcessState::kDown || p.incarnation != event.incarnation || !p.working) return;
      if (p.state == ProcessState::kHung) {
        p.work_done_while_hung = true;  // a stopped thread finishes when continued
        return;
      }
      finish_work(p);
      return;
    }
    case WorldEventType::kNone:
      break;
  }
  ZAB_ASSERT(false, "every world event has a type");
}

void World::flusher_tick(Process& p) {
  // Runs whether the process is up, hung or down: the machine's kernel does the writeback.
  const DiskConfig& dc = p.config.disk;
  // The periodic journal commit: like an fsync of no file in particular.
  const std::uint64_t unsynced_before = p.disk.unsynced_ops();
  p.disk.fsync_complete(FsyncBarrier{0, p.disk.last_op_seq()});
  std::uint64_t committed = unsynced_before - p.disk.unsynced_ops();
  p.writeback_marks.emplace_back(now_, p.disk.last_op_seq());
  std::uint64_t expired_seq = 0;
  while (!p.writeback_marks.empty() && p.writeback_marks.front().first + dc.writeback_expire <= now_) {
    expired_seq = p.writeback_marks.front().second;
    p.writeback_marks.pop_front();
  }
  if (expired_seq > 0) committed += p.disk.writeback(expired_seq);
  if (committed > 0) {
    trace_.record(world_event(now_, p.address.value, ev::Writeback{.ops = committed}));
  }
  queue_.schedule(now_ + dc.writeback_interval, WorldEvent{.type = WorldEventType::kWriteback, .process = p.address.value});
}

void World::network_input(Address address, std::uint32_t incarnation, Input input,
                          const TraceEvent& event) {
  Process& p = process(address);
  if (p.state == ProcessState::kDown || p.incarnation != incarnation) return;
  deliver(p, std::move(input), event);
}

std::string World::detail_for(const Process& p, const Input& input) const {
  if (const auto* m = std::get_if<in::Message>(&input)) return p.node->describe_message(m->payload);
  return {};
}

void World::deliver(Process& p, Input input, const TraceEvent& event) {
  if (p.state == ProcessState::kHung || p.working) {
    p.held.push_back(Held{std::move(input), event});
    return;
  }
  ZAB_ASSERT(p.state == ProcessState::kUp, "inputs reach only running processes");
  ZAB_ASSERT(!in_step_, "a node's step never re-enters the world");
  if (trace_.wants_detail()) {
    trace_.record(event, detail_for(p, input));
  } else {
    trace_.record(event);
  }
  in_step_ = true;
  outputs_.clear();
  p.node->step(p.clock.read(now_), std::move(input), outputs_);
  in_step_ = false;
  if (p.step_costs) {
    const StepCostModel::Cost cost = p.step_costs->cost(outputs_, p.cpu_rng);
    ZAB_ASSERT(cost.time >= Duration{}, "a step costs a non-negative time");
    if (cost.time > Duration{}) {
      trace_.record(world_event(now_, p.address.value, ev::Busy{.cost_ns = static_cast<std::uint64_t>(cost.time.count_ns()),
                                                               .cause = cost.cause}));
      p.working = true;
      p.pending = std::move(outputs_);
      outputs_.clear();
      p.work_event = queue_.schedule(now_ + cost.time, WorldEvent{.type = WorldEventType::kWorkDone,
                                                                  .process = p.address.value,
                                                                  .incarnation = p.incarnation});
      return;
    }
  }
  for (Output& output : outputs_) apply(p, output);
}

void World::set_timer(Process& p, std::uint64_t id, LocalTime deadline) {
  auto it = p.timers.find(id);
  if (it != p.timers.end()) queue_.cancel(it->second.event);
  const LocalTime mono_now = p.clock.read(now_).monotonic;
  const Duration local_wait = deadline > mono_now ? deadline - mono_now : Duration{};
  const EventId event = queue_.schedule(
      now_ + p.clock.global_for_local(local_wait),
      WorldEvent{.type = WorldEventType::kTimer, .process = p.address.value,
                 .incarnation = p.incarnation, .a = id});
  p.timers[id] = Timer{event, deadline};
}

void World::apply(Process& p, Output& output) {
  const std::uint32_t where = p.address.value;
  // A file's name is interned when its event is built, ahead of the disk operation: the
  // order of interning is part of the hash.
  auto file_id = [&](const std::string& file) { return ev::FileId{trace_.intern(file)}; };
  auto record = [&](const auto& event) { trace_.record(world_event(now_, where, event)); };
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, out::Connect>) {
          network_.connect(p.address, o.peer, o.port, o.tag, o.timeout);
        } else if constexpr (std::is_same_v<T, out::Send>) {
          const std::uint16_t type = p.node->message_type(o.payload);
          std::string detail;
          if (trace_.wants_detail()) detail = p.node->describe_message(o.payload);
          network_.send(p.address, o.conn, std::move(o.payload), type, detail);
        } else if constexpr (std::is_same_v<T, out::Close>) {
          network_.close(p.address, o.conn);
        } else if constexpr (std::is_same_v<T, out::Listen>) {
          p.listening.insert(o.port);
        } else if constexpr (std::is_same_v<T, out::Unlisten>) {
          p.listening.erase(o.port);
        } else if constexpr (std::is_same_v<T, out::SetTimer>) {
          ZAB_ASSERT(o.after >= Duration{}, "a timer is set for a non-negative span");
          set_timer(p, o.id, p.clock.read(now_).monotonic + o.after);
        } else if constexpr (std::is_same_v<T, out::CancelTimer>) {
          auto it = p.timers.find(o.id);
          if (it != p.timers.end()) {
            queue_.cancel(it->second.event);
            p.timers.erase(it);
          }
        } else if constexpr (std::is_same_v<T, out::Append>) {
          const ev::Appended e{.file = file_id(o.file), .bytes = o.bytes.size(),
                               .content_hash = hash_bytes(o.bytes.data(), o.bytes.size())};
          p.disk.append(o.file, o.bytes);
          record(e);
        } else if constexpr (std::is_same_v<T, out::WriteFile>) {
          const ev::FileWritten e{.file = file_id(o.file), .bytes = o.bytes.size(),
                                  .content_hash = hash_bytes(o.bytes.data(), o.bytes.size())};
          p.disk.write_file(o.file, o.bytes);
          record(e);
        } else if constexpr (std::is_same_v<T, out::Truncate>) {
          const ev::FileTruncated e{.file = file_id(o.file), .size = o.size};
          p.disk.truncate(o.file, o.size);
          record(e);
        } else if constexpr (std::is_same_v<T, out::Rename>) {
          const ev::FileId from = file_id(o.from);  // interned before `to`
          const ev::Renamed e{.file = from, .to = file_id(o.to)};
          p.disk.rename(o.from, o.to);
          record(e);
        } else if constexpr (std::is_same_v<T, out::Remove>) {
          const ev::Removed e{.file = file_id(o.file)};
          p.disk.remove(o.file);
          record(e);
        } else if constexpr (std::is_same_v<T, out::Fsync>) {
          const ev::Fsync e{.file = file_id(o.file), .tag = o.tag};
          record(e);
          const DiskConfig& dc = p.config.disk;
          double us = lognormal(p.disk_rng, dc.fsync_median_us, dc.fsync_sigma);
          if (bernoulli(p.disk_rng, dc.fsync_spike_probability)) {
            us += pareto(p.disk_rng, dc.fsync_spike_scale_us, dc.fsync_spike_alpha);
          }
          const Duration latency = Duration::ns(round_ns(us * 1000.0, dc.fsync_cap_us * 1000));
          const std::uint64_t id = p.next_fsync_id++;
          FsyncInFlight fsync{.barrier = p.disk.fsync_begin(o.file), .tag = o.tag, .file = e.file.value};
          p.last_fsync_done = std::max(now_ + latency, p.last_fsync_done);
          fsync.event = queue_.schedule(
              p.last_fsync_done, WorldEvent{.type = WorldEventType::kFsyncDone, .process = where,
                                         .incarnation = p.incarnation, .a = id});
          p.fsyncs.emplace(id, fsync);
        } else if constexpr (std::is_same_v<T, out::Trace>) {
          TraceEvent e{.time = now_, .process = where, .kind = TraceKind::kProtocol, .sub = o.kind};
          e.a = o.a;
          e.b = o.b;
          e.c = o.c;
          e.d = o.d;
          trace_.record(e);
        }
      },
      output);
}

}  // namespace zab::sim
