// Fast Leader Election's vocabulary: the vote order and vote equality and the notification's
// wire format, named after what ZooKeeper 3.8.0 does
// (protocol/notes/fle.md).

#include "protocol/notification.h"
#include "protocol/vote.h"

#include <doctest/doctest.h>

using namespace zab;

namespace {
const ServerId s1{1}, s2{2}, s3{3};
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

