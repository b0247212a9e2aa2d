#include "protocol/database/data_tree.h"

#include <doctest/doctest.h>

using namespace zab;

namespace {

constexpr SessionId kS1{0x0100000000010000};
constexpr SessionId kS2{0x0100000000010001};

Zxid z(std::uint32_t counter) { return Zxid::make(1, counter); }

Txn create(std::uint32_t counter, const std::string& path, std::int32_t parent_cversion,
           bool ephemeral = false, SessionId s = kS1, Bytes data = {}) {
  return Txn{TxnHeader{s, 1, z(counter), 1000 + counter, OpCode::kCreate},
             CreateTxn{path, std::move(data), ephemeral, parent_cversion}};
}
Txn remove(std::uint32_t counter, const std::string& path) {
  return Txn{TxnHeader{kS1, 2, z(counter), 1000 + counter, OpCode::kDelete}, DeleteTxn{path}};
}
Txn set_data(std::uint32_t counter, const std::string& path, Bytes data, std::int32_t version) {
  return Txn{TxnHeader{kS1, 3, z(counter), 1000 + counter, OpCode::kSetData},
             SetDataTxn{path, std::move(data), version}};
}
Txn close_session(std::uint32_t counter, SessionId s, std::vector<std::string> paths) {
  return Txn{TxnHeader{s, 0, z(counter), 1000 + counter, OpCode::kCloseSession},
             CloseSessionTxn{std::move(paths)}};
}
Txn error(std::uint32_t counter, Err err) {
  return Txn{TxnHeader{kS1, 4, z(counter), 1000 + counter, OpCode::kError}, ErrorTxn{err}};
}

Bytes serialized(const DataTree& t) {
  Writer w;
  t.serialize(w);
  return w.take();
}

}  // namespace

TEST_CASE("a fresh tree holds the root, /zookeeper, its quota and config nodes, as ZooKeeper's does") {
  DataTree t;
  CHECK(t.node_count() == 4);
  CHECK(t.exists("/"));
  CHECK(t.exists("/zookeeper"));
  CHECK(t.exists("/zookeeper/quota"));
  CHECK(t.exists("/zookeeper/config"));
  CHECK(t.last_processed_zxid() == Zxid::zero());
  // The root has one child and a stored cversion of 0, so its visible cversion is -1.
  const Stat root = *t.stat("/");
  CHECK(root.num_children == 1);
  CHECK(root.cversion == -1);
  CHECK(t.stat("/zookeeper/config")->aversion == -1);
  CHECK(t.get_children("/zookeeper")->children == std::vector<std::string>{"config", "quota"});
  t.check_invariants();
}

TEST_CASE("a create sets the new node's stat from the txn and raises the parent's cversion and pzxid") {
  DataTree t;
  const ProcessTxnResult rc = t.process_txn(create(1, "/a", 1, false, kS1, Bytes{7, 8}));
  CHECK(rc.err == Err::kOk);
  CHECK(rc.path == "/a");
  REQUIRE(rc.stat.has_value());
  CHECK(rc.stat->czxid == z(1));
  CHECK(rc.stat->mzxid == z(1));
  CHECK(rc.stat->pzxid == z(1));
  CHECK(rc.stat->ctime_ms == 1001);
  CHECK(rc.stat->version == 0);
  CHECK(rc.stat->data_length == 2);
  CHECK(rc.stat->ephemeral_owner == SessionId{0});
  const StatPersisted root = t.get_node("/")->stat;
  CHECK(root.cversion == 1);
  CHECK(root.pzxid == z(1));
  CHECK(t.stat("/")->num_children == 2);
  CHECK(t.stat("/")->cversion == 0);  // 2 x 1 - 2
  CHECK(t.get_data("/a")->data == Bytes{7, 8});
  CHECK(t.last_processed_zxid() == z(1));
  t.check_invariants();
}

