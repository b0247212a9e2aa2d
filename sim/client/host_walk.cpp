#include "sim/client/host_walk.h"

#include <utility>

#include "protocol/base/assert.h"

namespace zab::sim {

HostWalk::HostWalk(std::size_t servers, bool shuffle, RandomSource& random) {
  ZAB_ASSERT(servers > 0, "a connect string names at least one server");
  for (std::size_t i = 0; i < servers; ++i) order_.push_back(i);
  if (shuffle) {
    // Collections.shuffle: from the last position down, swap with a position at or below it.
    for (std::size_t i = order_.size(); i > 1; --i) {
      std::swap(order_[i - 1], order_[static_cast<std::size_t>(random.uniform_below(i))]);
    }
  }
}

HostWalk::Attempt HostWalk::next(RandomSource& random) {
  ++current_index_;
  if (current_index_ == static_cast<std::int64_t>(order_.size())) current_index_ = 0;
  Duration pause;
  // next(1000): back at the last good server (or the first entry, before any), spin.
  if (current_index_ == last_index_) pause = kSpinDelay;
  if (last_index_ == -1) last_index_ = 0;  // "We don't want to sleep on the first ever connect attempt."
  if (!first_connect_) pause = pause + Duration::ms(static_cast<std::int64_t>(random.uniform_below(kReconnectSleepBoundMs)));
  ZAB_ASSERT(pause <= kSpinDelay + Duration::ms(kReconnectSleepBoundMs),
             "a client pauses at most one spin delay plus one reconnect sleep before an attempt");
  return Attempt{order_[static_cast<std::size_t>(current_index_)], pause};
}

std::size_t HostWalk::current() const {
  ZAB_ASSERT(current_index_ >= 0, "the walk has made an attempt before its server is asked for");
  return order_[static_cast<std::size_t>(current_index_)];
}

}  // namespace zab::sim
