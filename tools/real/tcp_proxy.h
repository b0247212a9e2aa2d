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
//  * delay (per direction): each chunk read is written that much later, in order: a slow link.
//  * reset: every open connection is closed on both sides now; new ones may come.
//
// One thread of its own runs the proxy's io_context; the control calls are posted to it and
// return once applied, so a test can rely on the fault being in place.

#include <utility>  // before Boost 1.74's asio, whose awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace zab::tools::real {

// QuorumCnxManager's initial message on a new election connection (ZooKeeper 3.5+): a negative
// protocol version (8 bytes), the sender's sid (8), the length (4) and text of its election
// address "host:port". A server that receives a connection from a lower sid closes it and
// connects back to that advertised address (handleConnection), which would go around the
// proxy; so the proxy on the path advertises its reverse path's port instead. Given the first
// bytes of the connection: nullopt while the message is incomplete; else the bytes to send,
// with the address replaced (an old-protocol message, a bare sid, passes unchanged, as does
// anything that does not parse as the message).
std::optional<std::string> rewrite_initial_message(const std::string& first_bytes, std::uint16_t advertised_port);

class TcpProxy {
 public:
  enum class Direction : std::uint8_t { kToTarget, kFromTarget };

  // Listens on a free port of 127.0.0.1 and forwards each connection to 127.0.0.1:target_port.
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();  // closes every connection and joins the thread
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // For a path to a server's election port: rewrite the address the connecting server
  // advertises in QuorumCnxManager's initial message to 127.0.0.1:`port` (see
  // rewrite_initial_message). Set before the first connection.
  void advertise_election_port(std::uint16_t port);
  // A target that refuses the connection is tried again `extra_attempts` times, `interval`
  // apart, while the connecting side waits (default: none, the connection is reset at once).
  // For a leader's quorum port: a learner whose connect is refused tries again 100 ms later,
  // five tries in all (Learner.connectToLeader, zookeeper.leaderConnectDelayDuringRetryMs);
  // through a proxy the connect itself succeeds, so the proxy does the retrying.
  void retry_refused_target(int extra_attempts, std::chrono::milliseconds interval);
  void set_cut(Direction direction, bool cut);
  void set_delay(Direction direction, std::chrono::microseconds delay);
  void reset_connections();
  std::size_t open_connections();

 private:
  struct Link;
  void accept_next();
  void connect_target(const std::shared_ptr<Link>& link, int attempts_left);
  void pump(const std::shared_ptr<Link>& link, Direction direction);
  void deliver(const std::shared_ptr<Link>& link, Direction direction, std::size_t bytes);
  void write_then_pump(const std::shared_ptr<Link>& link, Direction direction, const char* data, std::size_t bytes);
  void run_on_proxy_thread(const std::function<void()>& action);

  boost::asio::io_context io_;
  // Keeps io_.run() going while nothing is pending (every direction cut, the acceptor waiting
  // out an error): the control calls wait for the proxy thread, so it must never have ended.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  boost::asio::steady_timer accept_retry_{io_};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  bool cut_[2] = {false, false};
  std::chrono::microseconds delay_[2] = {std::chrono::microseconds(0), std::chrono::microseconds(0)};
  std::optional<std::uint16_t> advertise_port_;
  int retry_attempts_ = 0;
  std::chrono::milliseconds retry_interval_{0};
  // Owned here (a cut direction has no pending operation to keep its link alive); closed
  // links are dropped when open_connections() counts.
  std::vector<std::shared_ptr<Link>> links_;
  std::thread thread_;
};

}  // namespace zab::tools::real
