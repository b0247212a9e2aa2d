#include "protocol/database/data_tree.h"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "protocol/base/assert.h"

namespace zab {

namespace {

constexpr const char* kRootPath = "/";
constexpr const char* kProcZookeeper = "/zookeeper";
constexpr const char* kQuotaZookeeper = "/zookeeper/quota";
constexpr const char* kConfigZookeeper = "/zookeeper/config";

// ReferenceCountedACLCache's id for OPEN_ACL_UNSAFE, which every node would carry here.
constexpr std::int64_t kOpenAclUnsafeId = -1;

// A path split at its last '/', as DataTree.createNode/deleteNode split it.
struct SplitPath {
  std::string parent;  // "" for children of the root (the root's alias)
  std::string child;   // the last component
};

// Txns come from our PrepRequestProcessor, which validated the path. A path that does not start
// with '/', ends with one or has an empty component can only come from a corrupt or foreign txn;
// the tree answers NONODE (ZooKeeper would hit a RuntimeException or create a nameless child).
std::optional<SplitPath> split(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (slash + 1 == path.size()) return std::nullopt;     // "/a/" or "/": no name
  if (slash > 0 && path[slash - 1] == '/') return std::nullopt;  // "//a", "/a//b"
  ZAB_ASSERT(slash != std::string::npos, "a path that starts with '/' has a last '/'");
  ZAB_ASSERT(slash + 1 < path.size(), "the last component of a split path is not empty");
  return SplitPath{path.substr(0, slash), path.substr(slash + 1)};
}

std::string child_path(const std::string& parent, const std::string& child) {
  ZAB_ASSERT(!child.empty(), "a child has a name");
  ZAB_ASSERT(child.find('/') == std::string::npos, "a child's name is one path component");
  ZAB_ASSERT(!parent.empty(), "a parent's path is not empty (the root is \"/\", not its alias \"\")");
  ZAB_ASSERT(parent.front() == '/', "a parent's path is absolute");
  return parent == kRootPath ? "/" + child : parent + "/" + child;
}

// DataTree.createStat: a new node's persisted stat.
StatPersisted create_stat(Zxid zxid, std::int64_t time_ms, SessionId owner) {
  StatPersisted s;
  s.czxid = zxid;
  s.mzxid = zxid;
  s.pzxid = zxid;
  s.ctime_ms = time_ms;
  s.mtime_ms = time_ms;
  s.ephemeral_owner = owner;
  return s;
}

void write_stat(Writer& w, const StatPersisted& s) {
  w.u64(s.czxid.raw());
  w.u64(s.mzxid.raw());
  w.i64(s.ctime_ms);
  w.i64(s.mtime_ms);
  w.i32(s.version);
  w.i32(s.cversion);
  w.i32(s.aversion);
  w.i64(s.ephemeral_owner.value);
  w.u64(s.pzxid.raw());
}

StatPersisted read_stat(Reader& r) {
  StatPersisted s;
  s.czxid = Zxid::from_raw(r.u64());
  s.mzxid = Zxid::from_raw(r.u64());
  s.ctime_ms = r.i64();
  s.mtime_ms = r.i64();
  s.version = r.i32();
  s.cversion = r.i32();
  s.aversion = r.i32();
  s.ephemeral_owner = SessionId{r.i64()};
  s.pzxid = Zxid::from_raw(r.u64());
  return s;
}

bool is_ephemeral(const StatPersisted& s) { return s.ephemeral_owner.value != 0; }

// 64-bit FNV-1a, fed the canonical (jute) bytes of each node.
class Fnv1a64 {
 public:
  void add(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t b : bytes) {
      hash_ ^= b;
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::optional<std::string> parent_path_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  return path.substr(0, slash);
}

Stat DataNode::copy_stat() const {
  ZAB_ASSERT(data.size() <= static_cast<std::size_t>(INT32_MAX), "a node's data fits jute's int length");
  ZAB_ASSERT(children.size() <= static_cast<std::size_t>(INT32_MAX), "a node's child count fits jute's int numChildren");
  Stat to;
  to.czxid = stat.czxid;
  to.mzxid = stat.mzxid;
  to.ctime_ms = stat.ctime_ms;
  to.mtime_ms = stat.mtime_ms;
  to.version = stat.version;
  to.aversion = stat.aversion;
  // Containers and TTL nodes (which show 0) are out of scope: any non-zero owner is a session.
  to.ephemeral_owner = stat.ephemeral_owner;
  to.pzxid = stat.pzxid;
  to.data_length = static_cast<std::int32_t>(data.size());
  to.num_children = static_cast<std::int32_t>(children.size());
  // DataNode.copyStat: the stored cversion counts creates only; every child not present any
  // more was deleted once, so creates + deletes = 2 x creates - present. Java int arithmetic.
  to.cversion = wrapping_add(wrapping_add(stat.cversion, stat.cversion), -to.num_children);
  return to;
}

DataTree::DataTree() {
  // DataTree(): the root, the /zookeeper "proc" node, its quota child, and addConfigNode's
  // /zookeeper/config, whose ACL is set with version -1 (ZOOKEEPER-2014), leaving aversion -1.
  nodes_[kRootPath].children.insert("zookeeper");
  nodes_[kProcZookeeper].children = {"config", "quota"};
  nodes_[kQuotaZookeeper];
  nodes_[kConfigZookeeper].stat.aversion = -1;
  ZAB_ASSERT(nodes_.size() == 4, "a fresh tree has /, /zookeeper, /zookeeper/quota and /zookeeper/config");
}

DataNode* DataTree::find(const std::string& path) {
  auto it = nodes_.find(path.empty() ? std::string(kRootPath) : path);
  return it == nodes_.end() ? nullptr : &it->second;
}

const DataNode* DataTree::find(const std::string& path) const {
  auto it = nodes_.find(path.empty() ? std::string(kRootPath) : path);
  return it == nodes_.end() ? nullptr : &it->second;
}

const DataNode* DataTree::get_node(const std::string& path) const { return find(path); }

std::optional<DataAndStat> DataTree::get_data(const std::string& path) const {
  const DataNode* n = find(path);
  if (n == nullptr) return std::nullopt;
  ZAB_ASSERT(n->data.size() <= static_cast<std::size_t>(INT32_MAX), "a node's data fits jute's int length");
  return DataAndStat{n->data, n->copy_stat()};
}

std::optional<Stat> DataTree::stat(const std::string& path) const {
  const DataNode* n = find(path);
  if (n == nullptr) return std::nullopt;
  return n->copy_stat();
}

std::optional<ChildrenAndStat> DataTree::get_children(const std::string& path) const {
  const DataNode* n = find(path);
  if (n == nullptr) return std::nullopt;
  ZAB_ASSERT(!is_ephemeral(n->stat) || n->children.empty(), "an ephemeral node has no children to list");
  return ChildrenAndStat{std::vector<std::string>(n->children.begin(), n->children.end()),
                         n->copy_stat()};
}

std::set<std::string> DataTree::ephemerals(SessionId session) const {
  ZAB_ASSERT(session.value != 0, "ephemerals are looked up for a real session (0 owns none)");
  auto it = ephemerals_.find(session);
  return it == ephemerals_.end() ? std::set<std::string>{} : it->second;
}

std::vector<SessionId> DataTree::sessions_with_ephemerals() const {
  std::vector<SessionId> out;
  out.reserve(ephemerals_.size());
  ZAB_ASSERT(ephemerals_.find(SessionId{0}) == ephemerals_.end(), "session 0 owns no ephemeral (0 means persistent)");
  for (const auto& [session, paths] : ephemerals_) out.push_back(session);
  return out;
}

void DataTree::add_ephemeral(SessionId owner, const std::string& path) {
  ZAB_ASSERT(owner.value != 0, "only a session (non-zero owner) owns ephemerals");
  ZAB_ASSERT(nodes_.contains(path), "an ephemeral is indexed once its node exists");
  ZAB_ASSERT(nodes_.at(path).stat.ephemeral_owner == owner, "an ephemeral is indexed under its own owner");
  ephemerals_[owner].insert(path);
}

void DataTree::remove_ephemeral(SessionId owner, const std::string& path) {
  ZAB_ASSERT(owner.value != 0, "only a session (non-zero owner) owns ephemerals");
  auto it = ephemerals_.find(owner);
  if (it == ephemerals_.end()) return;
  it->second.erase(path);
  if (it->second.empty()) ephemerals_.erase(it);
}

ProcessTxnResult DataTree::process_txn(const Txn& txn) {
  const TxnHeader& h = txn.header;
  ProcessTxnResult rc;
  rc.session = h.session;
  rc.cxid = h.cxid;
  rc.zxid = h.zxid;
  rc.type = h.type;

  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, CreateTxn>) {
          ZAB_ASSERT(h.type == OpCode::kCreate, "a create body comes with a create header");
          rc.path = body.path;
          rc.err = create_node(body.path, body, h.session, h.zxid, h.time_ms, rc.stat);
          ZAB_ASSERT(rc.err != Err::kOk || nodes_.contains(body.path), "a successful create leaves its node in the tree");
          // DataTree.processTxn, ZOOKEEPER-1046: a create replayed over a (fuzzy) snapshot that
          // already holds the node must still raise the parent's cversion/pzxid, or later
          // sequential creates would reuse a suffix. Only for OpCode.create, as in ZooKeeper.
          if (rc.err == Err::kNodeExists) {
            const auto parent = parent_path_of(body.path);
            ZAB_ASSERT(parent.has_value(), "NODEEXISTS implies the path has a parent");
            if (set_cversion_pzxid(*parent, body.parent_cversion, h.zxid) != Err::kOk) {
              rc.err = Err::kNoNode;
            }
          }
        } else if constexpr (std::is_same_v<T, DeleteTxn>) {
          ZAB_ASSERT(h.type == OpCode::kDelete, "a delete body comes with a delete header");
          rc.path = body.path;
          rc.err = delete_node(body.path, h.zxid);
        } else if constexpr (std::is_same_v<T, SetDataTxn>) {
          ZAB_ASSERT(h.type == OpCode::kSetData, "a setData body comes with a setData header");
          rc.path = body.path;
          rc.err = set_data(body, h.zxid, h.time_ms, rc.stat);
          ZAB_ASSERT(rc.err != Err::kOk || rc.stat.has_value(), "a successful setData returns the node's new stat");
        } else if constexpr (std::is_same_v<T, CreateSessionTxn>) {
          ZAB_ASSERT(h.type == OpCode::kCreateSession,
                     "a createSession body comes with a createSession header");
          // No tree change: the session table lives in the session tracker and ZKDatabase.
        } else if constexpr (std::is_same_v<T, CloseSessionTxn>) {
          ZAB_ASSERT(h.type == OpCode::kCloseSession,
                     "a closeSession body comes with a closeSession header");
          // DataTree.killSession(session, zxid, ephemerals.remove(session), paths2Delete): the
          // txn's paths first (whoever owns them), then any ephemeral of the session the leader
          // did not list (ZooKeeper WARNs "Unexpected extra paths"). NONODE is ignored.
          std::set<std::string> local;
          if (auto it = ephemerals_.find(h.session); it != ephemerals_.end()) {
            local = std::move(it->second);
            ephemerals_.erase(it);
          }
          delete_nodes(body.paths_to_delete, h.zxid);
          for (const std::string& p : body.paths_to_delete) local.erase(p);
          delete_nodes(std::vector<std::string>(local.begin(), local.end()), h.zxid);
          ZAB_ASSERT(!ephemerals_.contains(h.session), "a closed session owns no ephemeral any more");
        } else if constexpr (std::is_same_v<T, ErrorTxn>) {
          ZAB_ASSERT(h.type == OpCode::kError, "an error body comes with an error header");
          rc.err = body.err;
        } else {
          static_assert(!sizeof(T), "every txn body type is handled");
        }
      },
      txn.body);

