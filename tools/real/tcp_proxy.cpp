#include "tools/real/tcp_proxy.h"

#include <array>
#include <future>

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
}  // namespace

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
    for (auto& link : links_) link->close();
  });
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
    if (ec) return;  // the acceptor was closed: the proxy is going away
    auto link = std::make_shared<Link>(io_);
    link->from_peer = std::move(peer);
    std::erase_if(links_, [](const std::shared_ptr<Link>& l) { return l->closed; });
    links_.push_back(link);
    link->to_target.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), target_port_),
                                  [this, link](boost::system::error_code connect_ec) {
                                    if (connect_ec) {
                                      link->close();  // the target is down: so is the path
                                      return;
                                    }
                                    pump(link, Direction::kToTarget);
                                    pump(link, Direction::kFromTarget);
                                  });
    accept_next();
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
    forward(link, d, n);
  });
}

void TcpProxy::forward(const std::shared_ptr<Link>& link, Direction d, std::size_t n) {
  const std::size_t i = index(d);
  auto write = [this, link, d, i, n] {
    asio::async_write(link->sink(d), asio::buffer(link->buffer[i], n),
                      [this, link, d](boost::system::error_code write_ec, std::size_t) {
                        if (write_ec) {
                          link->close();
                          return;
                        }
                        pump(link, d);
                      });
  };
  if (delay_.count() == 0) {
    write();
    return;
  }
  link->timer[i].expires_after(delay_);
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
        forward(link, d, held);
      } else {
        pump(link, d);
      }
    }
  });
}

void TcpProxy::set_delay(std::chrono::milliseconds delay) {
  ZAB_ASSERT(delay.count() >= 0, "a link's delay is not negative");
  run_on_proxy_thread([this, delay] { delay_ = delay; });
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
