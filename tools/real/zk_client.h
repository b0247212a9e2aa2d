#pragma once
// A small synchronous ZooKeeper client for `zabsim real`: one session on one server over
// loopback TCP, speaking ZooKeeper's own client protocol — each message framed by its 4-byte
// length, in the jute records of protocol/client_port/jute_records.h — with a deadline on every
// exchange. No pipelining, no reconnect, no watches: what a probe needs.

#include <utility>  // before Boost 1.74's asio, whose awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "protocol/client_port/client_wire.h"

namespace zab::tools::real {

// A session to reconnect with, as ClientCnxn keeps it: its id and password, and the last zxid
// the client saw (a server that has seen less refuses the connection).
struct SessionCredentials {
  std::int64_t session = 0;
  Bytes password;
  Zxid last_zxid_seen;
};

class ZkClient {
 public:
  // Opens a new session (`resume` null) or reconnects to `resume`'s session on the server at
  // 127.0.0.1:`port`; null if it does not answer within `timeout` (down, stopped, or not
  // serving: a LOOKING server closes the connection) or, for a resumed session, if the server
  // says it expired (then `expired` is set, when given). `socket_connected`, when given, is set
  // once the TCP connection is up, whatever follows (ClientCnxn's primeConnection).
  static std::unique_ptr<ZkClient> connect(std::uint16_t port, std::int32_t session_timeout_ms,
                                           std::chrono::milliseconds timeout,
                                           const SessionCredentials* resume = nullptr, bool* expired = nullptr,
                                           bool* socket_connected = nullptr);
  // Sends `request` (its xid is set here) and returns the reply; nullopt if none came within
  // `timeout` or the connection broke.
  std::optional<Reply> call(Request request, std::chrono::milliseconds timeout);
  std::int64_t session() const { return session_; }
  const Bytes& password() const { return password_; }
  std::int32_t negotiated_timeout_ms() const { return negotiated_timeout_ms_; }

 private:
  ZkClient() : socket_(io_) {}
  bool exchange(const Bytes& frame, Bytes& answer, std::chrono::milliseconds timeout);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::int64_t session_ = 0;
  Bytes password_;
  std::int32_t negotiated_timeout_ms_ = 0;
  std::int32_t next_xid_ = 1;
};

}  // namespace zab::tools::real
