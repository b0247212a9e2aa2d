#include "protocol/client_port/prep_request.h"

#include <fmt/format.h>

#include <set>
#include <utility>
#include <vector>

#include "protocol/base/assert.h"
#include "protocol/database/path_utils.h"

namespace zab {

namespace {

// The root has two names in ZooKeeper's node map, "" and "/"; PrepRequestProcessor keys the
// root's record "" when it is a parent and "/" when it is the target. The fields each use
// touches are disjoint (children vs data/version), so one key gives the same answers.
std::string record_key(const std::string& path) { return path.empty() ? std::string("/") : path; }

// DataTree.isSpecialPath: the nodes a client may not delete.
bool is_special_path(const std::string& path) {
  return path == "/" || path == "/zookeeper" || path == "/zookeeper/quota" ||
         path == "/zookeeper/config";
}

// validatePathForCreate / getParentPathAndValidate: a '/' somewhere and no NUL, else
// BADARGUMENTS; the parent is everything before the last '/'.
std::optional<std::string> parent_for_write(const std::string& path) {
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return parent_path_of(path);
}

// checkAndIncVersion: -1 matches any version; the new version is current + 1 (Java int).
std::optional<std::int32_t> check_and_inc_version(std::int32_t current, std::int32_t expected) {
  if (expected != -1 && expected != current) return std::nullopt;
  return wrapping_add(current, 1);
}

}  // namespace

bool needs_txn(OpCode type) {
  switch (type) {
    case OpCode::kCreate:
    case OpCode::kDelete:
    case OpCode::kSetData:
    case OpCode::kCreateSession:
    case OpCode::kCloseSession:
      return true;
    default:
      return false;
  }
}

PrepRequestProcessor::PrepRequestProcessor(const DataTree& tree, const SessionTracker& sessions)
    : tree_(tree), sessions_(sessions) {}

std::optional<ChangeRecord> PrepRequestProcessor::record_for_path(const std::string& path) const {
  const std::string key = record_key(path);
  if (auto it = outstanding_changes_for_path_.find(key); it != outstanding_changes_for_path_.end()) {
    ZAB_ASSERT(it->second >= first_seq_, "a per-path entry never points to a change already applied");
    ZAB_ASSERT(it->second - first_seq_ < outstanding_changes_.size(), "a per-path entry points into the queue");
    const ChangeRecord& latest = outstanding_changes_[it->second - first_seq_];
    ZAB_ASSERT(latest.path == key, "a per-path entry points to a change of that path");
    if (!latest.stat) return std::nullopt;  // a pending delete: NONODE
    return latest;
  }
  const DataNode* node = tree_.get_node(key);
  if (node == nullptr) return std::nullopt;
  return ChangeRecord{Zxid::zero(), key, node->stat, static_cast<std::int32_t>(node->children.size())};
}

void PrepRequestProcessor::add_change_record(ChangeRecord record) {
  ZAB_ASSERT(outstanding_changes_.empty() || outstanding_changes_.back().zxid <= record.zxid,
             "outstanding changes are in zxid order");
  const std::uint64_t seq = first_seq_ + outstanding_changes_.size();
  outstanding_changes_for_path_[record.path] = seq;
  outstanding_changes_.push_back(std::move(record));
  ZAB_ASSERT(outstanding_changes_for_path_.at(outstanding_changes_.back().path) == seq,
             "the latest change of a path is the one just recorded");
}

Txn PrepRequestProcessor::prepare(const ClientRequest& request, Zxid zxid, std::int64_t time_ms) {
  ZAB_ASSERT(needs_txn(request.type), "only writes and session changes are prepared into txns");
  ZAB_ASSERT(zxid > last_prepared_zxid_, "each prepared txn has a fresh, higher zxid");
  ZAB_ASSERT(request.session.value != 0, "every request to prepare belongs to a session");
  last_prepared_zxid_ = zxid;

  // pRequest2Txn: the header first, before any check.
  Txn txn{TxnHeader{request.session, request.cxid, zxid, time_ms, request.type}, ErrorTxn{}};
  Err err = Err::kOk;
  switch (request.type) {
    case OpCode::kCreate: err = prep_create(request, zxid, time_ms, txn.body); break;
    case OpCode::kDelete: err = prep_delete(request, zxid, txn.body); break;
    case OpCode::kSetData: err = prep_set_data(request, zxid, time_ms, txn.body); break;
    case OpCode::kCreateSession:
      // No session check: the session is being born. The caller tracks it.
      txn.body = CreateSessionTxn{request.session_timeout_ms};
      break;
    case OpCode::kCloseSession:
      // No session check either: the expirer submits closeSession without being the owner.
      txn.body = prep_close_session(request, zxid);
      break;
    default:
      ZAB_ASSERT(false, "needs_txn admitted only the types handled here");
  }
  if (err != Err::kOk) {
    // pRequestHelper's KeeperException handler: the header becomes an error txn, zxid kept.
    txn.header.type = OpCode::kError;
    txn.body = ErrorTxn{err};
  }
  ZAB_ASSERT(txn.header.zxid == zxid, "a prepared txn carries the zxid it was prepared with");
  ZAB_ASSERT(txn.header.type == OpCode::kError || !std::holds_alternative<ErrorTxn>(txn.body),
             "a txn that succeeded has the body of its operation, an error txn the error body");
  return txn;
}

Err PrepRequestProcessor::prep_create(const ClientRequest& request, Zxid zxid,
                                      std::int64_t time_ms, TxnBody& body) {
  // validateCreateRequest: ephemeral -> checkGlobalSession, else checkSession. With local
  // sessions off both come to SESSIONEXPIRED for an unknown or closing session.
  if (Err e = sessions_.check_session(request.session); e != Err::kOk) return e;
  const auto parent_path = parent_for_write(request.path);
  if (!parent_path) return Err::kBadArguments;
  // The parent is looked up before the full path is validated, so "a/b" is NONODE, as in ZooKeeper.
  const auto parent = record_for_path(*parent_path);
  if (!parent) return Err::kNoNode;
  ZAB_ASSERT(parent->stat.has_value(), "a record found for a path has its stat (pending deletes are not found)");
  std::string path = request.path;
  if (request.sequential) {
    // The suffix is the parent's STORED cversion (creates only, pending ones included), so it
    // never repeats after deletes; "%010d", negative values as "-000000001".
    path += fmt::format("{:010d}", parent->stat->cversion);
  }
  if (!is_valid_path(path)) return Err::kBadArguments;
  if (record_for_path(path)) return Err::kNodeExists;
  // NOCHILDRENFOREPHEMERALS is checked after NODEEXISTS, as in pRequest2TxnCreate.
  if (parent->stat->ephemeral_owner.value != 0) return Err::kNoChildrenForEphemerals;

  const std::int32_t new_cversion = wrapping_add(parent->stat->cversion, 1);
  body = CreateTxn{path, request.data, request.ephemeral, new_cversion};

  ChangeRecord parent_change = *parent;
  parent_change.zxid = zxid;
  parent_change.child_count += 1;
  parent_change.stat->cversion = new_cversion;
  parent_change.stat->pzxid = zxid;
  add_change_record(std::move(parent_change));

  StatPersisted s;  // DataTree.createStat
  s.czxid = s.mzxid = s.pzxid = zxid;
  s.ctime_ms = s.mtime_ms = time_ms;
  s.ephemeral_owner = request.ephemeral ? request.session : SessionId{0};
  add_change_record(ChangeRecord{zxid, path, s, 0});
  ZAB_ASSERT(parent->child_count >= 0, "a parent's child count is never negative");
  ZAB_ASSERT(record_for_path(path).has_value(), "a prepared create makes its node visible to the next request");
  return Err::kOk;
}

Err PrepRequestProcessor::prep_delete(const ClientRequest& request, Zxid zxid, TxnBody& body) {
  if (Err e = sessions_.check_session(request.session); e != Err::kOk) return e;
  const auto parent_path = parent_for_write(request.path);
  if (!parent_path || is_special_path(request.path)) return Err::kBadArguments;
  const auto parent = record_for_path(*parent_path);
  if (!parent) return Err::kNoNode;
  const auto node = record_for_path(request.path);
  if (!node) return Err::kNoNode;
  ZAB_ASSERT(node->stat.has_value(), "a record found for a path has its stat (pending deletes are not found)");
  ZAB_ASSERT(parent->stat.has_value(), "a record found for a path has its stat (pending deletes are not found)");
  // BADVERSION is checked before NOTEMPTY.
  if (!check_and_inc_version(node->stat->version, request.version)) return Err::kBadVersion;
  if (node->child_count > 0) return Err::kNotEmpty;
  ZAB_ASSERT(node->child_count == 0, "a node's child count is never negative");

  body = DeleteTxn{request.path};
  ChangeRecord parent_change = *parent;
  parent_change.zxid = zxid;
  parent_change.child_count -= 1;
  parent_change.stat->pzxid = zxid;  // the stored cversion counts creates only
  add_change_record(std::move(parent_change));
  add_change_record(ChangeRecord{zxid, record_key(request.path), std::nullopt, -1});
  ZAB_ASSERT(parent->child_count >= 1, "the parent of an existing node counts it among its children");
  ZAB_ASSERT(!record_for_path(request.path).has_value(), "a prepared delete hides its node from the next request");
  return Err::kOk;
}

Err PrepRequestProcessor::prep_set_data(const ClientRequest& request, Zxid zxid,
                                        std::int64_t time_ms, TxnBody& body) {
  if (Err e = sessions_.check_session(request.session); e != Err::kOk) return e;
  if (!is_valid_path(request.path)) return Err::kBadArguments;
  const auto node = record_for_path(request.path);
  if (!node) return Err::kNoNode;
  ZAB_ASSERT(node->stat.has_value(), "a record found for a path has its stat (pending deletes are not found)");
  const auto new_version = check_and_inc_version(node->stat->version, request.version);
  if (!new_version) return Err::kBadVersion;

  body = SetDataTxn{request.path, request.data, *new_version};
  ChangeRecord change = *node;
  change.zxid = zxid;
  change.stat->version = *new_version;
  change.stat->mtime_ms = time_ms;
  change.stat->mzxid = zxid;
  add_change_record(std::move(change));
  ZAB_ASSERT(record_for_path(request.path)->stat->version == *new_version,
             "a prepared setData shows its new version to the next request");
  return Err::kOk;
}

TxnBody PrepRequestProcessor::prep_close_session(const ClientRequest& request, Zxid zxid) {
  // The session's committed ephemerals, then the outstanding changes in proposal order: a
  // pending delete removes its path, a pending record owned by the session adds it (a pending
  // create, or any later change of one of its nodes).
  std::set<std::string> paths = tree_.ephemerals(request.session);
  ZAB_ASSERT(request.session.value != 0, "session 0 owns no ephemeral: only a real session is closed");
  for (const ChangeRecord& c : outstanding_changes_) {
    if (!c.stat) {
      paths.erase(c.path);
    } else if (c.stat->ephemeral_owner == request.session) {
      paths.insert(c.path);
    }
  }
  // A delete record per path. ZooKeeper (with digests on) also re-records each parent with the
  // new pzxid but the same childCount, so a delete of the parent prepared before this txn is
  // applied still sees the child and fails NOTEMPTY; no parent record gives the same answers.
  for (const std::string& p : paths) add_change_record(ChangeRecord{zxid, p, std::nullopt, 0});
  // ZooKeeper lists them in HashSet order; sorted here.
  for (const std::string& p : paths) {
    ZAB_ASSERT(!record_for_path(p).has_value(), "every ephemeral of a closing session is pending deletion");
  }
  return CloseSessionTxn{std::vector<std::string>(paths.begin(), paths.end())};
}

void PrepRequestProcessor::applied(Zxid zxid) {
  ZAB_ASSERT(zxid <= last_prepared_zxid_ || outstanding_changes_.empty(),
             "a txn with outstanding changes is applied only after it was prepared");
  while (!outstanding_changes_.empty() && outstanding_changes_.front().zxid <= zxid) {
    const ChangeRecord& c = outstanding_changes_.front();
    if (auto it = outstanding_changes_for_path_.find(c.path);
        it != outstanding_changes_for_path_.end() && it->second == first_seq_) {
      outstanding_changes_for_path_.erase(it);
    }
    outstanding_changes_.pop_front();
    ++first_seq_;
  }
  ZAB_ASSERT(outstanding_changes_.empty() || outstanding_changes_.front().zxid > zxid,
             "every change of an applied txn (and of the ones before it) is dropped");
}

void PrepRequestProcessor::check_invariants() const {
  ZAB_ASSERT(outstanding_changes_for_path_.size() <= outstanding_changes_.size(),
             "every per-path entry points to its own outstanding change");
  for (const auto& [path, seq] : outstanding_changes_for_path_) {
    ZAB_ASSERT(seq >= first_seq_, "a per-path entry does not point to a dropped change");
    ZAB_ASSERT(seq - first_seq_ < outstanding_changes_.size(), "a per-path entry points into the queue");
    ZAB_ASSERT(outstanding_changes_[seq - first_seq_].path == path,
               "a per-path entry points to a change of that path");
  }
  ZAB_ASSERT(outstanding_changes_.empty() || outstanding_changes_.back().zxid <= last_prepared_zxid_,
             "outstanding changes belong to txns already prepared");
  for (const ChangeRecord& c : outstanding_changes_) {
    ZAB_ASSERT(c.stat.has_value() || c.child_count <= 0, "a pending delete records no children");
    ZAB_ASSERT(!c.stat.has_value() || c.child_count >= 0, "a live record's child count is never negative");
  }
  for (std::size_t i = 1; i < outstanding_changes_.size(); ++i) {
    ZAB_ASSERT(outstanding_changes_[i - 1].zxid <= outstanding_changes_[i].zxid,
               "outstanding changes are in zxid order");
  }
}

}  // namespace zab