  // DataTree.processTxn: lastProcessedZxid moves only after the txn is applied (a snapshot must
  // never be named ahead of its content), and for every txn, failed ones included.
  if (h.zxid > last_processed_zxid_) last_processed_zxid_ = h.zxid;
  ZAB_ASSERT(last_processed_zxid_ >= h.zxid, "lastProcessedZxid covers every txn processed, failed ones included");
  ZAB_ASSERT(nodes_.contains(kRootPath), "no txn removes the root");
  return rc;
}

Err DataTree::create_node(const std::string& path, const CreateTxn& txn, SessionId session,
                          Zxid zxid, std::int64_t time_ms, std::optional<Stat>& stat_out) {
  const auto parts = split(path);
  if (!parts) return Err::kNoNode;
  DataNode* parent = find(parts->parent);
  if (parent == nullptr) return Err::kNoNode;
  if (parent->children.contains(parts->child)) return Err::kNodeExists;
  // Deviation: ZooKeeper's createNode does not re-check the parent's type (PrepRequestProcessor
  // did). Only a replica that has diverged could get here; refusing keeps the tree one that
  // ZooKeeper's client API could produce, so check_invariants stays meaningful.
  if (is_ephemeral(parent->stat)) return Err::kNoChildrenForEphemerals;

  // DataTree.createNode: -1 (pre-3.3 txns) means "the parent's cversion + 1"; the parent's
  // cversion and pzxid only ever rise, so a create replayed after a later create+delete pair
  // (fuzzy snapshot) does not roll them back.
  std::int32_t parent_cversion = txn.parent_cversion;
  if (parent_cversion == -1) parent_cversion = wrapping_add(parent->stat.cversion, 1);
  if (parent_cversion > parent->stat.cversion) {
    parent->stat.cversion = parent_cversion;
    parent->stat.pzxid = zxid;
  }
  parent->children.insert(parts->child);

  const SessionId owner = txn.ephemeral ? session : SessionId{0};
  const std::string full = child_path(parts->parent.empty() ? kRootPath : parts->parent, parts->child);
  ZAB_ASSERT(full == path, "a created node's path is its parent's path plus its name");
  auto [it, inserted] = nodes_.try_emplace(full);
  ZAB_ASSERT(inserted, "a node absent from its parent's children is absent from the tree");
  it->second.data = txn.data;
  it->second.stat = create_stat(zxid, time_ms, owner);
  if (owner.value != 0) add_ephemeral(owner, full);
  // The stat is what create2 returns; a plain create's reply carries only the path.
  stat_out = it->second.copy_stat();
  ZAB_ASSERT(stat_out->version == 0, "a new node's data version is 0");
  ZAB_ASSERT(stat_out->num_children == 0, "a new node has no children");
  return Err::kOk;
}

