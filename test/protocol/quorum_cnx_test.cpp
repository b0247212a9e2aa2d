// QuorumCnxManager: the election port's connections, driven input by input, and in the world.

#include "protocol/election/quorum_cnx.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "protocol/base/codec.h"
#include "protocol/election/election.h"
#include "protocol/base/zab_trace.h"
#include "sim/world.h"
#include "test/support/election_node.h"
#include "test/support/events.h"

using namespace zab;
using namespace zab::sim;
using namespace zab::test;

namespace {
using Outs = std::vector<Output>;

ServerConfig config_for(std::uint64_t my_id, std::uint64_t n = 5) {
  ServerConfig c;
  c.my_id = ServerId{my_id};
  c.voters = voters_1_to(n);
  return c;
}
Bytes bytes(std::initializer_list<std::uint8_t> b) { return Bytes(b); }

template <class T>
std::vector<T> all(const Outs& out) {
  std::vector<T> found;
  for (const auto& o : out) {
    if (const auto* t = std::get_if<T>(&o)) found.push_back(*t);
  }
  return found;
}

in::ConnectionUp dialed_up(std::uint64_t conn, std::uint64_t sid) {
  return in::ConnectionUp{.conn = ConnId{conn}, .peer = Address{static_cast<std::uint32_t>(sid)},
                          .port = kElectionPort, .initiated_by_us = true,
                          .tag = QuorumCnxManager::connect_tag(ServerId{sid})};
}
in::ConnectionUp accepted_up(std::uint64_t conn, std::uint64_t sid) {
  return in::ConnectionUp{.conn = ConnId{conn}, .peer = Address{static_cast<std::uint32_t>(sid)},
                          .port = kElectionPort, .initiated_by_us = false};
}
in::Message initial_from(std::uint64_t conn, std::uint64_t sid) {
  return in::Message{ConnId{conn}, encode_initial_message(InitialMessage{
                                       .protocol_version = kProtocolVersionV1, .sid = ServerId{sid},
                                       .election_address = "s" + std::to_string(sid) + ":3888"})};
}
}  // namespace

TEST_CASE("initial message: round trip, bare old-style sid, and rejection of bad versions and lengths") {
  const Bytes b = encode_initial_message(
      InitialMessage{.protocol_version = kProtocolVersionV1, .sid = ServerId{4}, .election_address = "s4:3888"});
  const auto m = decode_initial_message(b);
  REQUIRE(m.has_value());
  CHECK(m->sid == ServerId{4});
  CHECK(m->election_address == "s4:3888");
  Writer bare;
  bare.i64(7);
  const auto old = decode_initial_message(bare.bytes());
  REQUIRE(old.has_value());
  CHECK(old->sid == ServerId{7});
  Writer bad_version;
  bad_version.i64(-5);
  bad_version.u64(4);
  bad_version.string("s4:3888");
  CHECK_FALSE(decode_initial_message(bad_version.bytes()).has_value());
  CHECK_FALSE(decode_initial_message(encode_initial_message(InitialMessage{
                                         .protocol_version = kProtocolVersionV1, .sid = ServerId{4}}))
                  .has_value());  // empty address
  CHECK_FALSE(decode_initial_message(Bytes(b.begin(), b.end() - 1)).has_value());
}

TEST_CASE("a message to ourselves loops back asynchronously, through a zero-length timer") {
  QuorumCnxManager m(config_for(2));
  Outs out;
  m.to_send(ServerId{2}, bytes({1, 2, 3}), out);
  CHECK(all<out::Connect>(out).empty());
  CHECK(all<out::Send>(out).empty());
  const auto timers = all<out::SetTimer>(out);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].id == QuorumCnxManager::kRecvTimerId);
  CHECK(timers[0].after == Duration{});
  Outs later;
  const auto got = m.on_recv_timer(later);
  REQUIRE(got.has_value());
  CHECK(got->sid == ServerId{2});
  CHECK(got->payload == bytes({1, 2, 3}));
}

TEST_CASE("received messages keep their order behind queued loopbacks, one per input") {
  QuorumCnxManager m(config_for(2));
  Outs out;
  m.on_connection_up(accepted_up(7, 4), out);
  CHECK_FALSE(m.on_message(initial_from(7, 4), out).has_value());
  m.to_send(ServerId{2}, bytes({1}), out);  // loopback queued
  CHECK_FALSE(m.on_message(in::Message{ConnId{7}, bytes({2})}, out).has_value());  // queued behind it
  const auto first = m.on_recv_timer(out);
  REQUIRE(first.has_value());
  CHECK(first->payload == bytes({1}));
  const auto second = m.on_recv_timer(out);
  REQUIRE(second.has_value());
  CHECK(second->payload == bytes({2}));
  CHECK(second->sid == ServerId{4});
  // With nothing queued, a network message is handed out at once.
  const auto third = m.on_message(in::Message{ConnId{7}, bytes({3})}, out);
  REQUIRE(third.has_value());
  CHECK(third->payload == bytes({3}));
}

