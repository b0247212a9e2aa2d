#pragma once
// A TCP proxy for one server-to-server path of a real ensemble, for the network faults that a
// real ZooKeeper process cannot be asked to make: each server's zoo.cfg will name the proxy's
// port instead of its peer's, and the proxy forwards the bytes, or does not.
//
// The faults and what they look like to ZooKeeper:
//  * cut (per direction): the proxy stops reading that direction. Bytes stay in the sender's
//    socket buffer, the sender blocks as TCP would while its segments are lost and
//    retransmitted, and they arrive when the cut heals — if neither end gave up (syncLimit,
//    a read timeout) and closed its socket first. That is a partition or a one-way cut; new
//    connections are accepted (the kernel completes the handshake) but carry nothing.
//  * delay: each chunk read is written that much later, in order: a slow link.
//  * reset: every open connection is closed on both sides now; new ones may come.
//
// Not yet used by `zabsim real`, whose zoo.cfg still names the peers directly (issue 16: the
// ensemble's wiring through one proxy per path comes next).
//
// One thread of its own runs the proxy's io_context; the control calls are posted to it and
// return once applied, so a test can rely on the fault being in place.

#include <utility>  // before Boost 1.74's asio, whose awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace zab::tools::real {

class TcpProxy {
 public:
  enum class Direction : std::uint8_t { kToTarget, kFromTarget };

  // Listens on a free port of 127.0.0.1 and forwards each connection to 127.0.0.1:target_port.
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();  // closes every connection and joins the thread
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  void set_cut(Direction direction, bool cut);
  void set_delay(std::chrono::milliseconds delay);
  void reset_connections();
  std::size_t open_connections();

 private:
  struct Link;
  void accept_next();
  void pump(const std::shared_ptr<Link>& link, Direction direction);
  void forward(const std::shared_ptr<Link>& link, Direction direction, std::size_t bytes);
  void run_on_proxy_thread(const std::function<void()>& action);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  bool cut_[2] = {false, false};
  std::chrono::milliseconds delay_{0};
  // Owned here (a cut direction has no pending operation to keep its link alive); closed
  // links are dropped when open_connections() counts.
  std::vector<std::shared_ptr<Link>> links_;
  std::thread thread_;
};

}  // namespace zab::tools::real