Err DataTree::delete_node(const std::string& path, Zxid zxid) {
  const auto parts = split(path);
  if (!parts) return Err::kNoNode;
  DataNode* parent = find(parts->parent);
  if (parent == nullptr) return Err::kNoNode;
  // DataTree.deleteNode: the parent's pzxid moves (only ever up, so it cannot undo a later
  // create's pzxid) BEFORE the node's existence is checked: a delete replayed over a fuzzy
  // snapshot that no longer holds the node still leaves the parent's pzxid as it was then.
  // The stored cversion does not change: it counts creates only.
  parent->children.erase(parts->child);
  if (zxid > parent->stat.pzxid) parent->stat.pzxid = zxid;

  auto it = nodes_.find(path);
  ZAB_ASSERT(path != kRootPath, "the root cannot be deleted: a split path has a non-empty name");
  if (it == nodes_.end()) return Err::kNoNode;
  // Deviation: ZooKeeper's deleteNode does not look at children (PrepRequestProcessor checked
  // NOTEMPTY); on a diverged replica or a fuzzy replay it leaves them behind, unreachable from
  // the root but still readable by path until the next snapshot drops them. zabsim drops them
  // now, so every node's parent exists at all times.
  erase_subtree(path);
  ZAB_ASSERT(!nodes_.contains(path), "a deleted node is gone from the tree");
  ZAB_ASSERT(nodes_.contains(kRootPath), "deleting a node never takes the root");
  return Err::kOk;
}

