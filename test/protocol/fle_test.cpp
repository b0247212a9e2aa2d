// FastLeaderElection: the vote order and vote equality, the notification's wire format, and
// elections in the simulated world, named after what ZooKeeper 3.8.0 does
// (protocol/notes/fle.md).

#include "protocol/election/fle.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "protocol/base/zab_trace.h"
#include "test/support/events.h"
#include "sim/world.h"
#include "test/support/election_node.h"

using namespace zab;
using namespace zab::sim;
using namespace zab::test;

namespace {
SimTime ms(std::int64_t v) { return SimTime::from_ms(v); }
const ServerId s1{1}, s2{2}, s3{3};

using zab::testing::events_of;
using zab::testing::outputs_of;

// Runs an ensemble of n equal servers started together; returns it with the world.
struct Run {
  std::unique_ptr<World> world;
  ElectionEnsemble ensemble;
};
Run run_equal(std::size_t n, std::uint64_t seed, std::int64_t until_ms = 5000) {
  Run r{std::make_unique<World>(seed, WorldConfig{}), {}};
  r.ensemble = add_election_ensemble(*r.world, equal_specs(n));
  for (std::uint32_t a = 1; a <= n; ++a) r.world->start(Address{a});
  r.world->run_until(ms(until_ms));
  return r;
}

// Every server decided, exactly once, on the same leader and the same election epoch.
void check_all_agree(const ElectionEnsemble& e, std::size_t n, ServerId leader) {
  const std::int64_t round = e[1].current_vote.election_epoch;
  for (std::uint64_t sid = 1; sid <= n; ++sid) {
    CAPTURE(sid);
    REQUIRE(e[sid].outcomes.size() == 1);
    CHECK(e[sid].current_vote.id == leader);
    CHECK(e[sid].current_vote.election_epoch == round);
    CHECK(e[sid].state == (sid == leader.value ? ServerState::kLeading : ServerState::kFollowing));
  }
  CHECK(round >= 1);
}
}  // namespace

// --- the vote order and vote equality ---------------------------------------------------

TEST_CASE("vote order: a higher peerEpoch wins over any zxid and sid") {
  CHECK(total_order_predicate(s1, Zxid::make(1, 0), 2, s3, Zxid::make(1, 99), 1));
  CHECK_FALSE(total_order_predicate(s3, Zxid::make(1, 99), 1, s1, Zxid::make(1, 0), 2));
}

TEST_CASE("vote order: with equal peerEpochs the higher zxid wins over any sid") {
  CHECK(total_order_predicate(s1, Zxid::make(1, 5), 1, s3, Zxid::make(1, 4), 1));
  CHECK_FALSE(total_order_predicate(s3, Zxid::make(1, 4), 1, s1, Zxid::make(1, 5), 1));
}

TEST_CASE("vote order: with equal peerEpochs and zxids the higher sid wins; equal votes are not better") {
  CHECK(total_order_predicate(s2, Zxid::make(1, 5), 1, s1, Zxid::make(1, 5), 1));
  CHECK_FALSE(total_order_predicate(s1, Zxid::make(1, 5), 1, s2, Zxid::make(1, 5), 1));
  CHECK_FALSE(total_order_predicate(s2, Zxid::make(1, 5), 1, s2, Zxid::make(1, 5), 1));
}

TEST_CASE("vote order: the sid tie-break needs equal peerEpochs (ZOOKEEPER-1419)") {
  // Same zxid, higher sid, lower epoch: not better. The pre-1419 predicate said it was.
  CHECK_FALSE(total_order_predicate(s3, Zxid::make(1, 5), 1, s1, Zxid::make(1, 5), 2));
}

TEST_CASE("vote order: zxids compare as Java longs, so -1 loses to zero") {
  CHECK(total_order_predicate(s1, Zxid::zero(), 0, s3, kZxidMinusOne, 0));
  CHECK_FALSE(total_order_predicate(s3, kZxidMinusOne, 0, s1, Zxid::zero(), 0));
}

