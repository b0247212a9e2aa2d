#include "protocol/database/session_tracker.h"

#include <algorithm>
#include <limits>

#include "protocol/base/assert.h"

namespace zab {

ExpiryQueue::ExpiryQueue(std::int64_t expiration_interval_ms, std::int64_t now_ms)
    : expiration_interval_ms_(expiration_interval_ms), next_expiration_time_ms_(0) {
  ZAB_ASSERT(expiration_interval_ms > 0, "the expiry bucket width (tickTime) is positive");
  next_expiration_time_ms_ = round_to_next_interval(now_ms);
  ZAB_ASSERT(next_expiration_time_ms_ > now_ms, "the first bucket boundary lies strictly after the start");
}

std::optional<std::int64_t> ExpiryQueue::update(SessionId session, std::int32_t timeout_ms,
                                                std::int64_t now_ms) {
  ZAB_ASSERT(timeout_ms >= 0, "a session timeout is negotiated, so never negative");
  const std::int64_t new_expiry_ms = round_to_next_interval(now_ms + timeout_ms);
  ZAB_ASSERT(new_expiry_ms > now_ms + timeout_ms, "a session expires strictly after its timeout from the touch");
  ZAB_ASSERT(new_expiry_ms % expiration_interval_ms_ == 0, "expiry times are bucket boundaries");
  auto it = elem_map_.find(session);
  if (it != elem_map_.end() && it->second == new_expiry_ms) return std::nullopt;
  expiry_map_[new_expiry_ms].insert(session);
  if (it != elem_map_.end()) {
    // The previous bucket may be gone already (it expired); ZooKeeper tolerates that too.
    if (auto prev = expiry_map_.find(it->second); prev != expiry_map_.end()) {
      prev->second.erase(session);
      if (prev->second.empty()) expiry_map_.erase(prev);
    }
    it->second = new_expiry_ms;
  } else {
    elem_map_.emplace(session, new_expiry_ms);
  }
  ZAB_ASSERT(expiry_map_.at(new_expiry_ms).contains(session), "an updated session sits in its new bucket");
  return new_expiry_ms;
}

std::optional<std::int64_t> ExpiryQueue::remove(SessionId session) {
  auto it = elem_map_.find(session);
  if (it == elem_map_.end()) return std::nullopt;
  const std::int64_t expiry_ms = it->second;
  elem_map_.erase(it);
  if (auto bucket = expiry_map_.find(expiry_ms); bucket != expiry_map_.end()) {
    bucket->second.erase(session);
    if (bucket->second.empty()) expiry_map_.erase(bucket);
  }
  ZAB_ASSERT(!elem_map_.contains(session), "a removed session has no expiry time left");
  return expiry_ms;
}

std::optional<std::int64_t> ExpiryQueue::expiry_time_ms(SessionId session) const {
  auto it = elem_map_.find(session);
  if (it == elem_map_.end()) return std::nullopt;
  ZAB_ASSERT(it->second % expiration_interval_ms_ == 0, "expiry times are bucket boundaries");
  return it->second;
}

std::optional<std::int64_t> ExpiryQueue::next_expiry_ms() const {
  if (expiry_map_.empty()) return std::nullopt;
  ZAB_ASSERT(!expiry_map_.begin()->second.empty(), "the first bucket is not empty (empty buckets are erased)");
  // ZooKeeper's tracker wakes at every bucket boundary (nextExpirationTime), empty or not; only
  // non-empty ones expire anything, so waking at the first non-empty one changes no outcome.
  ZAB_ASSERT(expiry_map_.begin()->first >= next_expiration_time_ms_, "no bucket lies before the next expiration time");
  return expiry_map_.begin()->first;
}

std::vector<SessionId> ExpiryQueue::poll_expired(std::int64_t now_ms) {
  ZAB_ASSERT(next_expiration_time_ms_ % expiration_interval_ms_ == 0, "nextExpirationTime is a bucket boundary");
  std::vector<SessionId> expired;
  if (now_ms < next_expiration_time_ms_) return expired;  // getWaitTime() > 0
  // ExpiryQueue.poll takes the bucket at nextExpirationTime and advances it by one interval;
  // SessionTrackerImpl.run polls again while the wait time is 0. Bucket times are multiples of
  // the interval, as nextExpirationTime is, so that visits exactly the buckets up to `now_ms`
  // and leaves nextExpirationTime at the first boundary after it. We take them in one sweep
  // (bounded by the number of buckets, not by how long the caller waited).
  while (!expiry_map_.empty() && expiry_map_.begin()->first <= now_ms) {
    auto bucket = expiry_map_.begin();
    ZAB_ASSERT(bucket->first >= next_expiration_time_ms_,
               "no bucket lies before the next expiration time (it would never be polled)");
    expired.insert(expired.end(), bucket->second.begin(), bucket->second.end());
    expiry_map_.erase(bucket);
  }
  next_expiration_time_ms_ = round_to_next_interval(now_ms);
  ZAB_ASSERT(expiry_map_.empty() || expiry_map_.begin()->first > now_ms, "every bucket due by now was taken");
  return expired;
}

void ExpiryQueue::check_invariants() const {
  std::size_t bucketed = 0;
  for (const auto& [expiry_ms, sessions] : expiry_map_) {
    ZAB_ASSERT(!sessions.empty(), "the expiry map holds no empty bucket");
    ZAB_ASSERT(expiry_ms % expiration_interval_ms_ == 0, "bucket times are multiples of the interval");
    ZAB_ASSERT(expiry_ms >= next_expiration_time_ms_, "no bucket lies before the next expiration time");
    for (SessionId s : sessions) {
      auto it = elem_map_.find(s);
      ZAB_ASSERT(it != elem_map_.end(), "every bucketed session has an expiry time");
      ZAB_ASSERT(it->second == expiry_ms, "a session sits in the bucket of its expiry time");
    }
    bucketed += sessions.size();
  }
  ZAB_ASSERT(bucketed <= elem_map_.size(), "a session sits in at most one bucket");
}

SessionTracker::SessionTracker(const ServerConfig& config, std::int64_t now_ms,
                               const std::map<SessionId, std::int32_t>& sessions_with_timeout)
    : min_session_timeout_ms_(static_cast<std::int32_t>(config.effective_min_session_timeout_ms())),
      max_session_timeout_ms_(static_cast<std::int32_t>(config.effective_max_session_timeout_ms())),
      next_session_id_(initialize_next_session_id(config.my_id, now_ms).value),
      queue_(config.tick_time_ms, now_ms),
      last_now_ms_(now_ms) {
  ZAB_ASSERT(min_session_timeout_ms_ <= max_session_timeout_ms_,
             "minSessionTimeout does not exceed maxSessionTimeout");
  ZAB_ASSERT(min_session_timeout_ms_ > 0, "minSessionTimeout is positive (two ticks by default)");
  for (const auto& [session, timeout_ms] : sessions_with_timeout) {
    track_session(session, timeout_ms, now_ms);
  }
  ZAB_ASSERT(sessions_by_id_.size() == sessions_with_timeout.size(), "a new leader tracks every committed session once");
}

SessionId SessionTracker::initialize_next_session_id(ServerId sid, std::int64_t now_ms) {
  ZAB_ASSERT(sid.value <= 255, "a server id fits the top byte of the session ids it creates");
  // (now << 24) >>> 8: the clock's low 40 bits land in bits 16..55, the top byte stays clear
  // for the server id whatever the clock's sign bit (ZOOKEEPER-1622: ">>> 8", not ">> 8").
  std::uint64_t next = (static_cast<std::uint64_t>(now_ms) << 24) >> 8;
  next |= sid.value << 56;
  auto id = static_cast<std::int64_t>(next);
  // EphemeralType.CONTAINER_EPHEMERAL_OWNER is Long.MIN_VALUE: no session may have that id.
  if (id == std::numeric_limits<std::int64_t>::min()) ++id;
  ZAB_ASSERT(id != 0, "a session id is never 0, which asks for a new session");
  ZAB_ASSERT(static_cast<std::uint64_t>(id) >> 56 == sid.value,
             "the creating server's id is in the session id's top byte");
  return SessionId{id};
}

std::int32_t SessionTracker::negotiate_timeout_ms(std::int32_t requested_timeout_ms) const {
  ZAB_ASSERT(min_session_timeout_ms_ <= max_session_timeout_ms_, "the negotiation range is not empty");
  return std::clamp(requested_timeout_ms, min_session_timeout_ms_, max_session_timeout_ms_);
}

SessionId SessionTracker::create_session(std::int32_t timeout_ms, std::int64_t now_ms) {
  ZAB_ASSERT(timeout_ms >= min_session_timeout_ms_, "a new session's timeout was negotiated: at least the minimum");
  ZAB_ASSERT(timeout_ms <= max_session_timeout_ms_, "a new session's timeout was negotiated: at most the maximum");
  // nextSessionId.getAndIncrement(): Java long arithmetic, wrapping.
  const SessionId id{next_session_id_};
  next_session_id_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(next_session_id_) + 1);
  const bool added = track_session(id, timeout_ms, now_ms);
  ZAB_ASSERT(added, "a freshly generated session id is not tracked yet");
  return id;
}