void DataTree::erase_subtree(const std::string& path) {
  ZAB_ASSERT(path != kRootPath, "the root's subtree is never erased");
  ZAB_ASSERT(nodes_.contains(path), "the subtree to erase exists (its node was found)");
  // Iterative depth-first walk: bounded by the number of nodes, no recursion depth to worry about.
  std::vector<std::string> stack{path};
  while (!stack.empty()) {
    const std::string p = std::move(stack.back());
    stack.pop_back();
    auto it = nodes_.find(p);
    ZAB_ASSERT(it != nodes_.end(), "every listed child of a node exists in the tree");
    for (const std::string& c : it->second.children) stack.push_back(child_path(p, c));
    if (is_ephemeral(it->second.stat)) remove_ephemeral(it->second.stat.ephemeral_owner, p);
    nodes_.erase(it);
  }
}

Err DataTree::set_data(const SetDataTxn& txn, Zxid zxid, std::int64_t time_ms,
                       std::optional<Stat>& stat_out) {
  auto it = nodes_.find(txn.path);
  if (it == nodes_.end()) return Err::kNoNode;
  DataNode& n = it->second;
  n.data = txn.data;
  n.stat.mtime_ms = time_ms;
  n.stat.mzxid = zxid;
  n.stat.version = txn.version;  // absolute, computed by the leader: replaying it is harmless
  stat_out = n.copy_stat();
  ZAB_ASSERT(stat_out->version == txn.version, "setData stores the version the leader computed");
  ZAB_ASSERT(n.stat.mzxid == zxid, "setData's zxid is the node's mzxid");
  return Err::kOk;
}

