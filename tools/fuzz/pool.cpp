#include "tools/fuzz/pool.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "protocol/base/assert.h"

namespace zab::fuzz {

namespace {

struct Worker {
  pid_t pid = -1;
  int to_worker = -1;    // parent writes run indices
  int from_worker = -1;  // parent reads answer lines
  int errors = -1;       // parent reads the worker's stderr
  bool busy = false;
  std::uint64_t index = 0;
  std::string line_buffer;
  std::string error_buffer;
};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

[[noreturn]] void worker_main(int commands, int answers, const PoolCallbacks& callbacks) {
  std::uint64_t index = 0, payload_size = 0;
  std::string payload;
  while (read_all(commands, reinterpret_cast<char*>(&index), sizeof index)) {
    if (!read_all(commands, reinterpret_cast<char*>(&payload_size), sizeof payload_size)) break;
    payload.resize(payload_size);
    if (!read_all(commands, payload.data(), payload.size())) break;
    std::string line = callbacks.work(index, payload);
    ZAB_ASSERT(line.find('\n') == std::string::npos, "a worker's answer is one line");
    line += '\n';
    if (!write_all(answers, line.data(), line.size())) break;
  }
  // _exit: the parent's stdio buffers and atexit handlers are not the worker's to flush.
  ::_exit(0);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Worker spawn(const PoolCallbacks& callbacks, std::vector<Worker>& all) {
  int commands[2], answers[2], errors[2];
  ZAB_ASSERT(::pipe(commands) == 0 && ::pipe(answers) == 0 && ::pipe(errors) == 0, "pipes for a worker can be made");
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  ZAB_ASSERT(pid >= 0, "a worker process can be forked");
  if (pid == 0) {
    // The worker: keep only its own ends; other workers' pipes must not be held open here,
    // or the parent would never see them close.
    for (Worker& w : all) {
      close_fd(w.to_worker);
      close_fd(w.from_worker);
      close_fd(w.errors);
    }
    ::close(commands[1]);
    ::close(answers[0]);
    ::close(errors[0]);
    ::dup2(errors[1], STDERR_FILENO);
    ::close(errors[1]);
    worker_main(commands[0], answers[1], callbacks);
  }
  ::close(commands[0]);
  ::close(answers[1]);
  ::close(errors[1]);
  Worker w;
  w.pid = pid;
  w.to_worker = commands[1];
  w.from_worker = answers[0];
  w.errors = errors[0];
  return w;
}

std::string death_text(int status) {
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  return "ended";
}

// Reads what is available; false at end of file.
bool drain(int fd, std::string& into) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  into.append(buffer, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

std::size_t run_pool(const std::vector<std::uint64_t>& indices, unsigned jobs, const PoolCallbacks& callbacks) {
  return run_pool(indices.size(), [&indices](std::uint64_t k) { return indices[k]; }, jobs, callbacks);
}

std::uint64_t run_pool(std::uint64_t count, const std::function<std::uint64_t(std::uint64_t k)>& index_at, unsigned jobs,
                       const PoolCallbacks& callbacks) {
  ZAB_ASSERT(jobs >= 1, "a pool has at least one worker");
  // A worker that died must not kill the parent through a write to its command pipe.
  ::signal(SIGPIPE, SIG_IGN);
  std::vector<Worker> workers;
  std::uint64_t next = 0;
  std::size_t busy = 0;
  bool stopped = false;
  auto hand_out = [&](Worker& w) {
    if (stopped || next >= count || w.busy || w.pid < 0) return;
    if (callbacks.ready && !callbacks.ready(next)) return;
    if (!callbacks.keep_going()) {
      stopped = true;
      return;
    }
    w.index = index_at(next++);
    w.busy = true;
    w.line_buffer.clear();
    w.error_buffer.clear();
    ++busy;
    const std::string payload = callbacks.payload ? callbacks.payload(w.index) : std::string();
    const std::uint64_t payload_size = payload.size();
    ZAB_ASSERT(write_all(w.to_worker, reinterpret_cast<const char*>(&w.index), sizeof w.index) &&
                   write_all(w.to_worker, reinterpret_cast<const char*>(&payload_size), sizeof payload_size) &&
                   write_all(w.to_worker, payload.data(), payload.size()),
               "a live worker accepts a run index and its payload");
  };
  // Every free worker gets the next position if it may go out now.
  auto hand_out_all = [&] {
    for (Worker& w : workers) hand_out(w);
    ZAB_ASSERT(busy > 0 || stopped || next >= count,
               "a position is ready once every position before it has finished (PoolCallbacks::ready)");
  };
  const std::uint64_t start = std::min<std::uint64_t>(jobs, count);
  for (std::uint64_t i = 0; i < start; ++i) {
    workers.push_back(spawn(callbacks, workers));
    hand_out(workers.back());
  }
  while (busy > 0) {
    std::vector<pollfd> fds;
    for (const Worker& w : workers) {
      fds.push_back(pollfd{w.from_worker, POLLIN, 0});
      fds.push_back(pollfd{w.errors, w.errors >= 0 ? static_cast<short>(POLLIN) : static_cast<short>(0), 0});
    }
    const int ready = ::poll(fds.data(), fds.size(), 100);
    callbacks.tick();
    if (ready <= 0) continue;
    for (std::size_t k = 0; k < workers.size(); ++k) {
      Worker& w = workers[k];
      if (w.errors >= 0 && (fds[2 * k + 1].revents & (POLLIN | POLLHUP)) != 0) {
        if (!drain(w.errors, w.error_buffer)) close_fd(w.errors);
      }
      if ((fds[2 * k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const bool open = drain(w.from_worker, w.line_buffer);
      std::size_t newline;
      while ((newline = w.line_buffer.find('\n')) != std::string::npos) {
        ZAB_ASSERT(w.busy, "a worker answers only the run it was given");
        PoolResult r{.index = w.index, .line = w.line_buffer.substr(0, newline)};
        w.line_buffer.erase(0, newline + 1);
        w.busy = false;
        --busy;
        callbacks.done(std::move(r));
        hand_out_all();
      }
      if (open) continue;
      // The worker died (or, idle, was told nothing more): collect it and its last words.
      while (w.errors >= 0 && drain(w.errors, w.error_buffer)) {
      }
      close_fd(w.errors);
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      close_fd(w.to_worker);
      close_fd(w.from_worker);
      if (w.busy) {
        PoolResult r{.index = w.index, .crashed = true};
        r.crash_text = w.error_buffer.empty() ? death_text(status) : w.error_buffer + death_text(status);
        --busy;
        callbacks.done(std::move(r));
      }
      w.pid = -1;
      w.busy = false;
      if (!stopped && next < count) {
        workers[k] = spawn(callbacks, workers);
      }
      hand_out_all();
    }
  }
  for (Worker& w : workers) {
    if (w.pid < 0) continue;
    close_fd(w.to_worker);  // end of file: the worker exits
    while (w.from_worker >= 0 && drain(w.from_worker, w.line_buffer)) {
    }
    close_fd(w.from_worker);
    close_fd(w.errors);
    int status = 0;
    ::waitpid(w.pid, &status, 0);
  }
  return next;
}

}  // namespace zab::fuzz