TEST_CASE("a delete keeps the stored cversion but the visible cversion counts it") {
  DataTree t;
  t.process_txn(create(1, "/a", 1));
  t.process_txn(create(2, "/a/x", 1));
  CHECK(t.stat("/a")->cversion == 1);  // 2 x 1 - 1
  const ProcessTxnResult rc = t.process_txn(remove(3, "/a/x"));
  CHECK(rc.err == Err::kOk);
  CHECK(t.get_node("/a")->stat.cversion == 1);  // stored: creates only
  CHECK(t.stat("/a")->cversion == 2);           // visible: one create + one delete
  CHECK(t.stat("/a")->pzxid == z(3));
  CHECK_FALSE(t.exists("/a/x"));
  t.check_invariants();
}

TEST_CASE("setData writes the txn's absolute version, mzxid and mtime") {
  DataTree t;
  t.process_txn(create(1, "/a", 1));
  const ProcessTxnResult rc = t.process_txn(set_data(2, "/a", Bytes{1}, 5));
  CHECK(rc.err == Err::kOk);
  REQUIRE(rc.stat.has_value());
  CHECK(rc.stat->version == 5);
  CHECK(rc.stat->mzxid == z(2));
  CHECK(rc.stat->mtime_ms == 1002);
  CHECK(rc.stat->czxid == z(1));
  // Replaying it (fuzzy snapshot) leaves the same version, not 6.
  t.process_txn(set_data(2, "/a", Bytes{1}, 5));
  CHECK(t.stat("/a")->version == 5);
}

TEST_CASE("txns that do not fit the tree fail with NONODE or NODEEXISTS and still advance lastProcessedZxid") {
  DataTree t;
  CHECK(t.process_txn(create(1, "/missing/child", 1)).err == Err::kNoNode);
  CHECK(t.last_processed_zxid() == z(1));
  CHECK(t.process_txn(remove(2, "/nothing")).err == Err::kNoNode);
  CHECK(t.process_txn(set_data(3, "/nothing", {}, 1)).err == Err::kNoNode);
  CHECK(t.process_txn(create(4, "/a", 1)).err == Err::kOk);
  CHECK(t.process_txn(create(5, "/a", 2)).err == Err::kNodeExists);
  CHECK(t.last_processed_zxid() == z(5));
  CHECK(t.node_count() == 5);
}

TEST_CASE("an error txn changes nothing but lastProcessedZxid, and reports its code") {
  DataTree t;
  t.process_txn(create(1, "/a", 1));
  const std::uint64_t before = t.digest();
  const ProcessTxnResult rc = t.process_txn(error(2, Err::kBadVersion));
  CHECK(rc.err == Err::kBadVersion);
  CHECK(rc.type == OpCode::kError);
  CHECK(rc.zxid == z(2));
  CHECK(t.last_processed_zxid() == z(2));
  CHECK(t.digest() == before);
}

TEST_CASE("lastProcessedZxid never moves back when an older txn is applied") {
  DataTree t;
  t.process_txn(create(5, "/a", 1));
  t.process_txn(error(3, Err::kNoNode));
  CHECK(t.last_processed_zxid() == z(5));
}

TEST_CASE("closeSession deletes the listed paths, then the session's remaining ephemerals, ignoring NONODE") {
  DataTree t;
  t.process_txn(create(1, "/e1", 1, true, kS1));
  t.process_txn(create(2, "/e2", 2, true, kS1));
  t.process_txn(create(3, "/other", 3, true, kS2));
  t.process_txn(create(4, "/p", 4));
  CHECK(t.ephemerals(kS1) == std::set<std::string>{"/e1", "/e2"});
  CHECK(t.stat("/e1")->ephemeral_owner == kS1);
  // The leader listed /e1 and a path already gone; /e2 is an "unexpected extra path".
  const ProcessTxnResult rc = t.process_txn(close_session(5, kS1, {"/e1", "/gone"}));
  CHECK(rc.err == Err::kOk);
  CHECK_FALSE(t.exists("/e1"));
  CHECK_FALSE(t.exists("/e2"));
  CHECK(t.exists("/other"));
  CHECK(t.exists("/p"));
  CHECK(t.ephemerals(kS1).empty());
  CHECK(t.ephemerals(kS2) == std::set<std::string>{"/other"});
  CHECK(t.stat("/")->pzxid == z(5));
  CHECK(t.last_processed_zxid() == z(5));
  t.check_invariants();
}