bool SessionTracker::track_session(SessionId session, std::int32_t timeout_ms, std::int64_t now_ms) {
  ZAB_ASSERT(now_ms >= last_now_ms_, "the leader's monotonic clock never goes back");
  last_now_ms_ = now_ms;
  const bool added = sessions_by_id_.try_emplace(session, Session{timeout_ms, false}).second;
  // An existing session keeps its timeout and closing mark; trackSession only re-buckets it,
  // with the timeout it was given this time (SessionTrackerImpl.updateSessionExpiry).
  queue_.update(session, timeout_ms, now_ms);
  ZAB_ASSERT(queue_.expiry_time_ms(session).has_value(), "a tracked session has an expiry time");
  return added;
}

bool SessionTracker::touch_session(SessionId session, std::int64_t now_ms) {
  ZAB_ASSERT(now_ms >= last_now_ms_, "the leader's monotonic clock never goes back");
  last_now_ms_ = now_ms;
  auto it = sessions_by_id_.find(session);
  if (it == sessions_by_id_.end() || it->second.closing) return false;
  ZAB_ASSERT(it->second.timeout_ms >= 0, "a tracked session's timeout was negotiated, never negative");
  queue_.update(session, it->second.timeout_ms, now_ms);
  ZAB_ASSERT(*queue_.expiry_time_ms(session) > now_ms, "a touched session expires after now");
  return true;
}