Err DataTree::set_cversion_pzxid(const std::string& path, std::int32_t new_cversion, Zxid zxid) {
  DataNode* n = find(path);
  if (n == nullptr) return Err::kNoNode;
  if (new_cversion == -1) new_cversion = wrapping_add(n->stat.cversion, 1);
  if (new_cversion > n->stat.cversion) {
    n->stat.cversion = new_cversion;
    n->stat.pzxid = zxid;
  }
  return Err::kOk;
}

void DataTree::delete_nodes(const std::vector<std::string>& paths, Zxid zxid) {
  // DataTree.deleteNodes: NONODE for a path is ignored (ZooKeeper WARNs).
  for (const std::string& p : paths) (void)delete_node(p, zxid);
  ZAB_ASSERT(nodes_.contains(kRootPath), "deleting nodes never takes the root");
}

void DataTree::kill_session(SessionId session, Zxid zxid) {
  ZAB_ASSERT(session.value != 0, "only a real session is killed (0 owns no ephemerals)");
  auto it = ephemerals_.find(session);
  if (it == ephemerals_.end()) return;
  const std::vector<std::string> paths(it->second.begin(), it->second.end());
  ephemerals_.erase(it);
  delete_nodes(paths, zxid);
  ZAB_ASSERT(!ephemerals_.contains(session), "a killed session owns no ephemeral any more");
}

std::uint64_t DataTree::digest() const {
  Fnv1a64 h;
  Bytes buf;
  for (const auto& [path, node] : nodes_) {
    buf.clear();
    Writer w(buf);
    w.string(path);
    w.buffer(node.data);
    write_stat(w, node.stat);
    h.add(buf);
  }
  return h.value();
}

void DataTree::serialize(Writer& w) const {
  ZAB_ASSERT(nodes_.contains(kRootPath), "serialization starts at the root, which every tree has");
  w.i32(0);  // ReferenceCountedACLCache.serialize: no ACL entries (ACLs are out of scope)
  // DataTree.serializeNode: pre-order from the root, the root written as "". An explicit stack
  // (children pushed in reverse) gives the same order as the recursion, without its depth.
  std::vector<std::string> stack{kRootPath};
  std::size_t written = 0;  // nodes serialized: with a connected tree, every node once
  while (!stack.empty()) {
    const std::string path = std::move(stack.back());
    stack.pop_back();
    const DataNode* n = find(path);
    ZAB_ASSERT(n != nullptr, "every listed child of a node exists in the tree");
    w.string(path == kRootPath ? std::string() : path);
    w.buffer(n->data);
    w.i64(kOpenAclUnsafeId);
    write_stat(w, n->stat);
    ++written;
    for (auto c = n->children.rbegin(); c != n->children.rend(); ++c) {
      stack.push_back(child_path(path, *c));
    }
  }
  w.string(kRootPath);  // DataTree.serializeNodes: "/" marks the end
  ZAB_ASSERT(written == nodes_.size(), "the pre-order walk from the root reaches every node once (the tree is connected)");
}

