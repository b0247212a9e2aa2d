#pragma once
// ZooKeeper's in-memory data tree (server/DataTree, server/DataNode): the znodes every server
// applies committed txns to, the per-session ephemeral index, lastProcessedZxid, the snapshot's
// tree part and a digest that checkers compare across servers.
//
// Applying a txn is deterministic and never fails the process: a txn that does not fit the tree
// (a replay over a fuzzy snapshot, or a replica that has diverged) yields an error code in the
// result, exactly where ZooKeeper's DataTree.processTxn records a KeeperException, and
// lastProcessedZxid advances all the same. ACLs, watches, quotas, multi, containers and TTL
// nodes are out of scope.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/base/codec.h"
#include "protocol/base/ids.h"
#include "protocol/database/txn.h"

namespace zab {

// What a znode stores and a snapshot carries (zookeeper.jute StatPersisted).
struct StatPersisted {
  Zxid czxid;                  // zxid of the txn that created the node
  Zxid mzxid;                  // zxid of the last setData (the create's until then)
  std::int64_t ctime_ms = 0;   // the create txn's header time (the leader's wall clock)
  std::int64_t mtime_ms = 0;   // the last setData's header time
  std::int32_t version = 0;    // number of setData txns applied to the node
  std::int32_t cversion = 0;   // STORED child version: creates of children only, deletes do not count
  std::int32_t aversion = 0;   // ACL version (setACL is out of scope; /zookeeper/config has -1)
  SessionId ephemeral_owner;   // the session owning an ephemeral node; 0 for a persistent node
  Zxid pzxid;                  // zxid of the last child create or delete
  bool operator==(const StatPersisted&) const = default;
};

// The client-visible stat (jute Stat), as DataNode.copyStat derives it from StatPersisted.
struct Stat {
  Zxid czxid;
  Zxid mzxid;
  std::int64_t ctime_ms = 0;
  std::int64_t mtime_ms = 0;
  std::int32_t version = 0;
  std::int32_t cversion = 0;   // VISIBLE: 2 x stored cversion - numChildren (creates + deletes)
  std::int32_t aversion = 0;
  SessionId ephemeral_owner;
  std::int32_t data_length = 0;   // bytes of data
  std::int32_t num_children = 0;  // children right now
  Zxid pzxid;
  bool operator==(const Stat&) const = default;
};

struct DataNode {
  Bytes data;                         // the node's payload
  StatPersisted stat;                 // what is persisted about it
  std::set<std::string> children;     // names (not paths) of the children; rebuilt on load

  // DataNode.copyStat: StatPersisted plus dataLength and numChildren, with cversion translated
  // from "creates" to "creates + deletes".
  Stat copy_stat() const;
};

// DataTree.ProcessTxnResult (multiResult omitted: multi is out of scope).
struct ProcessTxnResult {
  SessionId session;           // clientId of the txn header
  std::int32_t cxid = 0;
  Zxid zxid;
  OpCode type = OpCode::kError;
  Err err = Err::kOk;          // the txn's ErrorTxn code, or what applying it ran into
  std::string path;            // create/delete/setData: the txn's path; "" otherwise
  std::optional<Stat> stat;    // create and setData, when they applied: the node's new stat
};

struct DataAndStat {
  Bytes data;
  Stat stat;
};

struct ChildrenAndStat {
  std::vector<std::string> children;  // child names, sorted (ZooKeeper's order is HashSet order)
  Stat stat;                          // the parent's stat
};

class DataTree {
 public:
  // A fresh tree, as DataTree(): "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config",
  // every stat zero except /zookeeper/config's aversion -1; lastProcessedZxid 0.
  DataTree();

  // DataTree.processTxn: apply one committed txn. lastProcessedZxid becomes
  // max(lastProcessedZxid, txn zxid) after the txn is applied, whatever its outcome.
  ProcessTxnResult process_txn(const Txn& txn);

  // ZooKeeperServer.loadData's local clean-up (DataTree.killSession(session, zxid)): delete every
  // ephemeral of `session` with `zxid` as the deleting zxid, without a txn.
  void kill_session(SessionId session, Zxid zxid);

