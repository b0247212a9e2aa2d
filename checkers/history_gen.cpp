#include "checkers/history_gen.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <vector>

#include "checkers/model.h"
#include "protocol/base/assert.h"

namespace zab::check {

namespace {

// splitmix64 as a stream: small, and pinned to one algorithm so a seed means the same history
// everywhere (the checkers do not depend on the simulator's Rng).
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  std::int64_t latency_ns() { return 50'000 + static_cast<std::int64_t>(below(450'000)); }  // 50..500 us

 private:
  std::uint64_t state_;
};

struct Node {
  std::string data;
  std::int32_t version = 0;
  std::uint64_t mzxid = 0;
};

// One entry of the leader's log: an update's effect (or an error txn's: none).
struct Txn {
  std::uint64_t zxid = 0;
  OpType type = OpType::kSetData;
  std::string path;
  std::string data;
  bool changes = false;       // false: an error txn (BADVERSION, NODEEXISTS, NONODE)
  std::int64_t commit_ns = 0;
};

struct Server {
  std::vector<std::int64_t> apply_ns;   // when it applied each log entry (non-decreasing)
  std::size_t applied = 0;              // entries materialized in `tree`
  std::map<std::string, Node> tree;
};

class Generator {
 public:
  explicit Generator(const GeneratorConfig& c) : c_(c), rng_(c.seed), servers_(c.servers) {
    ZAB_ASSERT(c.clients > 0 && c.servers > 0 && c.paths > 0, "a generated ensemble has clients, servers, paths");
  }

