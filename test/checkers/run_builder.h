#pragma once
// Hand-made runs for the checkers' tests: a few servers, events at given milliseconds, and
// helpers for the usual sequences (boot, establish, sync, a committed txn).

#include <cstdint>
#include <algorithm>
#include <initializer_list>
#include <map>

#include "checkers/zab_events.h"

namespace zab::check::testing {

inline std::uint64_t Z(std::uint32_t epoch, std::uint32_t counter) { return make_zxid(epoch, counter); }
inline Zxid ZX(std::uint32_t epoch, std::uint32_t counter) { return Zxid::make(epoch, counter); }
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

  RunBuilder& add(double t_ms, std::uint32_t s, Event event) {
    const auto t = static_cast<std::int64_t>(t_ms * 1e6);
    run_.events.push_back(ZabEvent{t, s, std::move(event)});
    run_.end_ns = std::max(run_.end_ns, t);
    return *this;
  }
  // A start from an empty disk (or from `last`, with nothing replayed).
  RunBuilder& boot(double t, std::uint32_t s, std::uint64_t incarnation = 1, std::uint64_t last = 0) {
    add(t, s, ev::ProcessStart{incarnation});
    add(t, s, ev::TreeReset{Zxid::zero()});
    return add(t, s, ev::Restored{Zxid::from_raw(last), Zxid::zero(), 0, 0});
  }
  RunBuilder& establish(double t, std::uint32_t leader, std::uint32_t epoch) {
    add(t, leader, ev::PeerState{zab::ServerState::kLeading, ServerId{leader}, epoch - 1});
    write_epochs(t, leader, epoch);
    return add(t, leader, ev::LeaderEstablished{epoch});
  }
  RunBuilder& sync(double t, std::uint32_t follower, std::uint32_t leader, std::uint32_t epoch) {
    add(t, follower, ev::PeerState{zab::ServerState::kFollowing, ServerId{leader}, epoch - 1});
    write_epochs(t, follower, epoch);
    add(t, follower, ev::NewLeaderAcked{epoch});
    return add(t, follower, ev::FollowerSynced{ServerId{leader}, epoch});
  }
  // The leader proposes z; every server in `logged` logs it; the leader commits; every server
  // in `delivered` applies it.
  RunBuilder& txn(double t, std::uint32_t leader, std::uint64_t z, std::initializer_list<std::uint32_t> logged,
                  std::initializer_list<std::uint32_t> delivered) {
    add(t, leader, ev::Proposed{Zxid::from_raw(z), H(z)});
    std::uint64_t quorum = 0;  // every server that logged it ACKed it, and each ACK counted
    for (auto s : logged) {
      add(t + 1, s, ev::Logged{Zxid::from_raw(z), H(z)});
      quorum |= std::uint64_t{1} << s;
    }
    add(t + 2, leader, ev::Committed{Zxid::from_raw(z), ev::QuorumMask{quorum}});
    for (auto s : delivered) add(t + 3, s, ev::Applied{Zxid::from_raw(z), H(z), true, ApplySource::kDelivered});
    return *this;
  }
  ZabRun& run() { return run_; }

 private:
  // acceptedEpoch, then currentEpoch, made durable as ZooKeeper does before it establishes or
  // acknowledges an epoch; each only when it grows, as a real server writes them.
  void write_epochs(double t, std::uint32_t s, std::uint32_t epoch) {
    if (accepted_[s] < epoch) add(t, s, ev::AcceptedEpoch{epoch});
    if (current_[s] < epoch) add(t, s, ev::CurrentEpoch{epoch});
    accepted_[s] = std::max(accepted_[s], epoch);
    current_[s] = std::max(current_[s], epoch);
  }

  ZabRun run_;
  std::map<std::uint32_t, std::uint32_t> accepted_, current_;
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