TEST_CASE("vote equality: LOOKING votes match on all four fields; out-of-election ones on id and peerEpoch") {
  const Vote looking = Vote::of(s3, Zxid::make(1, 2), 4, 1);
  Vote other_round = looking;
  other_round.election_epoch = 5;
  CHECK(same_vote(looking, looking));
  CHECK_FALSE(same_vote(looking, other_round));

  Vote following{.version = 2, .id = s3, .zxid = Zxid::make(1, 2), .election_epoch = 4, .peer_epoch = 1,
                 .state = ServerState::kFollowing};
  Vote leading = following;
  leading.state = ServerState::kLeading;
  leading.zxid = Zxid::make(1, 9);
  leading.election_epoch = 7;
  CHECK(same_vote(following, leading));  // zxid and round ignored (ZOOKEEPER-1805)
  leading.peer_epoch = 2;
  CHECK_FALSE(same_vote(following, leading));
  leading.version = 0;  // a pre-1732 peer: only the id counts
  CHECK(same_vote(following, leading));
  Vote looking_other_round = looking;
  looking_other_round.election_epoch = 9;
  Vote following_same = following;
  following_same.version = 2;
  CHECK(same_vote(following_same, looking));  // all four fields equal
  CHECK_FALSE(same_vote(following_same, looking_other_round));  // LOOKING on one side: the round counts
}

// --- the notification's wire format ---------------------------------------------------------

TEST_CASE("notification: version 2 encodes big-endian at fle.md's offsets and decodes back") {
  const Notification n{.state = ServerState::kFollowing, .leader = ServerId{3}, .zxid = Zxid::make(2, 7),
                       .election_epoch = 5, .peer_epoch = 2, .config = "server.1=a\nversion=0"};
  const Bytes b = encode_notification(n);
  REQUIRE(b.size() == kNotificationHeaderBytes + n.config.size());
  CHECK(b[3] == 1);   // state, int32 at 0
  CHECK(b[11] == 3);  // leader, int64 at 4
  CHECK(b[15] == 2);  // zxid's epoch, high half of the int64 at 12
  CHECK(b[19] == 7);
  CHECK(b[27] == 5);  // electionEpoch at 20
  CHECK(b[35] == 2);  // peerEpoch at 28
  CHECK(b[39] == 2);  // version at 36
  CHECK(b[43] == n.config.size());

  const auto d = decode_notification(ServerId{9}, b);
  REQUIRE(d.has_value());
  CHECK(d->state == n.state);
  CHECK(d->leader == n.leader);
  CHECK(d->zxid == n.zxid);
  CHECK(d->election_epoch == n.election_epoch);
  CHECK(d->peer_epoch == n.peer_epoch);
  CHECK(d->version == kNotificationVersion);
  CHECK(d->config == n.config);
  CHECK(d->sid == ServerId{9});  // from the connection, not the wire
}

TEST_CASE("notification: messages shorter than 28 bytes, truncated, or with a bad config length are rejected") {
  const Bytes good = encode_notification(Notification{.leader = ServerId{1}, .config = "version=0"});
  CHECK_FALSE(decode_notification(s1, Bytes(good.begin(), good.begin() + 27)).has_value());
  CHECK_FALSE(decode_notification(s1, Bytes{}).has_value());
  CHECK_FALSE(decode_notification(s1, Bytes(good.begin(), good.begin() + 33)).has_value());  // half a peerEpoch
  CHECK_FALSE(decode_notification(s1, Bytes(good.begin(), good.end() - 1)).has_value());     // config cut short
  Bytes negative = good;
  negative[40] = 0xff;  // configLength < 0
  CHECK_FALSE(decode_notification(s1, negative).has_value());
  CHECK(decode_notification(s1, good).has_value());
}

TEST_CASE("notification: the pre-3.4 28-byte and the 40-byte layouts are still accepted") {
  const Bytes v2 = encode_notification(Notification{.leader = ServerId{2}, .zxid = Zxid::make(3, 1),
                                                    .election_epoch = 1, .peer_epoch = 4});
  const auto old28 = decode_notification(s1, Bytes(v2.begin(), v2.begin() + 28));
  REQUIRE(old28.has_value());
  CHECK(old28->peer_epoch == 3);  // derived from the zxid
  CHECK(old28->version == 0);
  const auto old40 = decode_notification(s1, Bytes(v2.begin(), v2.begin() + 40));
  REQUIRE(old40.has_value());
  CHECK(old40->peer_epoch == 4);
  CHECK(old40->version == 0);  // not read
}