  History run() {
    struct Client {
      std::size_t server = 0;
      std::size_t last_seen = 0;  // log entries the client has seen (its lastZxidSeen)
      std::uint64_t counter = 0;
    };
    std::vector<Client> clients(c_.clients);
    using Ready = std::pair<std::int64_t, std::size_t>;  // (next invoke time, client)
    std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready;
    for (std::size_t i = 0; i < c_.clients; ++i) {
      clients[i].server = i % c_.servers;
      ready.emplace(static_cast<std::int64_t>(rng_.below(1'000'000)), i);
    }
    History h;
    while (h.ops.size() < c_.operations) {
      auto [t, ci] = ready.top();
      ready.pop();
      Client& cl = clients[ci];
      HistoryOp op;
      op.id = h.ops.size() + 1;
      op.client = fmt::format("c{}", ci);
      op.session = static_cast<std::int64_t>(ci + 1);
      op.invoke_ns = t;
      op.path = fmt::format("/k{}", rng_.below(c_.paths));
      Server& s = servers_[cl.server];
      const std::uint64_t pick = rng_.below(100);
      std::int64_t done = 0;
      bool moved = false;
      if (pick < 50) {
        // A read, served by the connected server once it has seen what the client has seen.
        op.type = pick < 40 ? OpType::kGetData : OpType::kExists;
        const std::int64_t serve = t + rng_.latency_ns();
        std::size_t upto = std::max(cl.last_seen, applied_by(s, serve));
        if (upto > cl.last_seen) upto = cl.last_seen + rng_.below(upto - cl.last_seen + 1);  // lag
        advance(s, upto);
        done = std::max(serve, upto > 0 ? s.apply_ns[upto - 1] : 0) + rng_.latency_ns();
        auto it = s.tree.find(op.path);
        if (it == s.tree.end()) {
          op.outcome = Outcome::kFailed;
          op.result.err = "NONODE";
        } else {
          op.result.version = it->second.version;
          if (op.type == OpType::kGetData) {
            op.result.data = it->second.data;
            op.result.mzxid = it->second.mzxid;
          }
        }
        cl.last_seen = s.applied;
        op.result.zxid = zxid_of(s.applied);
      } else if (pick < 55) {
        // sync: the leader marks its log position; the server answers once it has applied it.
        op.type = OpType::kSync;
        order_ns_ = std::max(order_ns_ + 1, t + rng_.latency_ns());
        const std::size_t mark = log_.size();
        advance(s, mark);
        done = std::max(order_ns_, mark > 0 ? s.apply_ns[mark - 1] : 0) + rng_.latency_ns();
        cl.last_seen = std::max(cl.last_seen, mark);
        op.result.zxid = zxid_of(mark);
      } else {
        // A write: ordered by the leader against the leader's state (its log), applied by
        // every server in order, answered by the connected server once it applied it.
        const bool lost = rng_.chance(c_.indeterminate_fraction / 0.45);
        make_write(op, cl.counter++, ci);
        const bool happens = !lost || rng_.chance(0.5);
        std::size_t index = 0;
        if (happens) index = append(op, t);
        if (lost) {
          op.outcome = Outcome::kIndeterminate;
          op.result = OpResult{};
          done = t + 5'000'000;  // the client gives up after a timeout and moves on
          moved = true;
        } else {
          advance(s, index);
          done = s.apply_ns[index - 1] + rng_.latency_ns();
          cl.last_seen = std::max(cl.last_seen, index);
          op.result.zxid = zxid_of(index);
        }
      }
      if (op.outcome != Outcome::kIndeterminate) op.complete_ns = done;
      if (!c_.zxids) {
        op.result.zxid.reset();
        op.result.mzxid.reset();
      }
      h.ops.push_back(std::move(op));
      if (moved || rng_.chance(c_.failover_fraction)) cl.server = (cl.server + 1 + rng_.below(c_.servers - 1 + 1)) % c_.servers;
      ready.emplace(done + static_cast<std::int64_t>(rng_.below(200'000)), ci);
    }
    return h;
  }

 private:
  static std::uint64_t zxid_of(std::size_t entries) { return (1ULL << 32) | entries; }

  // Decides the write against the leader's state and fills in its result.
  void make_write(HistoryOp& op, std::uint64_t n, std::size_t client) {
    const std::string value = fmt::format("c{}-{}", client, n);
    auto it = leader_.find(op.path);
    const bool exists = it != leader_.end();
    const std::uint64_t pick = rng_.below(100);
    if (!exists || pick < 10) {
      op.type = OpType::kCreate;
      op.value = value;
      if (exists) {
        op.outcome = Outcome::kFailed;
        op.result.err = "NODEEXISTS";
      } else {
        op.result.path = op.path;
      }
    } else if (pick < 20) {
      op.type = OpType::kDelete;
      if (rng_.chance(0.3)) op.version = it->second.version - static_cast<std::int32_t>(rng_.below(2));
      if (op.version != -1 && op.version != it->second.version) {
        op.outcome = Outcome::kFailed;
        op.result.err = "BADVERSION";
      }
    } else {
      op.type = OpType::kSetData;
      op.value = value;
      if (rng_.chance(0.3)) op.version = it->second.version - static_cast<std::int32_t>(rng_.below(2));
      if (op.version != -1 && op.version != it->second.version) {
        op.outcome = Outcome::kFailed;
        op.result.err = "BADVERSION";
      } else {
        op.result.version = it->second.version + 1;
      }
    }
  }

  // Appends the write's txn to the log, applies it to the leader's state and schedules every
  // server's application of it. Returns the log length after it.
  std::size_t append(const HistoryOp& op, std::int64_t t) {
    order_ns_ = std::max(order_ns_ + 1, t + rng_.latency_ns());
    Txn txn{.zxid = zxid_of(log_.size() + 1), .type = op.type, .path = op.path, .data = op.value.value_or(""),
            .changes = op.outcome == Outcome::kOk, .commit_ns = order_ns_ + rng_.latency_ns()};
    if (txn.changes) apply(leader_, txn);
    log_.push_back(txn);
    for (Server& s : servers_) {
      const std::int64_t prev = s.apply_ns.empty() ? 0 : s.apply_ns.back();
      s.apply_ns.push_back(std::max(prev, txn.commit_ns + static_cast<std::int64_t>(rng_.below(2'000'000))));
    }
    return log_.size();
  }

  static void apply(std::map<std::string, Node>& tree, const Txn& txn) {
    switch (txn.type) {
      case OpType::kCreate: tree[txn.path] = Node{txn.data, 0, txn.zxid}; break;
      case OpType::kDelete: tree.erase(txn.path); break;
      case OpType::kSetData: {
        Node& n = tree.at(txn.path);
        n = Node{txn.data, n.version + 1, txn.zxid};
        break;
      }
      default: break;
    }
  }

  // Log entries server `s` had applied by time `t`.
  static std::size_t applied_by(const Server& s, std::int64_t t) {
    return static_cast<std::size_t>(std::upper_bound(s.apply_ns.begin(), s.apply_ns.end(), t) - s.apply_ns.begin());
  }

  void advance(Server& s, std::size_t upto) {
    while (s.applied < upto) {
      const Txn& txn = log_[s.applied++];
      if (txn.changes) apply(s.tree, txn);
    }
  }

  GeneratorConfig c_;
  SplitMix rng_;
  std::vector<Server> servers_;
  std::vector<Txn> log_;
  std::map<std::string, Node> leader_;
  std::int64_t order_ns_ = 0;
};

}  // namespace

History generate_zk_history(const GeneratorConfig& config) { return Generator(config).run(); }

}  // namespace zab::check