bool DataTree::deserialize(Reader& r) {
  const std::int32_t acl_entries = r.i32();
  if (!r.ok()) return false;
  if (acl_entries != 0) {
    r.fail("snapshot tree: ACL cache entries (ACLs are out of scope)");
    return false;
  }
  std::map<std::string, DataNode> nodes;
  std::map<SessionId, std::set<std::string>> ephemerals;
  std::string path = r.string();
  if (r.ok() && path != "") {
    r.fail("snapshot tree: the first node is not the root");
    return false;
  }
  // Each record consumes at least 4 + 4 + 8 + 56 bytes, so the reader runs dry (and fails)
  // before this loop could run away on garbage.
  while (r.ok() && path != kRootPath) {
    DataNode node;
    node.data = r.buffer().value_or(Bytes{});  // a null buffer is empty data
    (void)r.i64();                             // the ACL id: ACLs are out of scope
    node.stat = read_stat(r);
    if (!r.ok()) break;
    std::string key = path.empty() ? std::string(kRootPath) : path;
    if (key != kRootPath) {
      const auto parts = split(key);
      if (!parts) {
        r.fail("snapshot tree: a malformed path");
        return false;
      }
      auto parent = nodes.find(parts->parent.empty() ? std::string(kRootPath) : parts->parent);
      if (parent == nodes.end()) {
        r.fail("snapshot tree: a node comes before its parent");  // "Invalid Datatree"
        return false;
      }
      if (is_ephemeral(parent->second.stat)) {
        r.fail("snapshot tree: an ephemeral node has children");
        return false;
      }
      parent->second.children.insert(parts->child);
      if (is_ephemeral(node.stat)) ephemerals[node.stat.ephemeral_owner].insert(key);
    }
    if (!nodes.try_emplace(std::move(key), std::move(node)).second) {
      r.fail("snapshot tree: a path appears twice");
      return false;
    }
    path = r.string();
  }
  if (!r.ok()) return false;
  nodes_ = std::move(nodes);
  ephemerals_ = std::move(ephemerals);
  ZAB_ASSERT(nodes_.contains(kRootPath), "a loaded tree starts with its root");
  check_invariants();
  return true;
}

void DataTree::check_invariants() const {
  ZAB_ASSERT(nodes_.contains(kRootPath), "the tree has a root");
  std::size_t listed_children = 0;
  std::size_t ephemeral_nodes = 0;
  for (const auto& [path, node] : nodes_) {
    listed_children += node.children.size();
    for (const std::string& c : node.children) {
      ZAB_ASSERT(!c.empty(), "a child name is not empty");
      ZAB_ASSERT(c.find('/') == std::string::npos, "a child name is one path component");
      ZAB_ASSERT(nodes_.contains(child_path(path, c)), "every listed child exists in the tree");
    }
    if (is_ephemeral(node.stat)) {
      ++ephemeral_nodes;
      ZAB_ASSERT(node.children.empty(), "an ephemeral node has no children");
      auto owned = ephemerals_.find(node.stat.ephemeral_owner);
      ZAB_ASSERT(owned != ephemerals_.end(), "an ephemeral node's owner is in the ephemeral index");
      ZAB_ASSERT(owned->second.contains(path), "an ephemeral node is listed under its owner");
    }
    if (path == kRootPath) continue;
    const auto parts = split(path);
    ZAB_ASSERT(parts.has_value(), "a node's path has a parent part and a non-empty name");
    const DataNode* parent = find(parts->parent);
    ZAB_ASSERT(parent != nullptr, "every node's parent exists");
    ZAB_ASSERT(parent->children.contains(parts->child), "every node is listed by its parent");
  }
  // Every non-root node is listed exactly once (by its parent), and only existing nodes are listed:
  // so numChildren, which is children.size(), counts exactly the nodes below.
  ZAB_ASSERT(listed_children + 1 == nodes_.size(), "the child lists account for every non-root node");
  std::size_t indexed = 0;
  for (const auto& [owner, paths] : ephemerals_) {
    ZAB_ASSERT(!paths.empty(), "the ephemeral index holds no empty set");
    indexed += paths.size();
    for (const std::string& p : paths) {
      const DataNode* n = find(p);
      ZAB_ASSERT(n != nullptr, "every indexed ephemeral exists");
      ZAB_ASSERT(n->stat.ephemeral_owner == owner, "every indexed ephemeral is owned by its session");
    }
  }
  ZAB_ASSERT(indexed == ephemeral_nodes, "the ephemeral index lists every ephemeral node once");
}

}  // namespace zab