TEST_CASE("the send queue holds one message per peer: a newer one replaces the older") {
  QuorumCnxManager m(config_for(3));
  Outs out;
  m.to_send(ServerId{1}, bytes({1}), out);
  m.to_send(ServerId{1}, bytes({2}), out);
  const auto connects = all<out::Connect>(out);
  REQUIRE(connects.size() == 1);  // one attempt in progress at a time
  CHECK(connects[0].port == kElectionPort);
  CHECK(connects[0].timeout == Duration::ms(5000));  // cnxTimeout
  CHECK(zab::testing::outputs_of<ev::CnxSendDropped>(out).size() == 1);
  Outs up;
  m.on_connection_up(dialed_up(9, 1), up);  // we are the larger sid: we keep it
  const auto sends = all<out::Send>(up);
  REQUIRE(sends.size() == 2);
  CHECK(Election::is_initial_message(sends[0].payload));
  CHECK(sends[1].payload == bytes({2}));
  CHECK(all<out::Close>(up).empty());
  CHECK(m.connected_peers() == std::vector<ServerId>{ServerId{1}});
}

TEST_CASE("a dialer with the smaller sid sends its initial message and hangs up") {
  QuorumCnxManager m(config_for(2));
  Outs out;
  m.to_send(ServerId{4}, bytes({1}), out);
  Outs up;
  m.on_connection_up(dialed_up(9, 4), up);
  const auto sends = all<out::Send>(up);
  REQUIRE(sends.size() == 1);
  const auto initial = decode_initial_message(sends[0].payload);
  REQUIRE(initial.has_value());
  CHECK(initial->sid == ServerId{2});
  REQUIRE(all<out::Close>(up).size() == 1);
  CHECK(m.connected_peers().empty());
  CHECK(m.has_queued(ServerId{4}));  // it waits for the larger sid to dial back
}

TEST_CASE("the larger sid drops a connection from a smaller one, tears down its old one, and dials back") {
  QuorumCnxManager m(config_for(4));
  Outs out;
  m.to_send(ServerId{2}, bytes({5}), out);
  m.on_connection_up(dialed_up(1, 2), out);  // our connection to s2
  REQUIRE(m.connected_peers() == std::vector<ServerId>{ServerId{2}});
  // s2 restarted and dials us: it believes it has no connection.
  Outs back;
  m.on_connection_up(accepted_up(2, 2), back);
  CHECK_FALSE(m.on_message(initial_from(2, 2), back).has_value());
  const auto closes = all<out::Close>(back);
  REQUIRE(closes.size() == 2);
  std::set<std::uint64_t> closed{closes[0].conn.value, closes[1].conn.value};
  CHECK(closed == std::set<std::uint64_t>{1, 2});
  const auto connects = all<out::Connect>(back);
  REQUIRE(connects.size() == 1);
  CHECK(connects[0].peer == Address{2});
  CHECK(m.connected_peers().empty());
  // The dial-back resends the last message sent to s2, as nothing newer is queued.
  Outs again;
  m.on_connection_up(dialed_up(3, 2), again);
  const auto sends = all<out::Send>(again);
  REQUIRE(sends.size() == 2);
  CHECK(sends[1].payload == bytes({5}));
  CHECK(zab::testing::outputs_of<ev::CnxResendLast>(again).size() == 1);
}

TEST_CASE("an accepted connection from a larger sid becomes its SendWorker and carries the queued message") {
  QuorumCnxManager m(config_for(2));
  Outs out;
  m.to_send(ServerId{5}, bytes({8}), out);
  m.on_connection_up(accepted_up(6, 5), out);
  CHECK(m.connected_peers().empty());  // not before its initial message
  Outs hs;
  CHECK_FALSE(m.on_message(initial_from(6, 5), hs).has_value());
  const auto sends = all<out::Send>(hs);
  REQUIRE(sends.size() == 1);
  CHECK(sends[0].conn == ConnId{6});
  CHECK(sends[0].payload == bytes({8}));
  CHECK(m.connected_peers() == std::vector<ServerId>{ServerId{5}});
  CHECK_FALSE(m.has_queued(ServerId{5}));
}

TEST_CASE("a broken connection is forgotten and not redialed until something is sent") {
  QuorumCnxManager m(config_for(3));
  Outs out;
  m.to_send(ServerId{1}, bytes({1}), out);
  m.on_connection_up(dialed_up(4, 1), out);
  Outs down;
  m.on_connection_down(in::ConnectionDown{ConnId{4}}, down);
  CHECK(m.connected_peers().empty());
  CHECK(all<out::Connect>(down).empty());
  CHECK_FALSE(m.owns(ConnId{4}));
  Outs send;
  m.to_send(ServerId{1}, bytes({2}), send);
  CHECK(all<out::Connect>(send).size() == 1);
}

