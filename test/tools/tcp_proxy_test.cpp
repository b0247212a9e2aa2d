// The TCP proxy of `zabsim real` over loopback, between a client and an echo server: bytes
// pass; a cut holds them (they arrive when it heals, as TCP's retransmissions would deliver
// them); a one-way cut holds one direction only; a delay holds each chunk that long; a reset
// fails the connection at both ends; a dead target closes what connects.

#include "tools/real/tcp_proxy.h"

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string>
#include <thread>

namespace asio = boost::asio;
using asio::ip::tcp;
using zab::tools::real::TcpProxy;
using Direction = TcpProxy::Direction;

namespace {

// An echo server on a thread of its own: writes back whatever each connection sends.
class EchoServer {
 public:
  EchoServer() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~EchoServer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    void read() {
      auto self = shared_from_this();
      socket.async_read_some(asio::buffer(data), [self](boost::system::error_code ec, std::size_t n) {
        if (ec) return;
        asio::async_write(self->socket, asio::buffer(self->data, n),
                          [self](boost::system::error_code wec, std::size_t) {
                            if (!wec) self->read();
                          });
      });
    }
    tcp::socket socket;
    std::array<char, 1024> data{};
  };
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(std::move(s))->read();
      accept();
    });
  }
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// A blocking client with a deadline on each read.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  }
  void send(const std::string& text) { asio::write(socket_, asio::buffer(text)); }
  // What arrives within `timeout` (up to `size` bytes), or nullopt on a timeout; "" when the
  // connection failed or closed.
  std::optional<std::string> receive(std::size_t size, std::chrono::milliseconds timeout) {
    std::string got(size, '\0');
    std::optional<std::string> result;
    bool done = false;
    asio::async_read(socket_, asio::buffer(got), [&](boost::system::error_code ec, std::size_t n) {
      done = true;
      result = ec ? std::string() : got.substr(0, n);
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      socket_.cancel();
      io_.restart();
      io_.run();  // the cancelled read completes here, while `got` lives
      return std::nullopt;
    }
    return result;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
};

constexpr auto kShort = std::chrono::milliseconds(200);
constexpr auto kLong = std::chrono::milliseconds(3000);

}  // namespace

TEST_CASE("tcp proxy: forwards both ways, and a cut holds the bytes until it heals") {
  EchoServer echo;
  TcpProxy proxy(echo.port());
  Client c(proxy.port());
  c.send("ping");
  CHECK(c.receive(4, kLong) == std::optional<std::string>("ping"));

  proxy.set_cut(Direction::kToTarget, true);
  c.send("held");
  CHECK(c.receive(4, kShort) == std::nullopt);  // nothing passes
  proxy.set_cut(Direction::kToTarget, false);
  CHECK(c.receive(4, kLong) == std::optional<std::string>("held"));  // delivered after the heal
  CHECK(proxy.open_connections() == 1);
}

TEST_CASE("tcp proxy: a one-way cut from the target holds the answers only") {
  EchoServer echo;
  TcpProxy proxy(echo.port());
  Client c(proxy.port());
  proxy.set_cut(Direction::kFromTarget, true);
  c.send("one way");  // reaches the echo server; its answer is held
  CHECK(c.receive(7, kShort) == std::nullopt);
  proxy.set_cut(Direction::kFromTarget, false);
  CHECK(c.receive(7, kLong) == std::optional<std::string>("one way"));
}

TEST_CASE("tcp proxy: a delay holds each chunk that long") {
  EchoServer echo;
  TcpProxy proxy(echo.port());
  Client c(proxy.port());
  proxy.set_delay(Direction::kToTarget, std::chrono::milliseconds(400));  // each way: 800 ms for the round trip
  proxy.set_delay(Direction::kFromTarget, std::chrono::milliseconds(400));
  c.send("slow");
  CHECK(c.receive(4, kShort) == std::nullopt);
  CHECK(c.receive(4, kLong) == std::optional<std::string>("slow"));
}