// --- FastLeaderElection driven input by input ------------------------------------------------

namespace {
// The QuorumPeer around a FastLeaderElection under test.
struct FakePeer final : ElectionPeer {
  ServerState state = ServerState::kLooking;
  Vote vote;
  Zxid zxid;
  Epoch epoch = 0;
  ServerState peer_state() const override { return state; }
  Vote current_vote() const override { return vote; }
  Zxid last_logged_zxid() const override { return zxid; }
  Epoch current_epoch() const override { return epoch; }
};

// Server 3 of three, with its QuorumCnxManager connected to nobody: every notification to a
// peer waits in its send queue, so the test sees what FLE sends through what it queues.
struct Harness {
  ServerConfig config;
  FakePeer peer;
  QuorumCnxManager manager;
  FastLeaderElection fle;
  std::vector<Output> out;

  explicit Harness(std::uint64_t my_id = 3)
      : config(make_config(my_id)), manager(config), fle(config, peer, manager) {}
  static ServerConfig make_config(std::uint64_t my_id) {
    ServerConfig c;
    c.my_id = ServerId{my_id};
    c.voters = voters_1_to(3);
    return c;
  }
  static Clocks at_ms(std::int64_t t) { return Clocks{LocalTime::from_ns(t * 1'000'000), LocalTime{}}; }

  void start(std::int64_t t_ms = 0) {
    fle.look_for_leader(at_ms(t_ms), out);
    loop_back(t_ms);
  }
  // Hands FLE whatever QuorumCnxManager looped back (the tests say when).
  void loop_back(std::int64_t t_ms) {
    while (manager.recv_queue_size() > 0) {
      auto m = manager.on_recv_timer(out);
      fle.on_message(at_ms(t_ms), *m, out);
    }
  }
  void receive(std::int64_t t_ms, std::uint64_t from, ServerState state, std::uint64_t leader,
               std::int64_t round, Zxid zxid = Zxid::zero(), std::int64_t peer_epoch = 0) {
    out.clear();
    const Bytes payload = encode_notification(Notification{.state = state, .leader = ServerId{leader}, .zxid = zxid,
                                                           .election_epoch = round, .peer_epoch = peer_epoch});
    fle.on_message(at_ms(t_ms), ElectionMessage{ServerId{from}, payload}, out);
  }
  void fire(std::int64_t t_ms, std::uint64_t id) {
    out.clear();
    fle.on_timer(at_ms(t_ms), id, out);
  }
  template <class E>
  bool traced() const {
    return !outputs_of<E>(out).empty();
  }
  // The timer set last in `out`, if any.
  std::optional<out::SetTimer> timer_set() const {
    std::optional<out::SetTimer> t;
    for (const auto& o : out) {
      if (const auto* s = std::get_if<out::SetTimer>(&o); s && timer_space(s->id) == TimerSpace::kElection) t = *s;
    }
    return t;
  }
  // The WorkerReceiver answers in `out`.
  std::vector<ev::FleReply> replies() const { return outputs_of<ev::FleReply>(out); }
};
}  // namespace

TEST_CASE("lookForLeader: a new round proposes ourselves and notifies every voter, ourselves included") {
  Harness h;
  h.peer.zxid = Zxid::make(1, 4);
  h.peer.epoch = 1;
  h.fle.look_for_leader(Harness::at_ms(0), h.out);
  CHECK(h.fle.logicalclock() == 1);
  CHECK(h.fle.proposal().id == ServerId{3});
  CHECK(h.fle.proposal().zxid == Zxid::make(1, 4));
  CHECK(h.fle.proposal().peer_epoch == 1);
  CHECK(h.manager.has_queued(ServerId{1}));
  CHECK(h.manager.has_queued(ServerId{2}));
  CHECK(h.manager.recv_queue_size() == 1);  // our own, on its way back
  const auto t = h.timer_set();
  REQUIRE(t.has_value());
  CHECK(t->id == FastLeaderElection::kNotificationTimerId);
  CHECK(t->after == Duration::ms(200));
}

