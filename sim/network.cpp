#include "sim/network.h"

#include <algorithm>

#include "protocol/base/assert.h"
#include "sim/distributions.h"
#include "sim/hash.h"

namespace zab::sim {

Network::Network(NetworkConfig config, Rng rng, Trace& trace, NetworkHost& host)
    : config_(config),
      rng_(rng),
      out_of_model_rng_(rng.fork("out_of_model")),
      trace_(trace),
      host_(host) {}

Network::Link& Network::link(Address from, Address to) {
  const std::uint64_t key = link_key(from, to);
  auto it = links_.find(key);
  if (it == links_.end()) it = links_.emplace(key, Link{.rng = rng_.fork(key)}).first;
  return it->second;
}

bool Network::is_cut(Address from, Address to) const {
  auto it = links_.find(link_key(from, to));
  return it != links_.end() && it->second.cut;
}

std::vector<std::pair<Address, Address>> Network::cut_links() const {
  std::vector<std::pair<Address, Address>> result;
  for (const auto& [key, l] : links_) {
    if (l.cut) {
      result.emplace_back(Address{static_cast<std::uint32_t>(key >> 32)},
                          Address{static_cast<std::uint32_t>(key & 0xffffffffu)});
    }
  }
  return result;
}

Duration Network::sample_latency(Address from, Address to) {
  Link& l = link(from, to);
  const LatencyModel& m = l.model ? *l.model : config_.latency;
  double us = m.base_us + lognormal(l.rng, m.median_us, m.sigma);
  if (bernoulli(l.rng, m.spike_probability)) us += pareto(l.rng, m.spike_scale_us, m.spike_alpha);
  const double ns = us * 1000.0 * static_cast<double>(l.slow_percent) / 100.0;
  return Duration::ns(round_ns(ns, m.cap_us * 1000));
}

namespace {

// A message event (send, deliver, drop, ...): they all carry the same fields.
template <class E>
E message_event(ConnId conn, Address peer, const Bytes& payload) {
  return E{.conn = conn.value, .peer = ev::Process{peer.value}, .bytes = payload.size(),
           .payload_hash = hash_bytes(payload.data(), payload.size())};
}

}  // namespace

// --- connection establishment -------------------------------------------------------------

void Network::connect(Address from, Address to, Port port, std::uint64_t tag, Duration timeout) {
  ZAB_ASSERT(timeout > Duration{}, "a connect timeout must be positive");
  const std::uint64_t id = next_attempt_++;
  Attempt attempt{.from = from, .to = to, .port = port, .from_incarnation = host_.incarnation(from),
                  .tag = tag};
  attempt.timeout = host_.schedule(host_.now() + timeout,
                                   WorldEvent{.type = WorldEventType::kConnectTimeout,
                                              .process = from.value, .a = id});
  trace_.record(event_at(from, ev::Connect{.tag = tag, .peer = ev::Process{to.value}, .port = port}));
  // A SYN over a cut link is lost; the attempt then times out.
  if (!is_cut(from, to)) {
    host_.schedule(host_.now() + sample_latency(from, to),
                   WorldEvent{.type = WorldEventType::kSynArrives, .process = to.value, .a = id});
  }
  attempts_.emplace(id, attempt);
}

void Network::on_event(const WorldEvent& event) {
  switch (event.type) {
    case WorldEventType::kSynArrives: {
      auto it = attempts_.find(event.a);
      if (it == attempts_.end()) return;  // the initiator gave up or crashed meanwhile
      Attempt& attempt = it->second;
      const bool accepted = host_.listening(attempt.to, attempt.port);
      if (accepted) attempt.to_incarnation = host_.incarnation(attempt.to);
      if (!is_cut(attempt.to, attempt.from)) {
        host_.schedule(host_.now() + sample_latency(attempt.to, attempt.from),
                       WorldEvent{.type = WorldEventType::kConnectAnswer,
                                  .process = attempt.from.value, .a = event.a,
                                  .b = accepted ? 1u : 0u});
      }
      return;
    }
    case WorldEventType::kConnectAnswer: {
      auto it = attempts_.find(event.a);
      if (it == attempts_.end()) return;
      const Attempt attempt = it->second;
      attempts_.erase(it);
      host_.cancel(attempt.timeout);
      // The acceptor must still be the same incarnation that answered the SYN.
      const bool established = event.b == 1 && host_.listening(attempt.to, attempt.port) &&
                               host_.incarnation(attempt.to) == attempt.to_incarnation;
      if (!established) {
        const TraceEvent e = event_at(
            attempt.from, ev::ConnectFailed{.tag = attempt.tag, .peer = ev::Process{attempt.to.value},
                                            .reason = 1});  // refused
        host_.network_input(attempt.from, attempt.from_incarnation,
                            in::ConnectFailed{attempt.to, attempt.tag}, e);
        return;
      }
      const ConnId id{next_conn_++};
      Connection& c = connections_[id.value];
      c.id = id;
      c.port = attempt.port;
      c.ends[0] = attempt.from;
      c.ends[1] = attempt.to;
      c.incarnation[0] = attempt.from_incarnation;
      c.incarnation[1] = attempt.to_incarnation;
      // The acceptor learns of the connection when the handshake's last segment arrives,
      // ahead of any data the initiator sends: it goes into the FIFO first, before the
      // initiator hears of the connection and can send anything.
      enqueue(c, 0, ItemKind::kAccept, {}, 0);
      const TraceEvent e =
          event_at(attempt.from, ev::ConnectionUp{.conn = id.value, .peer = ev::Process{attempt.to.value},
                                                  .initiated = true, .tag = attempt.tag});
      host_.network_input(attempt.from, attempt.from_incarnation,
                          in::ConnectionUp{id, attempt.to, attempt.port, true, attempt.tag}, e);
      return;
    }
    case WorldEventType::kConnectTimeout: {
      auto it = attempts_.find(event.a);
      if (it == attempts_.end()) return;
      const Attempt attempt = it->second;
      attempts_.erase(it);
      const TraceEvent e = event_at(
          attempt.from, ev::ConnectFailed{.tag = attempt.tag, .peer = ev::Process{attempt.to.value},
                                          .reason = 2});  // timed out
      host_.network_input(attempt.from, attempt.from_incarnation,
                          in::ConnectFailed{attempt.to, attempt.tag}, e);
      return;
    }
    case WorldEventType::kDeliver:
      deliver(static_cast<std::uint32_t>(event.a));
      return;
    default:
      ZAB_ASSERT(false, "the network handles only connection and delivery events");
  }
}

// --- data ---------------------------------------------------------------------------------

void Network::send(Address from, ConnId conn, Bytes payload, std::uint16_t message_type,
                   std::string_view detail) {
  auto it = connections_.find(conn.value);
  if (it == connections_.end()) {
    // Gone on both sides already; the sender will hear (or has heard) of it. No peer is known.
    trace_.record(event_at(from, message_event<ev::Dropped>(conn, Address{0}, payload),
                           static_cast<std::uint16_t>(TraceDropReason::kReceiverGone)));
    return;
  }
  Connection& c = it->second;
  const int end = c.ends[0] == from && c.incarnation[0] == host_.incarnation(from) ? 0 : 1;
  ZAB_ASSERT(c.ends[end] == from && c.incarnation[end] == host_.incarnation(from),
             "a process may send only on connections of its own current incarnation");
  const Address peer = c.ends[1 - end];
  trace_.record(event_at(from, message_event<ev::Sent>(conn, peer, payload), message_type), detail);
  if (!c.open[end]) return;  // it closed its end or learned of a reset: the bytes go nowhere

  bool duplicate = false;
  bool reorder = false;
  if (config_.out_of_model.enabled) {
    // Always three draws, so changing one probability does not shift the others' outcomes.
    const bool drop = bernoulli(out_of_model_rng_, config_.out_of_model.drop_probability);
    duplicate = bernoulli(out_of_model_rng_, config_.out_of_model.duplicate_probability);
    reorder = bernoulli(out_of_model_rng_, config_.out_of_model.reorder_probability);
    if (drop) {
      out_of_model_used_ = true;
      trace_.record(event_at(from, message_event<ev::Dropped>(conn, peer, payload),
                             static_cast<std::uint16_t>(TraceDropReason::kOutOfModel)));
      return;
    }
    if (duplicate || reorder) {
      out_of_model_used_ = true;
      trace_.record(duplicate ? event_at(from, message_event<ev::Duplicated>(conn, peer, payload), message_type)
                              : event_at(from, message_event<ev::Reordered>(conn, peer, payload), message_type));
    }
  }
  const int direction = end;
  if (duplicate) enqueue(c, direction, ItemKind::kData, payload, message_type);
  if (reorder) {
    // Bypass the FIFO clamp: this message may overtake ones sent before it.
    const std::uint32_t index = [&] {
      enqueue(c, direction, ItemKind::kData, std::move(payload), message_type);
      return c.directions[direction].items.back();
    }();
    Item& item = items_[index];
    if (item.event.valid()) {
      host_.cancel(item.event);
      item.event = EventId{};
      schedule_item(c, direction, index, /*keep_fifo=*/false);
    }
    return;
  }
  enqueue(c, direction, ItemKind::kData, std::move(payload), message_type);
}

void Network::enqueue(Connection& c, int direction, ItemKind kind, Bytes payload,
                      std::uint16_t type) {
  std::uint32_t index;
  if (!free_items_.empty()) {
    index = free_items_.back();
    free_items_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(items_.size());
    items_.emplace_back();
  }
  Item& item = items_[index];
  item = Item{.conn = c.id, .direction = direction, .kind = kind, .payload = std::move(payload),
              .message_type = type, .event = EventId{}, .live = true};
  c.directions[direction].items.push_back(index);
  schedule_item(c, direction, index, /*keep_fifo=*/true);
}

void Network::schedule_item(Connection& c, int direction, std::uint32_t index, bool keep_fifo) {
  const Address from = c.ends[direction];
  const Address to = c.ends[1 - direction];
  if (is_cut(from, to)) return;  // stalled: TCP keeps retransmitting until the heal
  Direction& d = c.directions[direction];
  SimTime at = host_.now() + sample_latency(from, to);
  if (keep_fifo) {
    at = std::max(at, d.last_arrival);
    d.last_arrival = at;
  }
  items_[index].event =
      host_.schedule(at, WorldEvent{.type = WorldEventType::kDeliver, .process = to.value, .a = index});
}

void Network::free_item(std::uint32_t index) {
  Item& item = items_[index];
  ZAB_ASSERT(item.live, "an in-flight item is freed once");
  if (item.event.valid()) host_.cancel(item.event);
  item = Item{};
  free_items_.push_back(index);
}

void Network::deliver(std::uint32_t index) {
  Item& item = items_[index];
  ZAB_ASSERT(item.live, "a delivery event names a live in-flight item");
  item.event = EventId{};
  auto cit = connections_.find(item.conn.value);
  ZAB_ASSERT(cit != connections_.end(), "an in-flight item's connection exists until it drains");
  Connection& c = cit->second;
  Direction& d = c.directions[item.direction];
  if (!d.items.empty() && d.items.front() == index) {
    d.items.pop_front();
  } else {
    auto pos = std::find(d.items.begin(), d.items.end(), index);
    ZAB_ASSERT(pos != d.items.end(), "an in-flight item is listed in its direction");
    d.items.erase(pos);
  }
  const int receiver = 1 - item.direction;
  const Address to = c.ends[receiver];
  const Address from = c.ends[item.direction];
  const ConnId conn = c.id;
  if (!c.open[receiver]) {
    if (item.kind == ItemKind::kData) {
      trace_.record(event_at(to, message_event<ev::Dropped>(conn, from, item.payload),
                             static_cast<std::uint16_t>(TraceDropReason::kReceiverGone)));
    }
    free_item(index);
    maybe_erase(conn);
    return;
  }
  const std::uint32_t incarnation = c.incarnation[receiver];
  switch (item.kind) {
    case ItemKind::kAccept: {
      const TraceEvent e = event_at(to, ev::ConnectionUp{.conn = conn.value, .peer = ev::Process{from.value}});
      free_item(index);
      host_.network_input(to, incarnation, in::ConnectionUp{conn, from, c.port, false, 0}, e);
      return;
    }
    case ItemKind::kData: {
      const TraceEvent e = event_at(to, message_event<ev::Delivered>(conn, from, item.payload), item.message_type);
      Bytes payload = std::move(item.payload);
      free_item(index);
      host_.network_input(to, incarnation, in::Message{conn, std::move(payload)}, e);
      return;
    }
    case ItemKind::kFin:
    case ItemKind::kReset: {
      free_item(index);
      c.open[receiver] = false;
      drop_items_towards(c, receiver, TraceDropReason::kConnectionReset);
      const TraceEvent e = event_at(to, ev::ConnectionDown{.conn = conn.value, .peer = ev::Process{from.value}});
      maybe_erase(conn);  // may destroy `c`
      host_.network_input(to, incarnation, in::ConnectionDown{conn}, e);
      return;
    }
  }
}

// --- closing and faults -------------------------------------------------------------------

void Network::drop_items_towards(Connection& c, int end, TraceDropReason reason) {
  Direction& d = c.directions[1 - end];
  for (std::uint32_t index : d.items) {
    Item& item = items_[index];
    if (item.kind == ItemKind::kData) {
      trace_.record(event_at(c.ends[end], message_event<ev::Dropped>(c.id, c.ends[1 - end], item.payload),
                             static_cast<std::uint16_t>(reason)));
    }
    free_item(index);
  }
  d.items.clear();
}

void Network::end_closed(Connection& c, int end, ItemKind notice) {
  c.open[end] = false;
  drop_items_towards(c, end, TraceDropReason::kReceiverGone);
  // The FIN or RST follows any data already sent from this end.
  if (c.open[1 - end]) enqueue(c, end, notice, {}, 0);
}

void Network::maybe_erase(ConnId id) {
  auto it = connections_.find(id.value);
  if (it == connections_.end()) return;
  const Connection& c = it->second;
  if (c.open[0] || c.open[1]) return;
  for (const Direction& d : c.directions) {
    for (std::uint32_t index : d.items) free_item(index);
  }
  connections_.erase(it);
}

void Network::close(Address by, ConnId conn) {
  auto it = connections_.find(conn.value);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  const int end = c.ends[0] == by && c.incarnation[0] == host_.incarnation(by) ? 0 : 1;
  ZAB_ASSERT(c.ends[end] == by, "a process may close only its own connections");
  if (!c.open[end]) return;
  trace_.record(event_at(by, ev::Close{.conn = conn.value, .peer = ev::Process{c.ends[1 - end].value}}));
  end_closed(c, end, ItemKind::kFin);
  maybe_erase(conn);
}

void Network::process_crashed(Address process) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, c] : connections_) {
    if ((c.ends[0] == process && c.open[0]) || (c.ends[1] == process && c.open[1])) ids.push_back(id);
  }
  for (std::uint64_t id : ids) {
    Connection& c = connections_.at(id);
    for (int end = 0; end < 2; ++end) {
      if (c.ends[end] != process || !c.open[end]) continue;
      // A crash takes the machine's send buffers with it: what was already on the wire still
      // arrives, but what a cut link held back for retransmission never will.
      Direction& d = c.directions[end];
      for (auto it = d.items.begin(); it != d.items.end();) {
        if (items_[*it].event.valid()) {
          ++it;
          continue;
        }
        free_item(*it);
        it = d.items.erase(it);
      }
      end_closed(c, end, ItemKind::kReset);
    }
    maybe_erase(ConnId{id});
  }
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    if (it->second.from == process) {
      host_.cancel(it->second.timeout);
      it = attempts_.erase(it);
    } else {
      ++it;
    }
  }
}