TEST_CASE("a failed dial is not retried by itself; connectAll retries every peer with a queue") {
  QuorumCnxManager m(config_for(3));
  Outs out;
  m.to_send(ServerId{1}, bytes({1}), out);
  m.to_send(ServerId{2}, bytes({1}), out);
  Outs failed;
  m.on_connect_failed(in::ConnectFailed{Address{1}, QuorumCnxManager::connect_tag(ServerId{1})}, failed);
  m.on_connect_failed(in::ConnectFailed{Address{2}, QuorumCnxManager::connect_tag(ServerId{2})}, failed);
  CHECK(all<out::Connect>(failed).empty());
  Outs again;
  m.connect_all(again);
  CHECK(all<out::Connect>(again).size() == 2);
}

TEST_CASE("haveDelivered is true as soon as any send queue is empty (3.8.0), false with no queue") {
  QuorumCnxManager m(config_for(3));
  CHECK_FALSE(m.have_delivered());
  Outs out;
  m.to_send(ServerId{1}, bytes({1}), out);
  m.to_send(ServerId{2}, bytes({1}), out);
  CHECK_FALSE(m.have_delivered());  // both still queued
  m.on_connection_up(dialed_up(5, 1), out);  // s1's queue drains; s2's does not
  CHECK(m.has_queued(ServerId{2}));
  CHECK(m.have_delivered());
}

TEST_CASE("a frame of zero bytes ends the connection") {
  QuorumCnxManager m(config_for(2));
  Outs out;
  m.on_connection_up(accepted_up(3, 4), out);
  m.on_message(initial_from(3, 4), out);
  Outs bad;
  CHECK_FALSE(m.on_message(in::Message{ConnId{3}, Bytes{}}, bad).has_value());
  CHECK(all<out::Close>(bad).size() == 1);
  CHECK(m.connected_peers().empty());
}

TEST_CASE("in the world, the duplicate-connection rule leaves one connection per pair, dialed by the larger sid") {
  World w(51, {});
  auto e = add_election_ensemble(w, equal_specs(5));
  for (std::uint32_t a = 1; a <= 5; ++a) w.start(Address{a});
  w.run_until(SimTime::from_ms(5000));
  // Replay the world's own connection events: which connections are still open?
  std::map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> open;  // conn -> (dialer, acceptor)
  for (const auto& e : w.trace().events()) {
    if (const auto up = event_as<ev::ConnectionUp>(e); up && up->initiated) {
      open[up->conn] = {e.process, static_cast<std::uint32_t>(up->peer.value)};
    } else if (const auto closed = event_as<ev::Close>(e)) {
      open.erase(closed->conn);
    } else if (const auto down = event_as<ev::ConnectionDown>(e)) {
      open.erase(down->conn);
    }
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> per_pair;
  for (const auto& entry : open) {
    const auto conn = entry.first;  // not a structured binding: clang 14 cannot capture those
    const auto& ends = entry.second;
    CAPTURE(conn);
    CHECK(ends.first > ends.second);  // the larger sid dialed it
    ++per_pair[{std::min(ends.first, ends.second), std::max(ends.first, ends.second)}];
  }
  CHECK(per_pair.size() == 10);  // every pair of 5
  for (const auto& [pair, count] : per_pair) CHECK(count == 1);
  for (std::uint64_t sid = 1; sid <= 5; ++sid) CHECK(e[sid].connected_peers.size() == 4);
  // Along the way, smaller sids' dials were dropped and dialed back.
  std::size_t lost = 0;
  for (const auto& e : w.trace().events()) lost += is_event<ev::CnxChallengeLost>(e) ? 1 : 0;
  CHECK(lost > 0);
}

TEST_CASE("the Election claims only the election port's inputs and timers") {
  struct Peer final : ElectionPeer {
    ServerState peer_state() const override { return ServerState::kLooking; }
    Vote current_vote() const override { return {}; }
    Zxid last_logged_zxid() const override { return Zxid::zero(); }
    Epoch current_epoch() const override { return 0; }
  } peer;
  Election election(config_for(2), peer);
  const Clocks now{};
  Outs out;
  election.look_for_leader(now, out);
  CHECK_FALSE(election.step(now, in::ConnectionUp{.conn = ConnId{1}, .peer = Address{3}, .port = kQuorumPort}, out));
  CHECK_FALSE(election.step(now, in::ConnectFailed{Address{3}, 7}, out));
  CHECK_FALSE(election.step(now, in::Message{ConnId{1}, bytes({1})}, out));
  CHECK_FALSE(election.step(now, in::ConnectionDown{ConnId{1}}, out));
  CHECK_FALSE(election.step(now, in::TimerFired{timer_id(TimerSpace::kLeader, 1)}, out));
  CHECK_FALSE(election.step(now, in::FsyncDone{1}, out));
  CHECK(election.step(now, accepted_up(2, 5), out));
  CHECK(election.step(now, initial_from(2, 5), out));
  CHECK(election.step(now, in::TimerFired{QuorumCnxManager::kRecvTimerId}, out));  // our own vote
  CHECK(election.fle().running());
  CHECK(election.step(now, in::ConnectFailed{Address{3}, QuorumCnxManager::connect_tag(ServerId{3})}, out));
  CHECK(election.step(now, in::TimerFired{FastLeaderElection::kNotificationTimerId}, out));
}
