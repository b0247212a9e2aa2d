#include "tools/real/tcp_proxy.h"

#include <array>
#include <future>

#include <fmt/format.h>

#include "protocol/base/assert.h"

namespace zab::tools::real {

namespace asio = boost::asio;
using asio::ip::tcp;

// One proxied connection: the accepted socket (the connecting server's side) and the socket to
// the target, and per direction the chunk in flight and whether a cut paused its reading.
struct TcpProxy::Link {
  explicit Link(asio::io_context& io) : from_peer(io), to_target(io), timer{{asio::steady_timer(io), asio::steady_timer(io)}} {}
  tcp::socket from_peer;
  tcp::socket to_target;
  std::array<std::array<char, 16384>, 2> buffer{};
  std::array<asio::steady_timer, 2> timer;
  std::array<bool, 2> paused{false, false};
  std::array<std::size_t, 2> held{0, 0};  // bytes read into the buffer before a cut, not yet written
  bool first_message_done = false;        // the initial message was rewritten (or needs none)
  std::string first_bytes;                // its bytes so far
  std::string rewritten;                  // what is written in its place
  bool closed = false;

  tcp::socket& source(Direction d) { return d == Direction::kToTarget ? from_peer : to_target; }
  tcp::socket& sink(Direction d) { return d == Direction::kToTarget ? to_target : from_peer; }
  // Closes both sockets with a reset (linger 0): each end sees the connection fail, as when a
  // link drops a connection, not an orderly shutdown.
  void close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    for (tcp::socket* s : {&from_peer, &to_target}) {
      if (!s->is_open()) continue;
      s->set_option(asio::socket_base::linger(true, 0), ignored);
      s->close(ignored);
    }
    for (auto& t : timer) t.cancel();
  }
};

namespace {
std::size_t index(TcpProxy::Direction d) { return d == TcpProxy::Direction::kToTarget ? 0 : 1; }

std::uint64_t big_endian(const std::string& bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t k = 0; k < width; ++k) v = (v << 8) | static_cast<unsigned char>(bytes[at + k]);
  return v;
}
}  // namespace

std::optional<std::string> rewrite_initial_message(const std::string& first_bytes, std::uint16_t advertised_port) {
  constexpr std::size_t kHeader = 8 + 8 + 4;  // version, sid, address length
  constexpr std::size_t kAddressMax = 4096;   // longer than any "host:port|host:port" list
  if (first_bytes.size() < 8) return std::nullopt;
  const auto version = static_cast<std::int64_t>(big_endian(first_bytes, 0, 8));
  if (version >= 0) return first_bytes;  // the old protocol: the sid alone, no address
  if (first_bytes.size() < kHeader) return std::nullopt;
  const std::uint64_t length = big_endian(first_bytes, 16, 4);
  if (length > kAddressMax) return first_bytes;  // not the message this proxy knows: untouched
  if (first_bytes.size() < kHeader + length) return std::nullopt;
  const std::string address = fmt::format("127.0.0.1:{}", advertised_port);
  std::string out = first_bytes.substr(0, 16);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((address.size() >> shift) & 0xff));
  out += address;
  out += first_bytes.substr(kHeader + length);  // whatever followed it in the same reads
  return out;
}

TcpProxy::TcpProxy(std::uint16_t target_port)
    : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)), target_port_(target_port) {
  port_ = acceptor_.local_endpoint().port();
  ZAB_ASSERT(port_ != 0, "the proxy listens on a port the kernel chose");
  accept_next();
  thread_ = std::thread([this] { io_.run(); });
}

TcpProxy::~TcpProxy() {
  run_on_proxy_thread([this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    for (auto& link : links_) link->close();
  });
  work_.reset();
  io_.stop();
  thread_.join();
}

void TcpProxy::run_on_proxy_thread(const std::function<void()>& action) {
  std::promise<void> done;
  asio::post(io_, [&] {
    action();
    done.set_value();
  });
  done.get_future().wait();
}

void TcpProxy::accept_next() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket peer) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;  // the proxy is going away
    if (ec) {
      // A transient failure (out of descriptors, a connection aborted while queued): try again
      // shortly rather than stop accepting for good.
      accept_retry_.expires_after(std::chrono::milliseconds(10));
      accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) accept_next();
      });
      return;
    }
    auto link = std::make_shared<Link>(io_);
    link->from_peer = std::move(peer);
    std::erase_if(links_, [](const std::shared_ptr<Link>& l) { return l->closed; });
    links_.push_back(link);
    connect_target(link, retry_attempts_);
    accept_next();
  });
}

