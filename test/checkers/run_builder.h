#pragma once
// Hand-made runs for the checkers' tests: a few servers, events at given milliseconds, and
// helpers for the usual sequences (boot, establish, sync, a committed txn).

#include <cstdint>
#include <initializer_list>

#include "checkers/zab_events.h"

namespace zab::check::testing {

inline std::uint64_t Z(std::uint32_t epoch, std::uint32_t counter) { return make_zxid(epoch, counter); }
// The default txn hash of a zxid: distinct per zxid.
inline std::uint64_t H(std::uint64_t zxid) { return zxid * 7 + 1; }

class RunBuilder {
 public:
  explicit RunBuilder(std::uint32_t servers) {
    for (std::uint32_t s = 1; s <= servers; ++s) {
      run_.servers.insert(s);
      run_.names[s] = "s" + std::to_string(s);
    }
  }

  RunBuilder& ev(double t_ms, std::uint32_t s, Ev kind, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0,
                 std::uint64_t d = 0) {
    const auto t = static_cast<std::int64_t>(t_ms * 1e6);
    run_.events.push_back(ZabEvent{t, s, kind, a, b, c, d});
    run_.end_ns = std::max(run_.end_ns, t);
    return *this;
  }
  // A start from an empty disk (or from `last`, with nothing replayed).
  RunBuilder& boot(double t, std::uint32_t s, std::uint64_t incarnation = 1, std::uint64_t last = 0) {
    ev(t, s, Ev::kStart, incarnation);
    ev(t, s, Ev::kTreeReset, 0);
    return ev(t, s, Ev::kRestored, last);
  }
  RunBuilder& establish(double t, std::uint32_t leader, std::uint32_t epoch) {
    ev(t, leader, Ev::kPeerState, 2, leader, epoch - 1);
    return ev(t, leader, Ev::kLeaderEstablished, epoch);
  }
  RunBuilder& sync(double t, std::uint32_t follower, std::uint32_t leader, std::uint32_t epoch) {
    ev(t, follower, Ev::kPeerState, 1, leader, epoch - 1);
    ev(t, follower, Ev::kNewLeaderAcked, epoch);
    return ev(t, follower, Ev::kFollowerSynced, leader, epoch);
  }
  // The leader proposes z; every server in `logged` logs it; the leader commits; every server
  // in `delivered` applies it.
  RunBuilder& txn(double t, std::uint32_t leader, std::uint64_t z, std::initializer_list<std::uint32_t> logged,
                  std::initializer_list<std::uint32_t> delivered) {
    ev(t, leader, Ev::kProposed, z, H(z));
    std::uint64_t quorum = 0;  // every server that logged it ACKed it, and each ACK counted
    for (auto s : logged) {
      ev(t + 1, s, Ev::kLogged, z, H(z));
      quorum |= std::uint64_t{1} << s;
    }
    ev(t + 2, leader, Ev::kCommitted, z, quorum);
    for (auto s : delivered) ev(t + 3, s, Ev::kApplied, z, H(z), 1, kApplyDelivered);
    return *this;
  }
  ZabRun& run() { return run_; }

 private:
  ZabRun run_;
};

// Three servers, s3 leads epoch 1, and <1,1>, <1,2> commit on all of them.
inline RunBuilder good_epoch_one() {
  RunBuilder b(3);
  b.boot(0, 1).boot(0, 2).boot(0, 3);
  b.establish(100, 3, 1).sync(100, 1, 3, 1).sync(100, 2, 3, 1);
  b.txn(200, 3, Z(1, 1), {3, 1, 2}, {3, 1, 2});
  b.txn(300, 3, Z(1, 2), {3, 1, 2}, {3, 1, 2});
  return b;
}

}  // namespace zab::check::testing
