#include "tools/real/zk_client.h"

#include <array>

#include "protocol/base/assert.h"
#include "protocol/base/codec.h"
#include "protocol/client_port/jute_records.h"

namespace zab::tools::real {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// ZooKeeper frames every client message by its length (a 4-byte big-endian int).
Bytes framed(Writer& body) {
  const Bytes& b = body.bytes();
  Writer frame;
  frame.u32(static_cast<std::uint32_t>(b.size()));
  frame.raw(b);
  return frame.take();
}

}  // namespace

bool ZkClient::exchange(const Bytes& frame, Bytes& answer, std::chrono::milliseconds timeout) {
  // One request frame out, one answer frame in, all within `timeout`.
  bool done = false;
  std::array<std::uint8_t, 4> length{};
  asio::async_write(socket_, asio::buffer(frame), [&](const boost::system::error_code& ec, std::size_t) {
    if (ec) return;
    asio::async_read(socket_, asio::buffer(length), [&](const boost::system::error_code& lec, std::size_t) {
      if (lec) return;
      const std::uint32_t n = (std::uint32_t{length[0]} << 24) | (std::uint32_t{length[1]} << 16) |
                              (std::uint32_t{length[2]} << 8) | std::uint32_t{length[3]};
      if (n > (1u << 20)) return;  // not a reply this client's requests can get
      answer.assign(n, 0);
      asio::async_read(socket_, asio::buffer(answer), [&](const boost::system::error_code& bec, std::size_t) {
        done = !bec;
      });
    });
  });
  io_.restart();
  io_.run_for(timeout);
  if (!done) {
    boost::system::error_code ignored;
    socket_.close(ignored);  // a late answer must not be read as the next one's
    // The operations still pending end now, aborted, while the locals they write to live.
    io_.restart();
    io_.run();
  }
  return done;
}

std::unique_ptr<ZkClient> ZkClient::connect(std::uint16_t port, std::int32_t session_timeout_ms,
                                            std::chrono::milliseconds timeout, const SessionCredentials* resume,
                                            bool* expired, bool* socket_connected) {
  std::unique_ptr<ZkClient> c(new ZkClient());
  bool connected = false;
  c->socket_.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port),
                           [&](const boost::system::error_code& ec) { connected = !ec; });
  c->io_.run_for(timeout);
  if (!connected) return nullptr;
  if (socket_connected != nullptr) *socket_connected = true;
  Writer body;
  // A new session: no session id, a zeroed 16-byte password; a resumed one: its id, password
  // and the last zxid seen. Not read-only (ClientCnxnSocket).
  write_connect_request(body, ConnectRequest{.protocol_version = 0,
                                             .last_zxid_seen = resume ? resume->last_zxid_seen : Zxid{},
                                             .timeout_ms = session_timeout_ms,
                                             .session = SessionId{resume ? resume->session : 0},
                                             .password = resume ? resume->password : Bytes(16, 0)});
  body.boolean(false);
  Bytes answer;
  if (!c->exchange(framed(body), answer, timeout)) return nullptr;
  Reader r(answer);
  const ConnectResponse response = read_connect_response(r);
  if (!r.ok()) return nullptr;
  if (response.session.value == 0 || response.timeout_ms <= 0) {
    // ZooKeeper answers an expired (or unknown) session with timeout 0 and then closes.
    if (expired != nullptr && resume != nullptr) *expired = true;
    return nullptr;
  }
  if (resume != nullptr && response.session.value != resume->session) return nullptr;  // not our session
  c->session_ = response.session.value;
  c->password_ = response.password;
  c->negotiated_timeout_ms_ = response.timeout_ms;
  ZAB_ASSERT(c->session_ != 0, "a connected client has a session");
  return c;
}

std::optional<Reply> ZkClient::call(Request request, std::chrono::milliseconds timeout) {
  if (!socket_.is_open()) return std::nullopt;
  request.xid = next_xid_++;
  Writer body;
  write_request(body, request, AclList::kOpenUnsafe);
  Bytes answer;
  if (!exchange(framed(body), answer, timeout)) return std::nullopt;
  Reader r(answer);
  Reply reply;
  reply.xid = r.i32();
  reply.zxid = Zxid::from_raw(r.u64());
  reply.err = static_cast<Err>(r.i32());
  reply.type = request.type;  // ZooKeeper's reply does not say; the client knows it by xid
  if (reply.xid != request.xid) return std::nullopt;  // a notification or a ping's answer: not ours
  read_reply_body(r, reply);
  if (!r.ok()) return std::nullopt;
  return reply;
}

}  // namespace zab::tools::real