TEST_CASE("finalize wait: a vote no better than ours is discarded and the 200 ms start over") {
  Harness h;
  h.start();
  h.receive(10, 1, ServerState::kLooking, 3, 1);  // s1 agrees: with our own vote, a quorum
  CHECK(h.fle.finalizing());
  CHECK(h.traced<ev::FleFinalizeWait>());
  h.receive(100, 2, ServerState::kLooking, 2, 1);  // s2 votes for itself: not better than 3
  CHECK(h.traced<ev::FleFinalizeDiscard>());
  REQUIRE(h.timer_set().has_value());
  CHECK(h.timer_set()->id == FastLeaderElection::kFinalizeTimerId);
  // A firing from before the restart (held while the process was stopped) is stale.
  h.fire(210, FastLeaderElection::kFinalizeTimerId);
  CHECK_FALSE(h.fle.take_result().has_value());
  h.fire(300, FastLeaderElection::kFinalizeTimerId);
  const auto result = h.fle.take_result();
  REQUIRE(result.has_value());
  CHECK(result->id == ServerId{3});
  CHECK(result->election_epoch == 1);
  CHECK_FALSE(h.fle.running());
}

TEST_CASE("finalize wait: a better vote ends the wait and the loop adopts it") {
  Harness h(2);  // we are s2
  h.start();
  h.receive(10, 1, ServerState::kLooking, 2, 1);
  CHECK(h.fle.finalizing());
  h.receive(50, 3, ServerState::kLooking, 3, 1);
  CHECK(h.traced<ev::FleFinalizeBroken>());
  CHECK(h.traced<ev::FleVoteChanged>());
  CHECK(h.fle.proposal().id == ServerId{3});
  CHECK_FALSE(h.fle.finalizing());  // s3's vote and ours: only two of three for 3 until our loopback
  h.loop_back(50);
  CHECK(h.fle.finalizing());
}

TEST_CASE("a LOOKING notification of a newer round moves logicalclock and is weighed against our initial vote") {
  Harness h(2);
  h.start();
  h.receive(10, 1, ServerState::kLooking, 1, 5);  // s1 in round 5, voting for itself
  CHECK(h.fle.logicalclock() == 5);
  CHECK(h.traced<ev::FleRoundAdvanced>());
  CHECK(h.fle.proposal().id == ServerId{2});  // s1's vote is not better than ours
  CHECK(h.fle.proposal().election_epoch == 5);
}

TEST_CASE("WorkerReceiver: a LOOKING sender in an older round gets our proposal and round") {
  Harness h;
  h.start();
  h.receive(5, 1, ServerState::kLooking, 2, 7);  // now we are in round 7
  h.receive(10, 2, ServerState::kLooking, 2, 3);
  const auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].to == s2);
  CHECK(r[0].state == ServerState::kLooking);
  CHECK(r[0].leader == s3);       // our proposal
  CHECK(r[0].election_epoch == 7);  // our round
  CHECK(h.traced<ev::FleIgnored>());                                     // and the stale vote does not count
}

TEST_CASE("WorkerReceiver: when not LOOKING we answer LOOKING senders with our vote and state, and nobody else") {
  Harness h;
  h.peer.state = ServerState::kFollowing;
  h.peer.vote = Vote::of(ServerId{2}, Zxid::make(1, 1), 4, 1);
  h.receive(0, 1, ServerState::kLooking, 1, 9);
  auto r = h.replies();
  REQUIRE(r.size() == 1);
  CHECK(r[0].to == s1);
  CHECK(r[0].state == ServerState::kFollowing);
  CHECK(r[0].leader == s2);
  CHECK(r[0].election_epoch == 4);  // the round our vote was elected in, not logicalclock (ZOOKEEPER-1732)
  h.receive(1, 1, ServerState::kFollowing, 2, 4);
  CHECK(h.replies().empty());
}

// --- elections in the simulated world -------------------------------------------------------

TEST_CASE("3 servers with equal history elect the highest sid and agree on leader and election epoch") {
  auto r = run_equal(3, 11);
  check_all_agree(r.ensemble, 3, ServerId{3});
}

