#pragma once
// The server-to-server network of a real ensemble under `zabsim real`'s network faults: one
// TCP proxy per ordered pair of servers and port (quorum and election), each server's zoo.cfg
// naming the proxies of its own paths (PeerViews), so that every byte between two servers
// passes a proxy that can hold it. A connection from a to b goes through path (a, b) whichever
// server's config led there; a cut "a -> b" therefore holds a's bytes on path (a, b) going out
// and on path (b, a) coming back.
//
// The scenario's network faults, as the simulator means them (sim::World):
//  * partition: every link between different groups cut both ways; heal: every cut healed;
//  * cut a -> b / heal_link: one direction;
//  * slow_link a -> b, factor f%: each chunk held (f - 100)% of the scenario's median latency
//    longer (loopback's own latency is the rest);
//  * flap a - b: the driver cuts and heals both directions on the fault's schedule;
//  * reset_connections a - b: every connection between them fails (RST).
// Clients reach the servers directly: the faults are between servers, as in the simulator.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "tools/real/tcp_proxy.h"
#include "tools/real/zoo_config.h"

namespace zab::tools::real {

class ProxyNetwork {
 public:
  explicit ProxyNetwork(const std::vector<ServerPorts>& ports);

  const PeerViews& views() const { return views_; }
  void set_cut(std::uint32_t from, std::uint32_t to, bool cut);
  void heal_all();
  void set_delay(std::uint32_t from, std::uint32_t to, std::chrono::microseconds delay);
  void reset(std::uint32_t a, std::uint32_t b);

 private:
  struct Path {
    std::unique_ptr<TcpProxy> quorum, election;
  };
  Path& path(std::uint32_t from, std::uint32_t to);

  std::size_t servers_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, Path> paths_;  // (from, to), sids from 1
  PeerViews views_;
};

}  // namespace zab::tools::real