TEST_CASE("kill_session deletes a session's ephemerals without a txn") {
  DataTree t;
  t.process_txn(create(1, "/e", 1, true, kS2));
  t.kill_session(kS2, z(1));
  CHECK_FALSE(t.exists("/e"));
  CHECK(t.sessions_with_ephemerals().empty());
  CHECK(t.last_processed_zxid() == z(1));
}

TEST_CASE("replaying a create over a tree that has the node still raises the parent's cversion") {
  // ZOOKEEPER-1046: the node was deleted and re-created after the snapshot serialized its parent.
  DataTree t;
  t.process_txn(create(1, "/p", 1));
  t.process_txn(create(2, "/p/n", 1));
  const ProcessTxnResult rc = t.process_txn(create(3, "/p/n", 4));
  CHECK(rc.err == Err::kNodeExists);
  CHECK(t.get_node("/p")->stat.cversion == 4);
  CHECK(t.get_node("/p")->stat.pzxid == z(3));
}

TEST_CASE("a replayed create never lowers the parent's cversion or pzxid") {
  DataTree t;
  t.process_txn(create(1, "/p", 1));
  t.process_txn(create(7, "/p/late", 6));
  // An older create whose node is not there (it was created and deleted in the fuzzy window).
  CHECK(t.process_txn(create(3, "/p/early", 2)).err == Err::kOk);
  CHECK(t.get_node("/p")->stat.cversion == 6);
  CHECK(t.get_node("/p")->stat.pzxid == z(7));
  // -1 (a pre-3.3 txn) means "the parent's cversion + 1".
  t.process_txn(create(8, "/p/old", -1));
  CHECK(t.get_node("/p")->stat.cversion == 7);
}

TEST_CASE("a delete of a node already gone still raises the parent's pzxid, and only upwards") {
  DataTree t;
  t.process_txn(create(1, "/p", 1));
  CHECK(t.process_txn(remove(4, "/p/gone")).err == Err::kNoNode);
  CHECK(t.get_node("/p")->stat.pzxid == z(4));
  t.process_txn(remove(2, "/p/gone"));
  CHECK(t.get_node("/p")->stat.pzxid == z(4));
}

TEST_CASE("getChildren returns the names sorted with the parent's stat") {
  DataTree t;
  t.process_txn(create(1, "/b", 1));
  t.process_txn(create(2, "/a", 2));
  t.process_txn(create(3, "/a-b", 3));
  const auto c = t.get_children("/");
  REQUIRE(c.has_value());
  CHECK(c->children == std::vector<std::string>{"a", "a-b", "b", "zookeeper"});
  CHECK(c->stat.num_children == 4);
  CHECK_FALSE(t.get_children("/none").has_value());
  CHECK_FALSE(t.get_data("/none").has_value());
}

TEST_CASE("the tree refuses a child under an ephemeral node and drops a deleted node's subtree") {
  // Both can only happen on a replica that diverged; zabsim keeps the tree well-formed.
  DataTree t;
  t.process_txn(create(1, "/e", 1, true, kS1));
  CHECK(t.process_txn(create(2, "/e/c", 1)).err == Err::kNoChildrenForEphemerals);
  t.process_txn(create(3, "/p", 2));
  t.process_txn(create(4, "/p/q", 1));
  t.process_txn(create(5, "/p/q/e", 1, true, kS2));
  CHECK(t.process_txn(remove(6, "/p")).err == Err::kOk);
  CHECK_FALSE(t.exists("/p/q"));
  CHECK_FALSE(t.exists("/p/q/e"));
  CHECK(t.ephemerals(kS2).empty());
  t.check_invariants();
}

