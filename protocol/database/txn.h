#pragma once
// Transactions as ZooKeeper logs, proposes and applies them: a TxnHeader and a typed body,
// serialized in jute's layout (TxnHeader: clientId long, cxid int, zxid long, time long,
// type int; then the record of the type). ACLs are out of scope: a CreateTxn carries an empty
// ACL list where ZooKeeper has one, so the layout stays ZooKeeper's. Txn digests are omitted.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/base/codec.h"
#include "protocol/base/ids.h"

namespace zab {

// ZooDefs.OpCode (the subset zabsim implements, with ZooKeeper's numbers).
enum class OpCode : std::int32_t {
  kNotification = 0,
  kCreate = 1,
  kDelete = 2,
  kExists = 3,
  kGetData = 4,
  kSetData = 5,
  kGetChildren = 8,
  kSync = 9,
  kPing = 11,
  kCreateSession = -10,
  kCloseSession = -11,
  kError = -1,
};

const char* op_name(OpCode op);

// KeeperException.Code values zabsim produces.
enum class Err : std::int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kNoNode = -101,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kSessionMoved = -118,
};

const char* err_name(Err err);

struct TxnHeader {
  SessionId session;       // clientId
  std::int32_t cxid = 0;   // the client's request number within its session
  Zxid zxid;
  std::int64_t time_ms = 0;  // the leader's wall clock when it prepared the txn
  OpCode type = OpCode::kError;
  constexpr bool operator==(const TxnHeader&) const = default;
};

struct CreateTxn {
  std::string path;
  Bytes data;
  bool ephemeral = false;
  std::int32_t parent_cversion = 0;  // the parent's stored cversion after this create
  bool operator==(const CreateTxn&) const = default;
};
struct DeleteTxn {
  std::string path;
  bool operator==(const DeleteTxn&) const = default;
};
struct SetDataTxn {
  std::string path;
  Bytes data;
  std::int32_t version = 0;  // the node's version after this setData
  bool operator==(const SetDataTxn&) const = default;
};
struct CreateSessionTxn {
  std::int32_t timeout_ms = 0;
  bool operator==(const CreateSessionTxn&) const = default;
};
struct CloseSessionTxn {
  std::vector<std::string> paths_to_delete;  // the session's ephemerals, as the leader saw them
  bool operator==(const CloseSessionTxn&) const = default;
};
struct ErrorTxn {
  Err err = Err::kOk;
  bool operator==(const ErrorTxn&) const = default;
};

using TxnBody = std::variant<CreateTxn, DeleteTxn, SetDataTxn, CreateSessionTxn, CloseSessionTxn, ErrorTxn>;

struct Txn {
  TxnHeader header;
  TxnBody body;
  bool operator==(const Txn&) const = default;
};

// The record bytes (header then body), as a PROPOSAL's data and a log entry's payload carry them.
Bytes encode_txn(const Txn& txn);
void encode_txn(const Txn& txn, Writer& w);
// nullopt if the bytes are not one whole, well-formed txn.
std::optional<Txn> decode_txn(std::span<const std::uint8_t> bytes);
std::optional<Txn> decode_txn(Reader& r);

// The trace's fingerprint of a serialized txn (FNV-1a), so checkers can tell txns apart.
std::uint64_t txn_fingerprint(std::span<const std::uint8_t> txn);

// "create /a/b (zxid 0x100000003)" for timelines.
std::string describe_txn(const Txn& txn);

}  // namespace zab
