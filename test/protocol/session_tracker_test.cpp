#include "protocol/database/session_tracker.h"

#include <doctest/doctest.h>

#include <limits>

using namespace zab;

namespace {

ServerConfig config(std::uint64_t sid = 1) {
  ServerConfig c;
  c.my_id = ServerId{sid};
  c.voters = {ServerId{1}, ServerId{2}, ServerId{3}};
  c.tick_time_ms = 2000;
  return c;
}

}  // namespace

TEST_CASE("a session id carries the server id in its top byte and the clock below it") {
  // ((now << 24) >>> 8) | (sid << 56)
  CHECK(SessionTracker::initialize_next_session_id(ServerId{1}, 0x12345).value ==
        static_cast<std::int64_t>((1ULL << 56) | (0x12345ULL << 16)));
  // Only the clock's low 40 bits survive, and never into the server id's byte (ZOOKEEPER-1622).
  CHECK(SessionTracker::initialize_next_session_id(ServerId{3}, -1).value ==
        static_cast<std::int64_t>((3ULL << 56) | 0x00FFFFFFFFFF0000ULL));
  // Long.MIN_VALUE is the container owner: bumped by one.
  CHECK(SessionTracker::initialize_next_session_id(ServerId{128}, 0).value ==
        std::numeric_limits<std::int64_t>::min() + 1);
}

TEST_CASE("createSession hands out consecutive ids from the seed and tracks them") {
  SessionTracker t(config(2), 5000);
  const std::int64_t seed = SessionTracker::initialize_next_session_id(ServerId{2}, 5000).value;
  const SessionId a = t.create_session(4000, 5000);
  const SessionId b = t.create_session(4000, 5000);
  CHECK(a.value == seed);
  CHECK(b.value == seed + 1);
  CHECK(t.is_tracking(a));
  CHECK(t.check_session(b) == Err::kOk);
  CHECK(t.timeout_ms(a) == 4000);
  t.check_invariants();
}

TEST_CASE("the negotiated timeout is clamped into 2 to 20 ticks, or the configured bounds") {
  SessionTracker t(config(), 0);
  CHECK(t.negotiate_timeout_ms(100) == 4000);
  CHECK(t.negotiate_timeout_ms(10000) == 10000);
  CHECK(t.negotiate_timeout_ms(1'000'000) == 40000);
  ServerConfig c = config();
  c.min_session_timeout_ms = 3000;
  c.max_session_timeout_ms = 5000;
  SessionTracker u(c, 0);
  CHECK(u.negotiate_timeout_ms(100) == 3000);
  CHECK(u.negotiate_timeout_ms(9000) == 5000);
}

TEST_CASE("expiry is rounded up to the next tick boundary strictly after now plus the timeout") {
  SessionTracker t(config(), 1000);
  const SessionId s = t.create_session(4000, 1000);
  CHECK(t.expiry_time_ms(s) == 6000);  // roundToNextInterval(5000)
  CHECK(t.next_expiry_ms() == 6000);
  // Exactly on a boundary still goes to the next one: (4000 / 2000 + 1) x 2000.
  SessionTracker u(config(), 0);
  const SessionId v = u.create_session(4000, 0);
  CHECK(u.expiry_time_ms(v) == 6000);
}

TEST_CASE("a session expires when its bucket is due, not a millisecond before, and is then closing") {
  SessionTracker t(config(), 1000);
  const SessionId s = t.create_session(4000, 1000);
  CHECK(t.expire(5999).empty());
  CHECK(t.check_session(s) == Err::kOk);
  const auto expired = t.expire(6000);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0] == s);
  CHECK(t.is_closing(s));
  CHECK(t.check_session(s) == Err::kSessionExpired);
  CHECK_FALSE(t.touch_session(s, 6001));  // ZooKeeper drops the request
  CHECK(t.is_tracking(s));                // until the closeSession txn is applied
  CHECK(t.expire(100000).empty());        // it expires once
  t.remove_session(s);
  CHECK_FALSE(t.is_tracking(s));
  CHECK_FALSE(t.next_expiry_ms().has_value());
  t.check_invariants();
}

TEST_CASE("touching a session moves it to a later bucket") {
  SessionTracker t(config(), 0);
  const SessionId s = t.create_session(4000, 0);
  CHECK(t.touch_session(s, 3000));
  CHECK(t.expiry_time_ms(s) == 8000);  // roundToNextInterval(7000)
  CHECK(t.expire(6000).empty());
  CHECK(t.expire(7999).empty());
  CHECK(t.expire(8000) == std::vector<SessionId>{s});
}

TEST_CASE("a late expire sweeps every due bucket, oldest first, ids in order within a bucket") {
  SessionTracker t(config(), 0);
  const SessionId a = t.create_session(8000, 0);  // bucket 10000
  const SessionId b = t.create_session(4000, 0);  // bucket 6000
  const SessionId c = t.create_session(4000, 0);  // bucket 6000
  const SessionId d = t.create_session(20000, 0); // bucket 22000
  CHECK(t.next_expiry_ms() == 6000);
  const auto expired = t.expire(12345);
  CHECK(expired == std::vector<SessionId>{b, c, a});
  CHECK_FALSE(t.is_closing(d));
  CHECK(t.next_expiry_ms() == 22000);
  t.check_invariants();
}

TEST_CASE("unknown and closing sessions are SESSIONEXPIRED and cannot be touched") {
  SessionTracker t(config(), 0);
  CHECK(t.check_session(SessionId{42}) == Err::kSessionExpired);
  CHECK_FALSE(t.touch_session(SessionId{42}, 0));
  const SessionId s = t.create_session(4000, 0);
  t.set_session_closing(s);
  CHECK(t.check_session(s) == Err::kSessionExpired);
  CHECK_FALSE(t.touch_session(s, 10));
  CHECK(t.expiry_time_ms(s) == 6000);  // the refused touch changed nothing
}

TEST_CASE("trackSession adds a learner's session once and later only re-buckets it") {
  SessionTracker t(config(), 0);
  const SessionId s{0x0200000000000001};
  CHECK(t.track_session(s, 10000, 0));
  CHECK(t.expiry_time_ms(s) == 12000);
  CHECK_FALSE(t.track_session(s, 4000, 3000));
  CHECK(t.timeout_ms(s) == 10000);
  CHECK(t.expiry_time_ms(s) == 8000);  // roundToNextInterval(3000 + 4000)
}

TEST_CASE("a new leader's tracker re-arms every committed session with a full timeout from its start") {
  const std::map<SessionId, std::int32_t> committed = {{SessionId{7}, 4000}, {SessionId{9}, 10000}};
  SessionTracker t(config(), 50000, committed);
  CHECK(t.session_count() == 2);
  CHECK(t.expiry_time_ms(SessionId{7}) == 56000);
  CHECK(t.expiry_time_ms(SessionId{9}) == 62000);
  CHECK(t.expire(55999).empty());
  CHECK(t.expire(56000) == std::vector<SessionId>{SessionId{7}});
}
