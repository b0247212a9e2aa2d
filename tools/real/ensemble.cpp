#include "tools/real/ensemble.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "protocol/base/assert.h"

namespace zab::tools::real {

namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<ZooKeeperInstall> find_zookeeper(std::string& missing) {
  // Debian's package layout: the server jar and the log4j binding its console logging needs.
  const std::vector<std::string> jars = {"/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-log4j12.jar",
                                         "/usr/share/java/log4j-1.2.jar"};
  std::string classpath;
  for (const std::string& jar : jars) {
    if (!std::filesystem::exists(jar)) {
      missing = jar;
      return std::nullopt;
    }
    classpath += (classpath.empty() ? "" : ":") + jar;
  }
  for (const char* java : {"/usr/bin/java"}) {
    if (::access(java, X_OK) == 0) return ZooKeeperInstall{java, classpath};
  }
  missing = "/usr/bin/java";
  return std::nullopt;
}

std::vector<ServerPorts> free_ports(std::size_t n) {
  asio::io_context io;
  // Hold every socket open until all are chosen, so that no port is handed out twice.
  std::vector<tcp::acceptor> held;
  std::vector<std::uint16_t> chosen;
  for (std::size_t i = 0; i < 3 * n; ++i) {
    held.emplace_back(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    chosen.push_back(held.back().local_endpoint().port());
  }
  std::vector<ServerPorts> ports;
  for (std::size_t i = 0; i < n; ++i) ports.push_back(ServerPorts{chosen[3 * i], chosen[3 * i + 1], chosen[3 * i + 2]});
  return ports;
}

std::optional<std::string> four_letter_word(std::uint16_t port, const std::string& word,
                                            std::chrono::milliseconds timeout) {
  asio::io_context io;
  tcp::socket socket(io);
  std::string reply;
  std::array<char, 4096> buffer{};
  bool finished = false;
  std::function<void()> read_more = [&] {
    socket.async_read_some(asio::buffer(buffer), [&](const boost::system::error_code& ec, std::size_t n) {
      reply.append(buffer.data(), n);
      if (ec) {
        finished = ec == asio::error::eof;  // the server answers, then closes
        return;
      }
      read_more();
    });
  };
  socket.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), [&](const boost::system::error_code& ec) {
    if (ec) return;
    asio::async_write(socket, asio::buffer(word), [&](const boost::system::error_code& wec, std::size_t) {
      if (!wec) read_more();
    });
  });
  io.run_for(timeout);
  if (!finished) return std::nullopt;
  return reply;
}

Ensemble::Ensemble(ZooKeeperInstall install, std::vector<ServerSetup> setups, std::vector<ServerPorts> ports,
                   std::string root)
    : install_(std::move(install)), setups_(std::move(setups)), ports_(std::move(ports)), root_(std::move(root)) {
  ZAB_ASSERT(setups_.size() == ports_.size(), "one set of ports per server");
  for (const ServerSetup& s : setups_) {
    const std::filesystem::path dir = std::filesystem::path(root_) / fmt::format("s{}", s.sid);
    std::filesystem::create_directories(dir / "data");
    std::ofstream(dir / "zoo.cfg") << s.zoo_cfg;
    std::ofstream(dir / "data" / "myid") << s.sid << "\n";
    // log4j 1.2's console appender in the pattern Debian's package configures.
    std::ofstream(dir / "log4j.properties")
        << "log4j.rootLogger=INFO, CONSOLE\n"
           "log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender\n"
           "log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout\n"
           "log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m%n\n";
  }
}

Ensemble::~Ensemble() { kill_all(); }

std::string Ensemble::log_path(std::uint32_t sid) const {
  return (std::filesystem::path(root_) / fmt::format("s{}", sid) / "server.log").string();
}

void Ensemble::start(std::uint32_t sid) {
  ZAB_ASSERT(sid >= 1 && sid <= setups_.size(), "a server of the ensemble");
  if (running(sid)) return;
  const std::string dir = (std::filesystem::path(root_) / fmt::format("s{}", sid)).string();
  std::vector<std::string> args = {install_.java, "-Xmx256m", "-cp", dir + ":" + install_.classpath,
                                   "-Dzookeeper.log.dir=" + dir, "-Dlog4j.configuration=file:" + dir + "/log4j.properties"};
  for (const std::string& p : setups_[sid - 1].jvm_properties) args.push_back(p);
  args.push_back("org.apache.zookeeper.server.quorum.QuorumPeerMain");
  args.push_back(dir + "/zoo.cfg");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = log_path(sid);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("cannot start server {}: fork failed", sid));
  if (pid == 0) {
    // The child: dies with its parent, whatever kills the parent.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // Ctrl-C in the terminal reaches zabsim, which then kills the servers
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    // No other descriptor of zabsim's goes with it: a JVM holding a copy of a proxy's or a
    // client's socket would keep that connection open after zabsim closed it (a learner then
    // never saw its leader go, until its read timeout).
    if (::close_range(3, ~0U, 0) != 0) {
      for (int other = 3; other < 65536; ++other) ::close(other);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pids_[sid] = pid;
}

void Ensemble::kill(std::uint32_t sid) {
  const auto it = pids_.find(sid);
  if (it == pids_.end()) return;
  ::kill(it->second, SIGKILL);
  int status = 0;
  ::waitpid(it->second, &status, 0);
  pids_.erase(it);
  stopped_.erase(sid);
}

void Ensemble::stop(std::uint32_t sid) {
  const auto it = pids_.find(sid);
  if (it == pids_.end() || stopped(sid)) return;
  ::kill(it->second, SIGSTOP);
  stopped_[sid] = true;
}

void Ensemble::resume(std::uint32_t sid) {
  const auto it = pids_.find(sid);
  if (it == pids_.end() || !stopped(sid)) return;
  ::kill(it->second, SIGCONT);
  stopped_.erase(sid);
}

void Ensemble::kill_all() {
  while (!pids_.empty()) kill(pids_.begin()->first);
}

std::optional<ServerStatus> Ensemble::status(std::uint32_t sid) const {
  if (!running(sid) || stopped(sid)) return std::nullopt;
  const auto answer = four_letter_word(ports_[sid - 1].client, "srvr", std::chrono::milliseconds(300));
  if (!answer) return std::nullopt;
  return parse_srvr(*answer);
}

}  // namespace zab::tools::real
