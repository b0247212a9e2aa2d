#pragma once
// The simulated network: TCP-like connections between processes.
//
// What TCP gives ZooKeeper, and so what this models in-model:
// - a connection is established by a handshake (one round trip for the initiator; the acceptor
//   learns of it when the initiator's first segment arrives), refused at once if nobody listens
//   (a crashed process: its host answers with RST), and timed out if nothing answers
//   (a partition);
// - bytes arrive whole, in order, exactly once per connection (FIFO): each message's arrival
//   is its sampled latency after sending, but never before the previous one's;
// - a cut link loses packets; TCP retransmits, so a connection over a cut link stalls and its
//   backlog arrives after the heal (connections are not reset by a partition);
// - a killed process's host resets its connections: peers see the reset one latency later
//   (after any data already on the wire), which is how ZooKeeper notices a dead leader fast.
// Messages on different connections are independent, so they reorder naturally.
//
// Out-of-model faults (drop, duplicate, reorder inside one connection) happen only when the
// configuration enables them; any use is recorded so every report can mark the run.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/base/io.h"
#include "sim/event_queue.h"
#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/world_event.h"

namespace zab::sim {

// One-way latency = base + lognormal(median, sigma), plus, with probability
// spike_probability, a Pareto(spike_scale, spike_alpha) spike; times the link's slow factor.
struct LatencyModel {
  double base_us = 50.0;
  double median_us = 150.0;
  double sigma = 0.4;
  double spike_probability = 0.001;
  double spike_scale_us = 2'000.0;
  double spike_alpha = 1.5;
  std::int64_t cap_us = 30'000'000;  // no single packet takes longer than this
};

struct OutOfModelFaults {
  bool enabled = false;  // nothing below happens unless this is set
  double drop_probability = 0.0;
  double duplicate_probability = 0.0;
  double reorder_probability = 0.0;
};

struct NetworkConfig {
  LatencyModel latency;
  OutOfModelFaults out_of_model;
};

// What the network needs from the world that hosts it.
class NetworkHost {
 public:
  virtual ~NetworkHost() = default;
  virtual SimTime now() const = 0;
  virtual EventId schedule(SimTime at, const WorldEvent& event) = 0;
  virtual void cancel(EventId id) = 0;
  // Whether the process accepts connections on `port`: it is up or hung (a stopped process's
  // kernel still completes handshakes) and has a listening socket on that port.
  virtual bool listening(Address process, Port port) const = 0;
  virtual std::uint32_t incarnation(Address process) const = 0;
  // Hand an input to the process's current incarnation `incarnation` (dropped if it changed).
  virtual void network_input(Address process, std::uint32_t incarnation, Input input,
                             const TraceEvent& event) = 0;
};

class Network {
 public:
  Network(NetworkConfig config, Rng rng, Trace& trace, NetworkHost& host);

  // Outputs of processes.
  void connect(Address from, Address to, Port port, std::uint64_t tag, Duration timeout);
  void send(Address from, ConnId conn, Bytes payload, std::uint16_t message_type,
            std::string_view detail = {});
  void close(Address by, ConnId conn);

  // Faults.
  void process_crashed(Address process);
  void reset_connections(Address a, Address b);  // every connection between a and b
  void cut(Address from, Address to);
  void heal(Address from, Address to);
  void set_slow(Address from, Address to, std::uint32_t factor_percent);
  void set_latency(Address from, Address to, const LatencyModel& model);

  // Events the world's queue hands back.
  void on_event(const WorldEvent& event);

  bool is_cut(Address from, Address to) const;
  std::vector<std::pair<Address, Address>> cut_links() const;
  bool out_of_model_used() const { return out_of_model_used_; }
  std::size_t open_connections() const { return connections_.size(); }
  std::size_t in_flight() const { return items_.size() - free_items_.size(); }

 private:
  enum class ItemKind : std::uint8_t { kAccept, kData, kFin, kReset };
  struct Item {
    ConnId conn;
    int direction = 0;  // travels from ends[direction] to ends[1 - direction]
    ItemKind kind = ItemKind::kData;
    Bytes payload;
    std::uint16_t message_type = 0;
    EventId event;  // valid while scheduled; invalid while stalled behind a cut link
    bool live = false;
  };
  struct Direction {
    std::deque<std::uint32_t> items;  // in send order
    SimTime last_arrival = SimTime::zero();
  };
  struct Connection {
    ConnId id;
    Port port = 0;                 // the acceptor's port
    Address ends[2];               // [0] initiated, [1] accepted
    std::uint32_t incarnation[2];  // each end belongs to one incarnation of its process
    bool open[2] = {true, true};   // an end is open until it closes, crashes or sees a reset
    Direction directions[2];
  };
  struct Attempt {
    Address from, to;
    Port port = 0;
    std::uint32_t from_incarnation = 0;
    std::uint32_t to_incarnation = 0;  // fixed when the SYN reaches a listening host
    std::uint64_t tag = 0;
    EventId timeout{};
  };
  struct Link {
    bool cut = false;
    std::uint32_t slow_percent = 100;
    std::optional<LatencyModel> model{};
    Rng rng{0};
  };

  Link& link(Address from, Address to);
  Duration sample_latency(Address from, Address to);
  void enqueue(Connection& c, int direction, ItemKind kind, Bytes payload, std::uint16_t type);
  void schedule_item(Connection& c, int direction, std::uint32_t index, bool keep_fifo);
  void drop_items_towards(Connection& c, int end, TraceDropReason reason);
  void free_item(std::uint32_t index);
  void end_closed(Connection& c, int end, ItemKind notice);
  void deliver(std::uint32_t index);
  void maybe_erase(ConnId id);
  // A world event of type E at `where`, now.
  template <class E>
  TraceEvent event_at(Address where, const E& event, std::uint16_t sub = 0) const {
    return world_event(host_.now(), where.value, event, sub);
  }
  static std::uint64_t link_key(Address from, Address to) {
    return (static_cast<std::uint64_t>(from.value) << 32) | to.value;
  }

  NetworkConfig config_;
  Rng rng_;            // the parent of every link's stream
  Rng out_of_model_rng_;
  Trace& trace_;
  NetworkHost& host_;
  std::map<std::uint64_t, Link> links_;
  std::map<std::uint64_t, Connection> connections_;  // ordered: iteration reaches the trace
  std::map<std::uint64_t, Attempt> attempts_;
  std::vector<Item> items_;
  std::vector<std::uint32_t> free_items_;
  std::uint64_t next_conn_ = 1;
  std::uint64_t next_attempt_ = 1;
  bool out_of_model_used_ = false;
};

}  // namespace zab::sim