TEST_CASE("5 servers with equal history elect the highest sid and agree on leader and election epoch") {
  auto r = run_equal(5, 12);
  check_all_agree(r.ensemble, 5, ServerId{5});
}

TEST_CASE("7 servers with equal history elect the highest sid and agree on leader and election epoch") {
  auto r = run_equal(7, 13);
  check_all_agree(r.ensemble, 7, ServerId{7});
}

TEST_CASE("the server with the highest zxid wins, whatever its sid") {
  World w(21, {});
  auto specs = equal_specs(5);
  for (auto& s : specs) {
    s.last_logged_zxid = Zxid::make(1, 10);
    s.current_epoch = 1;
  }
  specs[1].last_logged_zxid = Zxid::make(1, 11);  // s2
  auto e = add_election_ensemble(w, specs);
  for (std::uint32_t a = 1; a <= 5; ++a) w.start(Address{a});
  w.run_until(ms(5000));
  check_all_agree(e, 5, ServerId{2});
  CHECK(e[4].current_vote.zxid == Zxid::make(1, 11));
  CHECK(e[4].current_vote.peer_epoch == 1);
}

TEST_CASE("the server with the highest currentEpoch wins even with a lower zxid") {
  // s1 accepted NEWLEADER of epoch 2 but logged nothing in it: its zxid is still in epoch 1.
  World w(22, {});
  auto specs = equal_specs(3);
  for (auto& s : specs) {
    s.last_logged_zxid = Zxid::make(1, 50);
    s.current_epoch = 1;
  }
  specs[0].last_logged_zxid = Zxid::make(1, 40);
  specs[0].current_epoch = 2;
  auto e = add_election_ensemble(w, specs);
  for (std::uint32_t a = 1; a <= 3; ++a) w.start(Address{a});
  w.run_until(ms(5000));
  check_all_agree(e, 3, ServerId{1});
  CHECK(e[3].current_vote.peer_epoch == 2);
}

TEST_CASE("a server's own vote counts only after it loops back through its receive path") {
  // A single voter is a quorum by itself, yet it decides only after its own notification came
  // back (one zero-length timer later) and the finalize wait passed.
  World w(23, {});
  auto e = add_election_ensemble(w, equal_specs(1));
  w.start(Address{1});
  w.run_until(ms(1000));
  REQUIRE(e[1].outcomes.size() == 1);
  CHECK(e[1].state == ServerState::kLeading);
  const auto in = events_of<ev::FleNotificationIn>(w);
  REQUIRE(in.size() == 1);
  CHECK(in[0].event.from == s1);  // from ourselves
  const auto finished = events_of<ev::FleElectionFinished>(w);
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].time == ms(200));  // finalizeWait after the loopback at time 0
}

TEST_CASE("a lone LOOKING server backs off its notification timeout from 200 ms, doubling") {
  World w(24, {});
  auto e = add_election_ensemble(w, equal_specs(3));
  w.start(Address{1});  // s2 and s3 never start: every dial is refused
  w.run_until(ms(7000));
  CHECK(e[1].state == ServerState::kLooking);
  const auto timeouts = events_of<ev::FleTimeout>(w);
  REQUIRE(timeouts.size() == 5);  // at 200, 600, 1400, 3000, 6200 ms
  const std::int64_t expected_ms[] = {200, 600, 1400, 3000, 6200};
  for (std::size_t i = 0; i < timeouts.size(); ++i) {
    CHECK(timeouts[i].time == ms(expected_ms[i]));
    CHECK(timeouts[i].event.next_timeout_ms == (400 << i));  // the next timeout
    CHECK_FALSE(timeouts[i].event.resent);  // every send queue still holds a vote: connectAll, no re-send
  }
}

