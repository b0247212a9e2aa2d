#pragma once
// The history of a run as the clients saw it: one record per operation — who invoked it, when
// it was invoked and completed (global simulated time), the request, and the outcome as the
// client knows it: ok with ZooKeeper's result, failed with ZooKeeper's error code, or
// indeterminate (the connection was lost or the request timed out: it may or may not have
// taken effect). Checkers judge this, never the servers' state.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/client_port/client_wire.h"
#include "sim/sim_time.h"

namespace zab::sim {

enum class Outcome : std::uint8_t { kPending, kOk, kFailed, kIndeterminate };
const char* outcome_name(Outcome outcome);

struct HistoryOp {
  std::uint64_t id = 0;        // unique in the run, in invocation order
  std::uint32_t client = 0;    // the client process's address
  SessionId session;           // 0 until the client has a session
  std::uint32_t server = 0;    // the server it was sent to
  SimTime invoke;
  std::optional<SimTime> complete;
  Request request;
  Outcome outcome = Outcome::kPending;
  Reply reply;                 // ok / failed: the server's reply (err, zxid, result)
};

class History {
 public:
  std::uint64_t invoke(std::uint32_t client, SessionId session, std::uint32_t server, SimTime at,
                       const Request& request);
  void complete(std::uint64_t id, SimTime at, Outcome outcome, const Reply& reply);
  const std::vector<HistoryOp>& ops() const { return ops_; }
  const HistoryOp& op(std::uint64_t id) const { return ops_.at(id - 1); }

 private:
  std::vector<HistoryOp> ops_;
};

}  // namespace zab::sim