  // Reads for the local read path. `path` is an absolute path; "" is the root's alias, as in
  // ZooKeeper's node map.
  const DataNode* get_node(const std::string& path) const;
  std::optional<DataAndStat> get_data(const std::string& path) const;     // getData
  std::optional<Stat> stat(const std::string& path) const;                // statNode / exists
  bool exists(const std::string& path) const { return get_node(path) != nullptr; }
  std::optional<ChildrenAndStat> get_children(const std::string& path) const;

  // getEphemerals: the paths of the session's ephemeral nodes (a copy; empty if none).
  std::set<std::string> ephemerals(SessionId session) const;
  // getSessions: sessions that own at least one ephemeral, in id order.
  std::vector<SessionId> sessions_with_ephemerals() const;

  Zxid last_processed_zxid() const { return last_processed_zxid_; }
  // For restore (the snapshot's name zxid) and SNAP/TRUNC sync; may move it either way.
  void set_last_processed_zxid(Zxid zxid) { last_processed_zxid_ = zxid; }

  // Distinct znodes, the root included (a fresh tree has 4). ZooKeeper's getNodeCount also
  // counts the root's "" alias; this does not.
  std::size_t node_count() const { return nodes_.size(); }

  // A 64-bit FNV-1a digest of every node's path, data and StatPersisted, in path order.
  // Equal trees have equal digests on every server and platform; lastProcessedZxid and the
  // ephemeral index (derived from the stats) are not part of it.
  std::uint64_t digest() const;

  // The tree part of a snapshot, in DataTree.serialize's layout: the ACL cache (always empty
  // here: int 0), then every node in pre-order from the root as path (root as ""), data buffer,
  // acl id (-1, ReferenceCountedACLCache's OPEN_ACL_UNSAFE id), StatPersisted; then the path
  // "/" as the end mark. Children are written in sorted order (ZooKeeper: HashSet order).
  void serialize(Writer& w) const;
  // DataTree.deserialize: replace the whole tree with the one `r` holds. False (and the tree
  // unchanged, `r` failed with a reason) if the bytes are not a well-formed tree: a node before
  // its parent, a duplicate path, a non-empty ACL cache, a truncated record, an ephemeral node
  // with children. lastProcessedZxid is untouched: the caller sets it from the snapshot's name.
  bool deserialize(Reader& r);

  // Crash with the broken invariant's text unless the tree is consistent: the root exists,
  // every node's parent exists and lists it, every listed child exists, ephemeral nodes have no
  // children, and the ephemeral index matches the nodes' owners exactly. O(nodes).
  void check_invariants() const;

 private:
  DataNode* find(const std::string& path);
  const DataNode* find(const std::string& path) const;
  // DataTree.createNode / deleteNode / setData / setCversionPzxid; Err::kOk on success.
  Err create_node(const std::string& path, const CreateTxn& txn, SessionId session, Zxid zxid,
                  std::int64_t time_ms, std::optional<Stat>& stat_out);
  Err delete_node(const std::string& path, Zxid zxid);
  Err set_data(const SetDataTxn& txn, Zxid zxid, std::int64_t time_ms, std::optional<Stat>& stat_out);
  Err set_cversion_pzxid(const std::string& path, std::int32_t new_cversion, Zxid zxid);
  void delete_nodes(const std::vector<std::string>& paths, Zxid zxid);
  void erase_subtree(const std::string& path);
  void add_ephemeral(SessionId owner, const std::string& path);
  void remove_ephemeral(SessionId owner, const std::string& path);

  std::map<std::string, DataNode> nodes_;  // every znode by absolute path; the root is "/"
  // The ephemeral index: owning session -> its ephemeral paths. Never holds an empty set.
  std::map<SessionId, std::set<std::string>> ephemerals_;
  Zxid last_processed_zxid_ = Zxid::zero();  // the highest zxid applied (or set by restore/sync)
};

// Java int arithmetic: two's-complement wraparound (ZooKeeper's versions and cversions are
// Java ints and wrap silently).
constexpr std::int32_t wrapping_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

// The parent path of an absolute path: "/a/b" -> "/a", "/a" -> "" (the root's alias), as
// path.substring(0, path.lastIndexOf('/')); nullopt if there is no '/'.
std::optional<std::string> parent_path_of(const std::string& path);

}  // namespace zab
