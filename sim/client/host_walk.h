#pragma once
// Which server a ZooKeeper client tries next, and how long it pauses first: the connection
// policy of Java's client library in ZooKeeper 3.8 (ClientCnxn.SendThread with
// StaticHostProvider), the library Debian's zookeeper package ships and its tools use. Both the
// simulated client and `zabsim real`'s workload clients walk with it, so the two worlds'
// clients behave alike.
//
//  * The connect string is shuffled once (StaticHostProvider's constructor) and walked in a
//    cycle (`next`). Reaching again the server of the last established session (the first
//    entry, before any) costs a 1 s spin delay: `next(1000)` sleeps when currentIndex ==
//    lastIndex, and never on the very first attempt.
//  * Before every attempt except those before the first TCP connection ever made, the client
//    sleeps a random 0-999 ms (SendThread.startConnect: isFirstConnect is cleared in
//    primeConnection, that is once a socket connects, whether or not a session follows).
//  * A session established (hostProvider.onConnected) makes its server the walk's lastIndex.
//
// Sans-IO: it returns the server and the pause; its owner sleeps and connects.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/base/random_source.h"
#include "protocol/base/time.h"

namespace zab::sim {

class HostWalk {
 public:
  // `servers` entries of a connect string, shuffled with `random` unless `shuffle` is false
  // (then walked in the given order, a scenario's "first_server": "first").
  HostWalk(std::size_t servers, bool shuffle, RandomSource& random);

  struct Attempt {
    std::size_t server = 0;  // index into the connect string as given
    Duration pause;          // spin delay plus startConnect's random sleep, before connecting
  };
  Attempt next(RandomSource& random);

  // primeConnection: a socket connected to the current server.
  void on_socket_connected() { first_connect_ = false; }
  // hostProvider.onConnected: the current server took (or renewed) the session.
  void on_session_established() { last_index_ = current_index_; }

  // The server of the last attempt (index into the connect string as given).
  std::size_t current() const;

  static constexpr Duration kSpinDelay = Duration::ms(1000);
  static constexpr std::uint64_t kReconnectSleepBoundMs = 1000;  // nextLong(1000): 0..999 ms

 private:
  std::vector<std::size_t> order_;  // the shuffled connect string
  std::int64_t current_index_ = -1;  // StaticHostProvider.currentIndex
  std::int64_t last_index_ = -1;     // StaticHostProvider.lastIndex
  bool first_connect_ = true;        // ClientCnxn.SendThread.isFirstConnect
};

}  // namespace zab::sim
