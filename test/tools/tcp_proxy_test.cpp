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
  proxy.set_delay(std::chrono::milliseconds(400));  // each way: 800 ms for the round trip
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
