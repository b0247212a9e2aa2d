#pragma once
// The leader's PrepRequestProcessor: turns a client's write request into the txn the leader
// proposes, validating it against the data tree PLUS the changes already proposed but not yet
// applied (ZooKeeperServer.outstandingChanges, as ChangeRecords). Followers never validate.
//
// The caller draws the zxid BEFORE calling prepare() (ZooKeeperServer.getNextZxid at the top of
// pRequest2Txn): a request that fails a check still consumes it and becomes an error txn
// (header type error, ErrorTxn(code)) that is proposed, logged, committed and applied like any
// other, advancing lastProcessedZxid everywhere.
//
// Session side effects stay with the caller, which owns the session tracker and the monotonic
// clock (PrepRequestProcessor does them inline): for createSession, SessionTracker::track_session
// (with the request's timeout); for closeSession, SessionTracker::set_session_closing after
// prepare(). When a txn has been applied to the tree, call applied(zxid) (FinalRequestProcessor).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "protocol/database/data_tree.h"
#include "protocol/base/ids.h"
#include "protocol/database/session_tracker.h"
#include "protocol/database/txn.h"

namespace zab {

// A client's write request as PrepRequestProcessor sees it (Request plus its decoded record).
struct ClientRequest {
  SessionId session;                   // the requesting session (the new one, for createSession)
  std::int32_t cxid = 0;               // the client's request number
  OpCode type = OpCode::kCreate;       // create, delete, setData, createSession or closeSession
  std::string path;                    // create: the requested path (before any sequential suffix)
  Bytes data;                          // create / setData
  std::int32_t version = -1;           // delete / setData: the expected version; -1 = any
  bool ephemeral = false;              // create: CreateMode EPHEMERAL(_SEQUENTIAL)
  bool sequential = false;             // create: CreateMode (PERSISTENT|EPHEMERAL)_SEQUENTIAL
  std::int32_t session_timeout_ms = 0; // createSession: the negotiated timeout
};

// True for the request types prepare() takes: the ones that carry a txn.
bool needs_txn(OpCode type);

// ZooKeeperServer.ChangeRecord: what a proposed-but-unapplied txn will make of one path.
struct ChangeRecord {
  Zxid zxid;                          // the txn that makes it; zero if read from the tree (ZooKeeper: -1)
  std::string path;                   // the node; the root is "/" (ZooKeeper also keys it "")
  std::optional<StatPersisted> stat;  // the node's stat after the change; nullopt = deleted
  std::int32_t child_count = 0;       // its number of children after the change
};

class PrepRequestProcessor {
 public:
  // Both are read-only here and must outlive the processor. The tree is the leader's, with
  // every committed txn up to some zxid applied; the tracker answers session checks.
  PrepRequestProcessor(const DataTree& tree, const SessionTracker& sessions);

  // pRequest2Txn for one write request, checks in ZooKeeper's order. On success the txn's
  // changes are recorded as outstanding; on failure nothing is recorded and the txn is
  // {header type error, ErrorTxn(code)} with the same session, cxid, zxid and time.
  // `zxid` must exceed every zxid prepared before; `time_ms` is the leader's wall clock.
  Txn prepare(const ClientRequest& request, Zxid zxid, std::int64_t time_ms);

  // ZooKeeperServer.processTxn's clean-up: the txn `zxid` has been applied to the tree, so
  // every outstanding change with a zxid <= it is now in the tree and is dropped.
  void applied(Zxid zxid);

  // getRecordForPath: the latest outstanding change for `path`, else the tree's node; nullopt
  // if neither exists or the latest change deletes it.
  std::optional<ChangeRecord> record_for_path(const std::string& path) const;

  std::size_t outstanding_count() const { return outstanding_changes_.size(); }

  void check_invariants() const;

 private:
  Err prep_create(const ClientRequest& request, Zxid zxid, std::int64_t time_ms, TxnBody& body);
  Err prep_delete(const ClientRequest& request, Zxid zxid, TxnBody& body);
  Err prep_set_data(const ClientRequest& request, Zxid zxid, std::int64_t time_ms, TxnBody& body);
  TxnBody prep_close_session(const ClientRequest& request, Zxid zxid);
  void add_change_record(ChangeRecord record);

  const DataTree& tree_;
  const SessionTracker& sessions_;
  // outstandingChanges: every change not yet applied, in proposal (zxid) order.
  std::deque<ChangeRecord> outstanding_changes_;
  // The sequence number of outstanding_changes_.front(); record k is front + k.
  std::uint64_t first_seq_ = 0;
  // outstandingChangesForPath: path -> sequence number of its latest outstanding change.
  std::map<std::string, std::uint64_t> outstanding_changes_for_path_;
  Zxid last_prepared_zxid_ = Zxid::zero();  // the zxid of the latest prepare()
};

}  // namespace zab