void Network::reset_connections(Address a, Address b) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, c] : connections_) {
    if ((c.ends[0] == a && c.ends[1] == b) || (c.ends[0] == b && c.ends[1] == a)) ids.push_back(id);
  }
  for (std::uint64_t id : ids) {
    Connection& c = connections_.at(id);
    trace_.record(event_at(Address{0}, ev::ConnectionReset{.conn = id, .peer = ev::Process{c.ends[0].value}}));
    // An RST discards what is in flight both ways; each open end then hears of the reset.
    for (int end = 0; end < 2; ++end) drop_items_towards(c, end, TraceDropReason::kConnectionReset);
    for (int end = 0; end < 2; ++end) {
      if (c.open[end]) enqueue(c, 1 - end, ItemKind::kReset, {}, 0);
    }
  }
}

void Network::cut(Address from, Address to) {
  Link& l = link(from, to);
  if (l.cut) return;
  l.cut = true;
  trace_.record(event_at(Address{0}, ev::LinkCut{.from = ev::Process{from.value}, .to = ev::Process{to.value}}));
  // Packets on the wire are lost too; TCP will retransmit them after the heal.
  for (auto& [id, c] : connections_) {
    for (int dir = 0; dir < 2; ++dir) {
      if (c.ends[dir] != from || c.ends[1 - dir] != to) continue;
      for (std::uint32_t index : c.directions[dir].items) {
        Item& item = items_[index];
        if (item.event.valid()) host_.cancel(item.event);
        item.event = EventId{};
      }
    }
  }
}

void Network::heal(Address from, Address to) {
  Link& l = link(from, to);
  if (!l.cut) return;
  l.cut = false;
  trace_.record(event_at(Address{0}, ev::LinkHeal{.from = ev::Process{from.value}, .to = ev::Process{to.value}}));
  for (auto& [id, c] : connections_) {
    for (int dir = 0; dir < 2; ++dir) {
      if (c.ends[dir] != from || c.ends[1 - dir] != to) continue;
      for (std::uint32_t index : c.directions[dir].items) schedule_item(c, dir, index, true);
    }
  }
}

void Network::set_slow(Address from, Address to, std::uint32_t factor_percent) {
  ZAB_ASSERT(factor_percent > 0, "a slow factor must be positive (callers validate input)");
  link(from, to).slow_percent = factor_percent;
  trace_.record(event_at(Address{0}, ev::LinkSlow{.from = ev::Process{from.value}, .to = ev::Process{to.value},
                                                   .factor_percent = factor_percent}));
}

void Network::set_latency(Address from, Address to, const LatencyModel& model) {
  link(from, to).model = model;
}

}  // namespace zab::sim
