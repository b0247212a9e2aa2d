#pragma once
// The leader's session tracker: ZooKeeper's SessionTrackerImpl (as LeaderSessionTracker uses it
// with local sessions off, the default) over an ExpiryQueue. Session ids, timeout negotiation,
// expiry buckets, the closing mark. Sans-IO: every time is a plain millisecond reading of the
// leader's MONOTONIC clock (ZooKeeper's Time.currentElapsedTime) passed in by the caller; the
// caller sets a timer for next_expiry_ms() and calls expire() when it fires.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/base/config.h"
#include "protocol/base/ids.h"
#include "protocol/database/txn.h"

namespace zab {

// ExpiryQueue: elements in buckets of width `expiration_interval_ms`; an element touched at `now`
// with timeout T lands in the bucket roundToNextInterval(now + T), so it expires between T and
// T + interval after its last touch, and expiry work happens at most once per interval.
class ExpiryQueue {
 public:
  ExpiryQueue(std::int64_t expiration_interval_ms, std::int64_t now_ms);

  // ExpiryQueue.roundToNextInterval: the first bucket boundary strictly after `time_ms`.
  std::int64_t round_to_next_interval(std::int64_t time_ms) const {
    ZAB_ASSERT(expiration_interval_ms_ > 0, "the expiry bucket width (tickTime) is positive");
    const std::int64_t next_ms = (time_ms / expiration_interval_ms_ + 1) * expiration_interval_ms_;
    ZAB_ASSERT(next_ms > time_ms, "the next bucket boundary lies strictly after the time");
    return next_ms;
  }

  // ExpiryQueue.update: move `session` to the bucket for now + timeout. Returns the new expiry
  // time, or nullopt if it stays in the bucket it was in.
  std::optional<std::int64_t> update(SessionId session, std::int32_t timeout_ms, std::int64_t now_ms);
  // ExpiryQueue.remove: forget `session`; returns the expiry time it had, if any.
  std::optional<std::int64_t> remove(SessionId session);
  // The expiry time `session` was last given (kept after its bucket expired, as in ZooKeeper).
  std::optional<std::int64_t> expiry_time_ms(SessionId session) const;

  // The earliest non-empty bucket's time: when poll_expired() next has something to return.
  std::optional<std::int64_t> next_expiry_ms() const;
  // ExpiryQueue.poll, repeated while getWaitTime() is 0 (SessionTrackerImpl.run): take every
  // bucket due at `now_ms`, oldest bucket first, sessions within a bucket in id order
  // (ZooKeeper: HashSet order). Advances nextExpirationTime past now.
  std::vector<SessionId> poll_expired(std::int64_t now_ms);

  std::int64_t expiration_interval_ms() const { return expiration_interval_ms_; }
  std::int64_t next_expiration_time_ms() const { return next_expiration_time_ms_; }

  void check_invariants() const;

 private:
  std::int64_t expiration_interval_ms_;   // the bucket width: tickTime
  std::int64_t next_expiration_time_ms_;  // the next bucket boundary the tracker will look at
  std::map<SessionId, std::int64_t> elem_map_;                 // session -> its expiry time
  std::map<std::int64_t, std::set<SessionId>> expiry_map_;     // expiry time -> sessions; no empty sets
};

class SessionTracker {
 public:
  // SessionTrackerImpl(expirer, sessionsWithTimeout, tickTime, serverId): buckets of tickTime;
  // the session id counter seeded from `now_ms`; every session of `sessions_with_timeout`
  // (ZKDatabase's committed sessions) re-tracked with a fresh full timeout from `now_ms`, as a
  // new leader does.
  SessionTracker(const ServerConfig& config, std::int64_t now_ms,
                 const std::map<SessionId, std::int32_t>& sessions_with_timeout = {});

  // SessionTrackerImpl.initializeNextSessionId: the creating server's id in the top byte, the
  // low 40 bits of the clock reading above 16 zero bits (ZOOKEEPER-1622's unsigned shift), and
  // Long.MIN_VALUE (the container owner) avoided.
  static SessionId initialize_next_session_id(ServerId sid, std::int64_t now_ms);

  // ZooKeeperServer.processConnectRequest: the requested timeout clamped into
  // [minSessionTimeout, maxSessionTimeout] (defaults 2 and 20 ticks).
  std::int32_t negotiate_timeout_ms(std::int32_t requested_timeout_ms) const;

  // SessionTrackerImpl.createSession: the next id, tracked with `timeout_ms` from `now_ms`.
  SessionId create_session(std::int32_t timeout_ms, std::int64_t now_ms);
  // SessionTrackerImpl.trackSession: start tracking `session` (a createSession prepared for a
  // learner's client) or, if already tracked, just touch it. True if it was added.
  bool track_session(SessionId session, std::int32_t timeout_ms, std::int64_t now_ms);
  // SessionTrackerImpl.touchSession with the session's own timeout: false (nothing changes)
  // for an unknown or closing session, whose request ZooKeeper then drops.
  bool touch_session(SessionId session, std::int64_t now_ms);
  // LeaderSessionTracker.checkSession with local sessions off: SESSIONEXPIRED for an unknown or
  // a closing session, OK otherwise. (Owners, hence SESSIONMOVED, are not modelled.)
  Err check_session(SessionId session) const;
  // setSessionClosing: PrepRequestProcessor's closeSession, and expiry. Unknown ids are ignored.
  void set_session_closing(SessionId session);
  // removeSession: the closeSession txn was applied.
  void remove_session(SessionId session);

  // When the next tracked session would expire (nullopt if none will).
  std::optional<std::int64_t> next_expiry_ms() const { return queue_.next_expiry_ms(); }
  // SessionTrackerImpl.run: the sessions whose bucket is due at `now_ms`, each marked closing;
  // the caller submits a closeSession request for each (ZooKeeperServer.expire), in this order.
  std::vector<SessionId> expire(std::int64_t now_ms);

  bool is_tracking(SessionId session) const { return sessions_by_id_.contains(session); }
  bool is_closing(SessionId session) const;
  std::optional<std::int32_t> timeout_ms(SessionId session) const;
  std::optional<std::int64_t> expiry_time_ms(SessionId session) const { return queue_.expiry_time_ms(session); }
  std::size_t session_count() const { return sessions_by_id_.size(); }

  void check_invariants() const;

 private:
  struct Session {
    std::int32_t timeout_ms = 0;  // the negotiated timeout
    bool closing = false;         // a closeSession was prepared or it expired: refuse its requests
  };

  std::int32_t min_session_timeout_ms_;
  std::int32_t max_session_timeout_ms_;
  std::int64_t next_session_id_;               // the id createSession hands out next
  std::map<SessionId, Session> sessions_by_id_;  // every tracked session
  ExpiryQueue queue_;
  std::int64_t last_now_ms_;                   // the latest clock reading seen: it never goes back
};

}  // namespace zab