TEST_CASE("a server that starts late follows the elected leader through the out-of-election path") {
  // s1 and s2 elect s2. s3 starts later: although it has the highest sid, it joins s2 as a
  // follower from the FOLLOWING/LEADING answers (no finalize wait), in s2's round.
  World w(25, {});
  auto e = add_election_ensemble(w, equal_specs(3));
  w.start(Address{1});
  w.start(Address{2});
  w.at(ms(3000), [](World& world) { world.start(Address{3}); });
  w.run_until(ms(10000));
  REQUIRE(e[3].outcomes.size() == 1);
  CHECK(e[3].state == ServerState::kFollowing);
  CHECK(e[3].leader() == ServerId{2});
  CHECK(e[1].leader() == ServerId{2});
  CHECK(e[2].state == ServerState::kLeading);
  CHECK(e[3].current_vote.election_epoch == e[2].current_vote.election_epoch);
  const auto joined = events_of<ev::FleJoined>(w);
  REQUIRE(joined.size() == 1);
  CHECK(joined[0].process == 3);
  CHECK(joined[0].event.leader == s2);
  CHECK(e[3].outcomes[0].at - ms(3000) < Duration::ms(50));  // no finalizeWait on this path
}

TEST_CASE("after the leader crashes, the others look again and elect a new leader") {
  World w(26, {});
  auto specs = equal_specs(5);
  for (auto& s : specs) s.look_again = {Duration::ms(3000)};  // as on losing the leader
  auto e = add_election_ensemble(w, specs);
  for (std::uint32_t a = 1; a <= 5; ++a) w.start(Address{a});
  w.at(ms(2900), [](World& world) { world.crash(Address{5}); });
  w.run_until(ms(2800));
  for (std::uint64_t sid = 1; sid <= 5; ++sid) CHECK(e[sid].leader() == ServerId{5});
  w.run_until(ms(10000));
  const std::int64_t round = e[1].current_vote.election_epoch;
  for (std::uint64_t sid = 1; sid <= 4; ++sid) {
    CAPTURE(sid);
    REQUIRE(e[sid].outcomes.size() == 2);
    CHECK(e[sid].leader() == ServerId{4});
    CHECK(e[sid].current_vote.election_epoch == round);
    CHECK(e[sid].outcomes[1].at > ms(3000));
  }
  CHECK(round == 2);
  CHECK(e[4].state == ServerState::kLeading);
}

TEST_CASE("a minority partitioned away cannot finish an election while the majority can") {
  World w(27, {});
  auto e = add_election_ensemble(w, equal_specs(5));
  w.partition({{Address{1}, Address{2}}, {Address{3}, Address{4}, Address{5}}});
  for (std::uint32_t a = 1; a <= 5; ++a) w.start(Address{a});
  w.run_until(ms(20000));
  for (std::uint64_t sid : {3, 4, 5}) CHECK(e[sid].leader() == ServerId{5});
  CHECK(e[5].state == ServerState::kLeading);
  CHECK(e[1].state == ServerState::kLooking);
  CHECK(e[2].state == ServerState::kLooking);
  CHECK(e[1].outcomes.empty());
  CHECK(e[2].outcomes.empty());
  // Healed, the minority learns of the leader (within its backed-off notification timeout).
  w.heal_all();
  w.run_until(ms(120000));
  CHECK(e[1].state == ServerState::kFollowing);
  CHECK(e[2].state == ServerState::kFollowing);
  CHECK(e[1].leader() == ServerId{5});
  CHECK(e[2].leader() == ServerId{5});
  CHECK(e[5].outcomes.size() == 1);  // the leader never had to look again
}

TEST_CASE("election time at 5 servers is a few hundred ms, dominated by finalizeWait") {
  for (std::uint64_t seed : {31, 32, 33, 34, 35}) {
    CAPTURE(seed);
    auto r = run_equal(5, seed);
    check_all_agree(r.ensemble, 5, ServerId{5});
    SimTime last = SimTime::zero();
    for (std::uint64_t sid = 1; sid <= 5; ++sid) last = std::max(last, r.ensemble[sid].outcomes[0].at);
    CHECK(last >= ms(200));  // at least one finalizeWait
    CHECK(last < ms(500));
  }
}

TEST_CASE("elections are deterministic: the same seed gives the same trace hash") {
  auto a = run_equal(5, 41);
  auto b = run_equal(5, 41);
  auto c = run_equal(5, 42);
  CHECK(a.world->trace_hash() == b.world->trace_hash());
  CHECK(a.world->trace().events().size() == b.world->trace().events().size());
  CHECK(a.world->trace_hash() != c.world->trace_hash());
}