void TcpProxy::connect_target(const std::shared_ptr<Link>& link, int attempts_left) {
  link->to_target.async_connect(
      tcp::endpoint(asio::ip::address_v4::loopback(), target_port_),
      [this, link, attempts_left](boost::system::error_code connect_ec) {
        if (link->closed) return;
        if (!connect_ec) {
          pump(link, Direction::kToTarget);
          pump(link, Direction::kFromTarget);
          return;
        }
        if (attempts_left <= 0) {
          link->close();  // the target is down or not listening: so is the path
          return;
        }
        boost::system::error_code ignored;
        link->to_target.close(ignored);  // a failed connect leaves the socket unusable
        link->timer[0].expires_after(retry_interval_);
        link->timer[0].async_wait([this, link, attempts_left](boost::system::error_code wait_ec) {
          if (!wait_ec && !link->closed) connect_target(link, attempts_left - 1);
        });
      });
}

void TcpProxy::retry_refused_target(int extra_attempts, std::chrono::milliseconds interval) {
  ZAB_ASSERT(extra_attempts >= 0 && interval.count() >= 0, "a retry policy counts and waits forward");
  run_on_proxy_thread([this, extra_attempts, interval] {
    retry_attempts_ = extra_attempts;
    retry_interval_ = interval;
  });
}

void TcpProxy::pump(const std::shared_ptr<Link>& link, Direction d) {
  if (link->closed) return;
  const std::size_t i = index(d);
  if (cut_[i]) {
    link->paused[i] = true;  // set_cut(d, false) starts reading again
    return;
  }
  link->source(d).async_read_some(asio::buffer(link->buffer[i]), [this, link, d, i](boost::system::error_code ec,
                                                                                     std::size_t n) {
    if (ec) {
      link->close();  // one end closed or failed: the other end sees it fail too
      return;
    }
    if (cut_[i]) {
      // Cut while this read was pending (one is always pending on a live direction): the
      // chunk waits for the heal with the rest.
      link->held[i] = n;
      link->paused[i] = true;
      return;
    }
    deliver(link, d, n);
  });
}

void TcpProxy::deliver(const std::shared_ptr<Link>& link, Direction d, std::size_t n) {
  const std::size_t i = index(d);
  if (d == Direction::kToTarget && advertise_port_ && !link->first_message_done) {
    link->first_bytes.append(link->buffer[i].data(), n);
    std::optional<std::string> out = rewrite_initial_message(link->first_bytes, *advertise_port_);
    if (!out) {
      pump(link, d);  // the message is not complete yet
      return;
    }
    link->first_message_done = true;
    link->first_bytes.clear();
    link->rewritten = std::move(*out);
    write_then_pump(link, d, link->rewritten.data(), link->rewritten.size());
    return;
  }
  write_then_pump(link, d, link->buffer[i].data(), n);
}

void TcpProxy::write_then_pump(const std::shared_ptr<Link>& link, Direction d, const char* data, std::size_t n) {
  const std::size_t i = index(d);
  auto write = [this, link, d, data, n] {
    asio::async_write(link->sink(d), asio::buffer(data, n), [this, link, d](boost::system::error_code write_ec, std::size_t) {
      if (write_ec) {
        link->close();
        return;
      }
      pump(link, d);
    });
  };
  if (delay_[i].count() == 0) {
    write();
    return;
  }
  link->timer[i].expires_after(delay_[i]);
  link->timer[i].async_wait([link, write](boost::system::error_code wait_ec) {
    if (!wait_ec && !link->closed) write();
  });
}

void TcpProxy::set_cut(Direction d, bool cut) {
  run_on_proxy_thread([this, d, cut] {
    const std::size_t i = index(d);
    cut_[i] = cut;
    if (cut) return;
    for (auto& link : links_) {
      if (!link->paused[i]) continue;
      link->paused[i] = false;
      const std::size_t held = std::exchange(link->held[i], 0);
      if (held > 0) {
        deliver(link, d, held);
      } else {
        pump(link, d);
      }
    }
  });
}

void TcpProxy::advertise_election_port(std::uint16_t port) {
  run_on_proxy_thread([this, port] { advertise_port_ = port; });
}

void TcpProxy::set_delay(Direction d, std::chrono::microseconds delay) {
  ZAB_ASSERT(delay.count() >= 0, "a link's delay is not negative");
  run_on_proxy_thread([this, d, delay] { delay_[index(d)] = delay; });
}

void TcpProxy::reset_connections() {
  run_on_proxy_thread([this] {
    for (auto& link : links_) link->close();
    links_.clear();
  });
}

std::size_t TcpProxy::open_connections() {
  std::size_t open = 0;
  run_on_proxy_thread([this, &open] {
    std::erase_if(links_, [](const std::shared_ptr<Link>& link) { return link->closed; });
    open = links_.size();
  });
  return open;
}

}  // namespace zab::tools::real
