#include "protocol/database/txn.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"

namespace zab {

const char* op_name(OpCode op) {
  switch (op) {
    case OpCode::kNotification: return "notification";
    case OpCode::kCreate: return "create";
    case OpCode::kDelete: return "delete";
    case OpCode::kExists: return "exists";
    case OpCode::kGetData: return "getData";
    case OpCode::kSetData: return "setData";
    case OpCode::kGetChildren: return "getChildren";
    case OpCode::kSync: return "sync";
    case OpCode::kPing: return "ping";
    case OpCode::kCreateSession: return "createSession";
    case OpCode::kCloseSession: return "closeSession";
    case OpCode::kError: return "error";
  }
  return "unknown";
}

const char* err_name(Err err) {
  switch (err) {
    case Err::kOk: return "OK";
    case Err::kSystemError: return "SYSTEMERROR";
    case Err::kRuntimeInconsistency: return "RUNTIMEINCONSISTENCY";
    case Err::kConnectionLoss: return "CONNECTIONLOSS";
    case Err::kMarshallingError: return "MARSHALLINGERROR";
    case Err::kOperationTimeout: return "OPERATIONTIMEOUT";
    case Err::kBadArguments: return "BADARGUMENTS";
    case Err::kNoNode: return "NONODE";
    case Err::kBadVersion: return "BADVERSION";
    case Err::kNoChildrenForEphemerals: return "NOCHILDRENFOREPHEMERALS";
    case Err::kNodeExists: return "NODEEXISTS";
    case Err::kNotEmpty: return "NOTEMPTY";
    case Err::kSessionExpired: return "SESSIONEXPIRED";
    case Err::kSessionMoved: return "SESSIONMOVED";
  }
  return "UNKNOWN";
}

namespace {

OpCode body_op(const TxnBody& body) {
  struct Visitor {
    OpCode operator()(const CreateTxn&) const { return OpCode::kCreate; }
    OpCode operator()(const DeleteTxn&) const { return OpCode::kDelete; }
    OpCode operator()(const SetDataTxn&) const { return OpCode::kSetData; }
    OpCode operator()(const CreateSessionTxn&) const { return OpCode::kCreateSession; }
    OpCode operator()(const CloseSessionTxn&) const { return OpCode::kCloseSession; }
    OpCode operator()(const ErrorTxn&) const { return OpCode::kError; }
  };
  return std::visit(Visitor{}, body);
}

}  // namespace

void encode_txn(const Txn& txn, Writer& w) {
  ZAB_ASSERT(body_op(txn.body) == txn.header.type, "a txn header's type matches its body");
  const std::size_t start = w.bytes().size();
  w.i64(txn.header.session.value);
  w.i32(txn.header.cxid);
  w.u64(txn.header.zxid.raw());
  w.i64(txn.header.time_ms);
  w.i32(static_cast<std::int32_t>(txn.header.type));
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, CreateTxn>) {
          w.string(b.path);
          w.buffer(b.data);
          w.i32(0);  // ACL list: empty (ACLs are out of scope)
          w.boolean(b.ephemeral);
          w.i32(b.parent_cversion);
        } else if constexpr (std::is_same_v<T, DeleteTxn>) {
          w.string(b.path);
        } else if constexpr (std::is_same_v<T, SetDataTxn>) {
          w.string(b.path);
          w.buffer(b.data);
          w.i32(b.version);
        } else if constexpr (std::is_same_v<T, CreateSessionTxn>) {
          w.i32(b.timeout_ms);
        } else if constexpr (std::is_same_v<T, CloseSessionTxn>) {
          ZAB_ASSERT(b.paths_to_delete.size() <= 1'000'000, "a closeSession lists no more paths than a reader accepts");
          w.i32(static_cast<std::int32_t>(b.paths_to_delete.size()));
          for (const auto& p : b.paths_to_delete) w.string(p);
        } else if constexpr (std::is_same_v<T, ErrorTxn>) {
          w.i32(static_cast<std::int32_t>(b.err));
        }
      },
      txn.body);
  // TxnHeader: clientId (8), cxid (4), zxid (8), time (8), type (4).
  ZAB_ASSERT(w.bytes().size() - start >= 32, "a serialized txn holds at least its 32-byte header");
}

Bytes encode_txn(const Txn& txn) {
  Writer w;
  encode_txn(txn, w);
  return w.take();
}

std::optional<Txn> decode_txn(Reader& r) {
  Txn txn;
  txn.header.session.value = r.i64();
  txn.header.cxid = r.i32();
  txn.header.zxid = Zxid::from_raw(r.u64());
  txn.header.time_ms = r.i64();
  txn.header.type = static_cast<OpCode>(r.i32());
  if (!r.ok()) return std::nullopt;
  switch (txn.header.type) {
    case OpCode::kCreate: {
      CreateTxn b;
      b.path = r.string();
      b.data = r.buffer().value_or(Bytes{});
      const std::int32_t acls = r.i32();
      if (acls != 0) r.fail("zabsim writes no ACLs");
      b.ephemeral = r.boolean();
      b.parent_cversion = r.i32();
      txn.body = std::move(b);
      break;
    }
    case OpCode::kDelete:
      txn.body = DeleteTxn{r.string()};
      break;
    case OpCode::kSetData: {
      SetDataTxn b;
      b.path = r.string();
      b.data = r.buffer().value_or(Bytes{});
      b.version = r.i32();
      txn.body = std::move(b);
      break;
    }
    case OpCode::kCreateSession:
      txn.body = CreateSessionTxn{r.i32()};
      break;
    case OpCode::kCloseSession: {
      CloseSessionTxn b;
      const std::int32_t n = r.i32();
      if (n < 0 || n > 1'000'000) r.fail("unreasonable path count in closeSession");
      for (std::int32_t i = 0; r.ok() && i < n; ++i) b.paths_to_delete.push_back(r.string());
      txn.body = std::move(b);
      break;
    }
    case OpCode::kError:
      txn.body = ErrorTxn{static_cast<Err>(r.i32())};
      break;
    default:
      r.fail("unknown txn type");
  }
  if (!r.ok()) return std::nullopt;
  ZAB_ASSERT(body_op(txn.body) == txn.header.type, "a decoded txn's body is the one its header's type names");
  return txn;
}

std::optional<Txn> decode_txn(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  auto txn = decode_txn(r);
  if (!txn || !r.at_end()) return std::nullopt;
  ZAB_ASSERT(r.position() == bytes.size(), "a whole txn was read: no bytes are left over");
  return txn;
}

std::uint64_t txn_fingerprint(std::span<const std::uint8_t> txn) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::uint8_t b : txn) h = (h ^ b) * 0x100000001b3ULL;
  return h;
}

std::string describe_txn(const Txn& txn) {
  std::string what = op_name(txn.header.type);
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, CreateTxn> || std::is_same_v<T, DeleteTxn> ||
                      std::is_same_v<T, SetDataTxn>) {
          what += " " + b.path;
        } else if constexpr (std::is_same_v<T, ErrorTxn>) {
          what += std::string(" ") + err_name(b.err);
        }
      },
      txn.body);
  return fmt::format("{} (zxid 0x{}, session 0x{:x})", what, txn.header.zxid.hex(),
                     static_cast<std::uint64_t>(txn.header.session.value));
}

}  // namespace zab