TEST_CASE("serialize then deserialize gives the same tree, digest and ephemeral index") {
  DataTree t;
  t.process_txn(create(1, "/a", 1, false, kS1, Bytes{1, 2, 3}));
  t.process_txn(create(2, "/a/b", 1));
  t.process_txn(create(3, "/a-b", 2));
  t.process_txn(create(4, "/a/e", 2, true, kS2));
  t.process_txn(set_data(5, "/a", Bytes{9}, 1));
  t.process_txn(remove(6, "/a/b"));
  const Bytes bytes = serialized(t);

  DataTree back;
  back.process_txn(create(1, "/junk", 1));  // replaced entirely
  Reader r(bytes);
  REQUIRE(back.deserialize(r));
  CHECK(r.at_end());
  CHECK(back.digest() == t.digest());
  CHECK(back.node_count() == t.node_count());
  CHECK_FALSE(back.exists("/junk"));
  CHECK(back.ephemerals(kS2) == std::set<std::string>{"/a/e"});
  CHECK(*back.stat("/a") == *t.stat("/a"));
  CHECK(*back.stat("/") == *t.stat("/"));
  CHECK(serialized(back) == bytes);
  back.check_invariants();
}

TEST_CASE("the snapshot tree has DataTree.serialize's layout") {
  const DataTree t;
  const Bytes b = serialized(t);
  Reader r(b);
  CHECK(r.i32() == 0);           // empty ACL cache
  CHECK(r.string() == "");       // the root, written as ""
  CHECK(r.buffer().value().empty());
  CHECK(r.i64() == -1);          // the OPEN_ACL_UNSAFE acl id
  for (int i = 0; i < 9; ++i) (void)(i < 4 || i == 7 || i == 8 ? r.i64() : r.i32());
  CHECK(r.string() == "/zookeeper");  // pre-order
  // The end mark: the string "/".
  REQUIRE(b.size() >= 5);
  CHECK(b[b.size() - 5] == 0);
  CHECK(b[b.size() - 2] == 1);
  CHECK(b.back() == '/');
}

TEST_CASE("deserialize refuses a truncated tree, an orphan and a duplicate, leaving the tree as it was") {
  DataTree t;
  t.process_txn(create(1, "/a", 1));
  t.process_txn(create(2, "/a/b", 1));
  const Bytes good = serialized(t);
  DataTree target;
  const std::uint64_t before = target.digest();
  for (std::size_t n = 0; n < good.size(); n += 7) {
    Reader r(std::span<const std::uint8_t>(good.data(), n));
    CHECK_FALSE(target.deserialize(r));
    CHECK_FALSE(r.ok());
  }
  CHECK(target.digest() == before);

  // A child whose parent never appeared.
  Writer w;
  w.i32(0);
  for (const char* path : {"", "/x/y"}) {
    w.string(path);
    w.buffer(Bytes{});
    w.i64(-1);
    for (int i = 0; i < 9; ++i) (i < 4 || i == 7 || i == 8) ? w.i64(0) : w.i32(0);
  }
  w.string("/");
  Reader orphan(w.bytes());
  CHECK_FALSE(target.deserialize(orphan));
  CHECK(std::string(orphan.error()).find("parent") != std::string::npos);

  // The root twice.
  Writer d;
  d.i32(0);
  for (int k = 0; k < 2; ++k) {
    d.string("");
    d.buffer(Bytes{});
    d.i64(-1);
    for (int i = 0; i < 9; ++i) (i < 4 || i == 7 || i == 8) ? d.i64(0) : d.i32(0);
  }
  d.string("/");
  Reader dup(d.bytes());
  CHECK_FALSE(target.deserialize(dup));
  CHECK(target.digest() == before);
}

TEST_CASE("the digest tells trees apart and ignores lastProcessedZxid") {
  DataTree a;
  DataTree b;
  CHECK(a.digest() == b.digest());
  a.process_txn(create(1, "/x", 1, false, kS1, Bytes{1}));
  b.process_txn(create(1, "/x", 1, false, kS1, Bytes{2}));
  CHECK(a.digest() != b.digest());
  b.process_txn(set_data(2, "/x", Bytes{1}, 0));
  CHECK(a.digest() != b.digest());  // same data, but mzxid and mtime differ
  DataTree c;
  c.process_txn(create(1, "/x", 1, false, kS1, Bytes{1}));
  c.set_last_processed_zxid(z(99));
  CHECK(a.digest() == c.digest());
}
