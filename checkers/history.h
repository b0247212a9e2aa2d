#pragma once
// The neutral history model the consistency checkers judge: one record per client operation,
// independent of the simulator, so that histories recorded elsewhere (a real ZooKeeper, another
// system, a hand-written teaching example) can be checked too. The JSON-lines format is
// documented in checkers/README.md; `read_history` reports a bad line as
// "FILE:LINE: message" and never throws or crashes.

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace zab::check {

enum class OpType : std::uint8_t {
  // ZooKeeper operations (the znode model).
  kCreate,
  kDelete,
  kSetData,
  kGetData,
  kExists,
  kGetChildren,
  kSync,
  kCloseSession,
  // A single register (Knossos's and Porcupine's classic model).
  kRead,
  kWrite,
  kCas,
  // A key-value store, one register per key, with append.
  kGet,
  kPut,
  kAppend,
};

const char* op_type_name(OpType type);
std::optional<OpType> op_type_from_name(const std::string& name);

enum class Outcome : std::uint8_t {
  kOk,             // completed and succeeded; `result` is what it returned
  kFailed,         // completed with an error (`result.err`): it took no effect
  kIndeterminate,  // the client never learned the outcome: it may or may not have taken effect
};

const char* outcome_name(Outcome outcome);

// What an operation returned. Every field is optional: a checker checks what is present.
struct OpResult {
  std::string err = "ok";                // ZooKeeper's error name (NONODE, BADVERSION, ...) or "ok"
  std::optional<std::uint64_t> zxid;     // the server's lastProcessedZxid in the reply
  std::optional<std::string> path;       // create: the created path (with a sequence suffix)
  std::optional<std::string> data;       // getData: the data (absent: not recorded);
                                         // read / get: the value (absent or null: no value)
  std::optional<std::int32_t> version;   // Stat.version after the operation
  std::optional<std::int32_t> cversion;  // Stat.cversion (recorded, not checked)
  std::optional<std::uint64_t> czxid;    // Stat.czxid: the zxid that created the node
  std::optional<std::uint64_t> mzxid;    // Stat.mzxid: the zxid of the last write to its data
  std::optional<std::int32_t> num_children;        // Stat.numChildren (recorded, not checked)
  std::optional<std::uint64_t> ephemeral_owner;    // Stat.ephemeralOwner: the owning session, 0 if persistent (recorded)
  std::optional<std::vector<std::string>> children;  // getChildren
  bool operator==(const OpResult&) const = default;
};

struct HistoryOp {
  std::uint64_t id = 0;                  // unique in the history
  std::string client;                    // who invoked it
  std::optional<std::int64_t> session;   // the ZooKeeper session; absent = one per client
  std::optional<std::string> server;     // the server it was sent to, which answered it (recorded)
  std::int64_t invoke_ns = 0;            // when it was invoked (any common time base)
  std::optional<std::int64_t> complete_ns;  // when its outcome arrived; absent = never
  OpType type = OpType::kRead;
  std::string path;                      // znode path, or kv key; "" for the single register
  std::optional<std::string> value;      // create / setData / write / put / append: the value
                                         // written; cas: the new value
  std::optional<std::string> expected;   // cas: the value it expects
  std::int32_t version = -1;             // setData / delete: expected version, -1 = any
  bool ephemeral = false;                // create flags
  bool sequential = false;
  Outcome outcome = Outcome::kOk;
  OpResult result;
  std::size_t line = 0;                  // 1-based line it was read from; 0 if built in memory
  bool operator==(const HistoryOp&) const = default;

  // The session key operations are ordered by: the session if known, else the client.
  std::string session_key() const;
};

struct History {
  std::vector<HistoryOp> ops;
};

struct HistoryReadError {
  std::string message;  // "history.jsonl:12: 'outcome' must be one of ok, failed, indeterminate"
};

// Reads every line of `in` (blank lines are skipped); `source_name` names it in errors.
// Returns false with `error` set on the first bad line or on a duplicate id.
bool read_history(std::istream& in, const std::string& source_name, History& out, HistoryReadError& error);

// One JSON object per line, in the documented format, fields in a fixed order.
void write_history(std::ostream& out, const History& history);
std::string history_op_json(const HistoryOp& op);

// "#7 c2/s5 setData /x \"a\" v=-1 [1.000 ms, 2.500 ms] ok version=3 zxid=0x100000004"
std::string describe_op(const HistoryOp& op);

}  // namespace zab::check
