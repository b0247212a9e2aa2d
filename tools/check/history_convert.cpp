#include "tools/check/history_convert.h"

#include <fmt/format.h>

#include "protocol/client_port/client_wire.h"

namespace zab::tools {

namespace {
std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

check::OpType op_type(OpCode op) {
  switch (op) {
    case OpCode::kCreate: return check::OpType::kCreate;
    case OpCode::kDelete: return check::OpType::kDelete;
    case OpCode::kSetData: return check::OpType::kSetData;
    case OpCode::kGetData: return check::OpType::kGetData;
    case OpCode::kExists: return check::OpType::kExists;
    case OpCode::kGetChildren: return check::OpType::kGetChildren;
    case OpCode::kSync: return check::OpType::kSync;
    case OpCode::kCloseSession: return check::OpType::kCloseSession;
    default: return check::OpType::kGetData;  // not recorded by clients (pings are not operations)
  }
}
}  // namespace

check::History to_check_history(const sim::History& history, std::uint32_t first_client_address) {
  check::History out;
  for (const sim::HistoryOp& op : history.ops()) {
    check::HistoryOp h;
    h.id = op.id;
    h.client = fmt::format("c{}", op.client - first_client_address + 1);
    if (op.session.value != 0) h.session = op.session.value;
    if (op.server != 0) h.server = fmt::format("s{}", op.server);
    h.invoke_ns = op.invoke.ns();
    h.type = op_type(op.request.type);
    h.path = op.request.path;
    if (op.request.type == OpCode::kCreate || op.request.type == OpCode::kSetData) h.value = text(op.request.data);
    h.version = op.request.version;
    h.ephemeral = (op.request.flags & kCreateEphemeral) != 0;
    h.sequential = (op.request.flags & kCreateSequential) != 0;
    switch (op.outcome) {
      case sim::Outcome::kOk: h.outcome = check::Outcome::kOk; break;
      case sim::Outcome::kFailed: h.outcome = check::Outcome::kFailed; break;
      case sim::Outcome::kIndeterminate:
      case sim::Outcome::kPending: h.outcome = check::Outcome::kIndeterminate; break;
    }
    if (op.complete && h.outcome != check::Outcome::kIndeterminate) h.complete_ns = op.complete->ns();
    if (h.outcome != check::Outcome::kIndeterminate) {
      const Reply& r = op.reply;
      h.result.err = r.err == Err::kOk ? "ok" : err_name(r.err);
      if (r.zxid.raw() != 0 && r.zxid.raw() != UINT64_MAX) h.result.zxid = r.zxid.raw();
      if (r.err == Err::kOk) {
        if (op.request.type == OpCode::kCreate) h.result.path = r.path;
        if (op.request.type == OpCode::kGetData) h.result.data = text(r.data);
        if (r.stat) {
          h.result.version = r.stat->version;
          h.result.cversion = r.stat->cversion;
          h.result.czxid = r.stat->czxid.raw();
          h.result.mzxid = r.stat->mzxid.raw();
          h.result.num_children = r.stat->num_children;
          h.result.ephemeral_owner = r.stat->ephemeral_owner.value;
        }
        if (op.request.type == OpCode::kGetChildren) h.result.children = r.children;
      }
    }
    out.ops.push_back(std::move(h));
  }
  return out;
}

}  // namespace zab::tools