TEST_CASE("tcp proxy: a reset fails the connection; a new one goes through") {
  EchoServer echo;
  TcpProxy proxy(echo.port());
  Client c(proxy.port());
  c.send("a");
  REQUIRE(c.receive(1, kLong) == std::optional<std::string>("a"));
  proxy.reset_connections();
  CHECK(c.receive(1, kLong) == std::optional<std::string>(""));  // failed, not timed out
  CHECK(proxy.open_connections() == 0);
  Client again(proxy.port());
  again.send("b");
  CHECK(again.receive(1, kLong) == std::optional<std::string>("b"));
}

TEST_CASE("tcp proxy: with the target down, what connects is closed") {
  std::uint16_t dead_port = 0;
  {
    EchoServer gone;  // a port that was free a moment ago and has nobody listening now
    dead_port = gone.port();
  }
  TcpProxy proxy(dead_port);
  Client c(proxy.port());
  CHECK(c.receive(1, kLong) == std::optional<std::string>(""));
}

TEST_CASE("tcp proxy: a refused target is tried again on the retry policy, as a learner retries its leader") {
  // A port nobody listens on yet; the echo server takes it 250 ms after the client connects.
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = probe.local_endpoint().port();
  }
  TcpProxy proxy(port);
  proxy.retry_refused_target(4, std::chrono::milliseconds(100));
  Client c(proxy.port());
  c.send("late");
  asio::io_context io;
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  tcp::acceptor late(io, tcp::endpoint(asio::ip::address_v4::loopback(), port));
  tcp::socket served(io);
  late.accept(served);  // the proxy's third or fourth try
  std::array<char, 4> got{};
  asio::read(served, asio::buffer(got));
  CHECK(std::string(got.data(), 4) == "late");  // what the client sent while the proxy retried
}

TEST_CASE("tcp proxy: the election address a server advertises is replaced by the reverse path's") {
  auto message = [](std::int64_t version, std::int64_t sid, const std::string& address) {
    std::string m;
    for (int shift = 56; shift >= 0; shift -= 8) m.push_back(static_cast<char>((static_cast<std::uint64_t>(version) >> shift) & 0xff));
    for (int shift = 56; shift >= 0; shift -= 8) m.push_back(static_cast<char>((static_cast<std::uint64_t>(sid) >> shift) & 0xff));
    for (int shift = 24; shift >= 0; shift -= 8) m.push_back(static_cast<char>((address.size() >> shift) & 0xff));
    return m + address;
  };
  const std::string v1 = message(-65536, 2, "127.0.0.1:3888");
  // Incomplete: nothing yet.
  CHECK(!zab::tools::real::rewrite_initial_message(v1.substr(0, 7), 41000));
  CHECK(!zab::tools::real::rewrite_initial_message(v1.substr(0, 19), 41000));
  CHECK(!zab::tools::real::rewrite_initial_message(v1.substr(0, v1.size() - 1), 41000));
  // Complete, with the next message's first bytes behind it: the address replaced, the rest kept.
  const auto out = zab::tools::real::rewrite_initial_message(v1 + "NEXT", 41000);
  REQUIRE(out);
  CHECK(*out == message(-65536, 2, "127.0.0.1:41000") + "NEXT");
  // The old protocol (a bare sid) and an implausible length pass unchanged.
  const std::string old = message(3, 0, "").substr(0, 8);
  CHECK(zab::tools::real::rewrite_initial_message(old, 41000) == std::optional<std::string>(old));
  std::string odd = message(-65536, 2, "");
  odd[16] = '\x7f';  // a length of about 2^31
  CHECK(zab::tools::real::rewrite_initial_message(odd, 41000) == std::optional<std::string>(odd));
}

TEST_CASE("tcp proxy: the target closing a connection reaches the other end at once") {
  asio::io_context io;
  tcp::acceptor server(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  TcpProxy proxy(server.local_endpoint().port());
  Client c(proxy.port());
  tcp::socket served(io);
  server.accept(served);
  c.send("x");
  std::array<char, 1> got{};
  asio::read(served, asio::buffer(got));
  const auto closed_at = std::chrono::steady_clock::now();
  served.close();  // as a leader closes a learner's socket when it steps down
  CHECK(c.receive(1, kLong) == std::optional<std::string>(""));
  CHECK(std::chrono::steady_clock::now() - closed_at < std::chrono::milliseconds(500));
}
