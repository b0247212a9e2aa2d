#include "sim/client/history.h"

#include "protocol/base/assert.h"

namespace zab::sim {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPending: return "pending";
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kIndeterminate: return "indeterminate";
  }
  return "?";
}

std::uint64_t History::invoke(std::uint32_t client, SessionId session, std::uint32_t server, SimTime at,
                              const Request& request) {
  HistoryOp op;
  op.id = ops_.size() + 1;
  op.client = client;
  op.session = session;
  op.server = server;
  op.invoke = at;
  op.request = request;
  ops_.push_back(std::move(op));
  return ops_.back().id;
}

void History::complete(std::uint64_t id, SimTime at, Outcome outcome, const Reply& reply) {
  ZAB_ASSERT(id >= 1 && id <= ops_.size(), "a completed operation was invoked");
  HistoryOp& op = ops_[id - 1];
  ZAB_ASSERT(op.outcome == Outcome::kPending, "an operation completes once");
  ZAB_ASSERT(at >= op.invoke, "an operation completes after it was invoked");
  op.complete = at;
  op.outcome = outcome;
  op.reply = reply;
}

}  // namespace zab::sim
