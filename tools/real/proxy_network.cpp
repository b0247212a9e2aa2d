#include "tools/real/proxy_network.h"

#include "protocol/base/assert.h"

namespace zab::tools::real {

ProxyNetwork::ProxyNetwork(const std::vector<ServerPorts>& ports) : servers_(ports.size()) {
  views_.assign(servers_, ports);
  for (std::uint32_t a = 1; a <= servers_; ++a) {
    for (std::uint32_t b = 1; b <= servers_; ++b) {
      if (a == b) continue;
      Path& p = paths_[{a, b}];
      p.quorum = std::make_unique<TcpProxy>(ports[b - 1].quorum);
      p.quorum->retry_refused_target(4, std::chrono::milliseconds(100));  // Learner.connectToLeader's 5 tries
      p.election = std::make_unique<TcpProxy>(ports[b - 1].election);
      views_[a - 1][b - 1] = ServerPorts{.client = ports[b - 1].client,
                                         .quorum = p.quorum->port(),
                                         .election = p.election->port()};
    }
  }
  // When b, having the higher sid, closes a's election connection and calls back the address
  // a advertised, it must call through its own path (b, a).
  for (auto& [ab, p] : paths_) p.election->advertise_election_port(path(ab.second, ab.first).election->port());
}

ProxyNetwork::Path& ProxyNetwork::path(std::uint32_t from, std::uint32_t to) {
  auto it = paths_.find({from, to});
  ZAB_ASSERT(it != paths_.end(), "a path joins two different servers of the ensemble");
  return it->second;
}

void ProxyNetwork::set_cut(std::uint32_t from, std::uint32_t to, bool cut) {
  for (TcpProxy* p : {path(from, to).quorum.get(), path(from, to).election.get()}) {
    p->set_cut(TcpProxy::Direction::kToTarget, cut);
  }
  for (TcpProxy* p : {path(to, from).quorum.get(), path(to, from).election.get()}) {
    p->set_cut(TcpProxy::Direction::kFromTarget, cut);
  }
}

void ProxyNetwork::heal_all() {
  for (std::uint32_t a = 1; a <= servers_; ++a) {
    for (std::uint32_t b = 1; b <= servers_; ++b) {
      if (a != b) set_cut(a, b, false);
    }
  }
}

void ProxyNetwork::set_delay(std::uint32_t from, std::uint32_t to, std::chrono::microseconds delay) {
  for (TcpProxy* p : {path(from, to).quorum.get(), path(from, to).election.get()}) {
    p->set_delay(TcpProxy::Direction::kToTarget, delay);
  }
  for (TcpProxy* p : {path(to, from).quorum.get(), path(to, from).election.get()}) {
    p->set_delay(TcpProxy::Direction::kFromTarget, delay);
  }
}

void ProxyNetwork::reset(std::uint32_t a, std::uint32_t b) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    path(x, y).quorum->reset_connections();
    path(x, y).election->reset_connections();
  }
}

}  // namespace zab::tools::real
