#include "tools/real/workload_client.h"

#include <algorithm>
#include <memory>
#include <thread>
#include <tuple>

#include "protocol/base/assert.h"
#include "sim/distributions.h"
#include "sim/client/host_walk.h"
#include "sim/rng.h"
#include "tools/real/zk_client.h"

namespace zab::tools::real {

namespace {

using Clock = std::chrono::steady_clock;

// Sleeps `ms` or until `stop`; false if stopped.
bool sleep_unless_stopped(std::int64_t ms, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    if (stop.load()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(10), until - Clock::now()));
  }
  return !stop.load();
}

class Session {
 public:
  Session(const RealClientConfig& config, Clock::time_point start, const std::atomic<bool>& stop)
      : config_(config),
        start_(start),
        stop_(stop),
        random_(sim::Rng(config.seed).fork("real/client").fork(config.index)),
        walk_(config.servers.size(), config.shuffle, random_) {}

  std::vector<RecordedOp> run() {
    if (!sleep_unless_stopped(config_.start_ms - elapsed_ms(), stop_)) return std::move(records_);
    for (const sim::ScriptedOp& op : config_.ops) {
      if (!sleep_unless_stopped(op.delay.count_ms(), stop_)) break;
      if (!client_ && !connect()) break;  // stopped, or the session expired
      issue(op.request);
    }
    return std::move(records_);
  }

 private:
  std::int64_t elapsed_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  }
  std::int64_t elapsed_ms() const { return elapsed_ns() / 1'000'000; }
  std::chrono::milliseconds connect_timeout() const {
    return std::chrono::milliseconds(std::max<std::int64_t>(1, session_timeout_ms() / static_cast<std::int64_t>(config_.servers.size())));
  }
  std::int64_t session_timeout_ms() const {
    return credentials_.session != 0 && negotiated_ms_ > 0 ? negotiated_ms_ : config_.session_timeout_ms;
  }
  std::chrono::milliseconds request_timeout() const {
    return std::chrono::milliseconds(config_.request_timeout_ms > 0 ? config_.request_timeout_ms
                                                                     : session_timeout_ms() * 2 / 3);
  }

  // Walks the connect string (host_walk.h) until a server takes the session; false if stopped
  // or the session expired.
  bool connect() {
    while (!stop_.load()) {
      const sim::HostWalk::Attempt attempt = walk_.next(random_);
      if (!sleep_unless_stopped(attempt.pause.count_ms(), stop_)) return false;
      const auto [sid, port] = config_.servers[attempt.server];
      bool expired = false;
      bool socket_connected = false;
      client_ = ZkClient::connect(port, config_.session_timeout_ms, connect_timeout(),
                                  credentials_.session != 0 ? &credentials_ : nullptr, &expired, &socket_connected);
      if (socket_connected) walk_.on_socket_connected();
      if (expired) return false;  // the session is gone: ClientCnxn closes for good
      if (client_) {
        walk_.on_session_established();
        server_ = sid;
        if (credentials_.session == 0) {
          credentials_.session = client_->session();
          credentials_.password = client_->password();
          negotiated_ms_ = client_->negotiated_timeout_ms();
        }
        return true;
      }
    }
    return false;
  }

  void issue(const Request& request) {
    RecordedOp r{.client = config_.index,
                 .session = credentials_.session,
                 .server = server_,
                 .invoke_ns = elapsed_ns(),
                 .request = request};
    const std::optional<Reply> reply = client_->call(request, request_timeout());
    if (!reply) {
      r.outcome = sim::Outcome::kIndeterminate;  // no answer in time, or the connection broke
      client_.reset();
    } else {
      r.complete_ns = elapsed_ns();
      r.outcome = reply->err == Err::kOk ? sim::Outcome::kOk : sim::Outcome::kFailed;
      r.reply = *reply;
      if (reply->zxid.raw() != UINT64_MAX && reply->zxid > credentials_.last_zxid_seen) {
        credentials_.last_zxid_seen = reply->zxid;
      }
    }
    records_.push_back(std::move(r));
  }

  const RealClientConfig& config_;
  Clock::time_point start_;
  const std::atomic<bool>& stop_;
  sim::RngSource random_;
  sim::HostWalk walk_;
  std::unique_ptr<ZkClient> client_;
  std::uint32_t server_ = 0;
  SessionCredentials credentials_;
  std::int64_t negotiated_ms_ = 0;
  std::vector<RecordedOp> records_;
};

}  // namespace

std::vector<RecordedOp> run_real_client(const RealClientConfig& config, std::chrono::steady_clock::time_point start,
                                        const std::atomic<bool>& stop) {
  return Session(config, start, stop).run();
}

sim::History merge_histories(std::vector<RecordedOp> ops, std::uint32_t first_client_address) {
  std::stable_sort(ops.begin(), ops.end(), [](const RecordedOp& a, const RecordedOp& b) {
    return std::tie(a.invoke_ns, a.client) < std::tie(b.invoke_ns, b.client);
  });
  sim::History history;
  for (const RecordedOp& op : ops) {
    const std::uint64_t id = history.invoke(first_client_address + op.client - 1, SessionId{op.session}, op.server,
                                            sim::SimTime::from_ns(op.invoke_ns), op.request);
    if (op.outcome == sim::Outcome::kOk || op.outcome == sim::Outcome::kFailed) {
      ZAB_ASSERT(op.complete_ns.has_value(), "an operation with an answer has its completion time");
      history.complete(id, sim::SimTime::from_ns(*op.complete_ns), op.outcome, op.reply);
    } else if (op.outcome == sim::Outcome::kIndeterminate) {
      history.complete(id, sim::SimTime::from_ns(op.invoke_ns), op.outcome, Reply{});
    }
  }
  return history;
}

}  // namespace zab::tools::real