Err SessionTracker::check_session(SessionId session) const {
  auto it = sessions_by_id_.find(session);
  // SessionTrackerImpl throws UNKNOWNSESSION; LeaderSessionTracker turns it into
  // SESSIONEXPIRED when local sessions are off.
  if (it == sessions_by_id_.end()) return Err::kSessionExpired;
  if (it->second.closing) return Err::kSessionExpired;
  return Err::kOk;
}

void SessionTracker::set_session_closing(SessionId session) {
  ZAB_ASSERT(session.value != 0, "session 0 is never tracked: it asks for a new session");
  auto it = sessions_by_id_.find(session);
  if (it != sessions_by_id_.end()) it->second.closing = true;
}

void SessionTracker::remove_session(SessionId session) {
  ZAB_ASSERT(session.value != 0, "session 0 is never tracked: it asks for a new session");
  sessions_by_id_.erase(session);
  queue_.remove(session);
  ZAB_ASSERT(!is_tracking(session), "a removed session is not tracked");
}

std::vector<SessionId> SessionTracker::expire(std::int64_t now_ms) {
  ZAB_ASSERT(now_ms >= last_now_ms_, "the leader's monotonic clock never goes back");
  last_now_ms_ = now_ms;
  std::vector<SessionId> expired = queue_.poll_expired(now_ms);
  for (SessionId s : expired) {
    auto it = sessions_by_id_.find(s);
    ZAB_ASSERT(it != sessions_by_id_.end(), "an expiring session is tracked");
    it->second.closing = true;
  }
  ZAB_ASSERT(!next_expiry_ms() || *next_expiry_ms() > now_ms, "after expiry no bucket is due any more");
  return expired;
}

bool SessionTracker::is_closing(SessionId session) const {
  auto it = sessions_by_id_.find(session);
  return it != sessions_by_id_.end() && it->second.closing;
}

std::optional<std::int32_t> SessionTracker::timeout_ms(SessionId session) const {
  auto it = sessions_by_id_.find(session);
  if (it == sessions_by_id_.end()) return std::nullopt;
  return it->second.timeout_ms;
}

void SessionTracker::check_invariants() const {
  queue_.check_invariants();
  // trackSession and removeSession keep the session map and the expiry queue in step; an
  // expired bucket drops its sessions from the buckets, not from the expiry times.
  ZAB_ASSERT(next_session_id_ != 0, "the next session id is never 0");
  ZAB_ASSERT(next_session_id_ != 0, "the next session id is never 0, which asks for a new session");
  for (const auto& [session, s] : sessions_by_id_) {
    ZAB_ASSERT(queue_.expiry_time_ms(session).has_value(),
               "every tracked session has an expiry time");
    ZAB_ASSERT(session.value != 0, "no tracked session has id 0");
    ZAB_ASSERT(s.timeout_ms >= 0, "a session timeout is negotiated, never negative");
  }
}

}  // namespace zab
