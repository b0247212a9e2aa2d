#include "protocol/client_port/prep_request.h"

#include <doctest/doctest.h>

#include "protocol/database/path_utils.h"

using namespace zab;

namespace {

// A leader in miniature: the tree, the session tracker, the PrepRequestProcessor and the zxid
// counter (hzxid). Txns are prepared now and applied later, in order, as commits arrive.
struct Leader {
  Leader() : tracker(make_config(), 0), prep(tree, tracker) {}

  static ServerConfig make_config() {
    ServerConfig c;
    c.my_id = ServerId{1};
    c.voters = {ServerId{1}, ServerId{2}, ServerId{3}};
    return c;
  }

  Txn prepare(ClientRequest r) {
    ++counter;
    r.cxid = static_cast<std::int32_t>(counter);
    Txn t = prep.prepare(r, Zxid::make(1, counter), 5000 + counter);
    prep.check_invariants();
    return t;
  }
  ProcessTxnResult apply(const Txn& t) {
    ProcessTxnResult rc = tree.process_txn(t);
    prep.applied(t.header.zxid);
    prep.check_invariants();
    tree.check_invariants();
    return rc;
  }
  ProcessTxnResult run(ClientRequest r) { return apply(prepare(std::move(r))); }

  DataTree tree;
  SessionTracker tracker;
  PrepRequestProcessor prep;
  std::uint32_t counter = 0;
};

ClientRequest create(SessionId s, std::string path, bool ephemeral = false, bool sequential = false) {
  return ClientRequest{.session = s, .type = OpCode::kCreate, .path = std::move(path),
                       .data = Bytes{1}, .ephemeral = ephemeral, .sequential = sequential};
}
ClientRequest remove(SessionId s, std::string path, std::int32_t version = -1) {
  return ClientRequest{.session = s, .type = OpCode::kDelete, .path = std::move(path), .version = version};
}
ClientRequest set_data(SessionId s, std::string path, std::int32_t version = -1) {
  return ClientRequest{.session = s, .type = OpCode::kSetData, .path = std::move(path),
                       .data = Bytes{2, 3}, .version = version};
}
ClientRequest close_session(SessionId s) {
  return ClientRequest{.session = s, .type = OpCode::kCloseSession};
}

Err err_of(const Txn& t) {
  if (t.header.type != OpCode::kError) return Err::kOk;
  return std::get<ErrorTxn>(t.body).err;
}

const std::string& created_path(const Txn& t) { return std::get<CreateTxn>(t.body).path; }

}  // namespace

TEST_CASE("a create becomes a CreateTxn carrying the parent's next stored cversion") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  const Txn t = l.prepare(create(s, "/a"));
  CHECK(t.header.type == OpCode::kCreate);
  CHECK(t.header.session == s);
  CHECK(t.header.zxid == Zxid::make(1, 1));
  CHECK(t.header.time_ms == 5001);
  const auto& c = std::get<CreateTxn>(t.body);
  CHECK(c.path == "/a");
  CHECK(c.parent_cversion == 1);  // the root's stored cversion was 0
  CHECK_FALSE(c.ephemeral);
  CHECK(l.apply(t).err == Err::kOk);
  CHECK(l.tree.exists("/a"));
  CHECK(l.prep.outstanding_count() == 0);
}

TEST_CASE("setData and delete check the expected version, -1 matching any, and the txn carries the new version") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/a"));
  const Txn t1 = l.prepare(set_data(s, "/a", 0));
  CHECK(std::get<SetDataTxn>(t1.body).version == 1);
  l.apply(t1);
  CHECK(err_of(l.prepare(set_data(s, "/a", 0))) == Err::kBadVersion);
  const Txn t2 = l.prepare(set_data(s, "/a", -1));
  CHECK(std::get<SetDataTxn>(t2.body).version == 2);
  l.apply(t2);
  CHECK(l.tree.stat("/a")->version == 2);
  CHECK(err_of(l.prepare(remove(s, "/a", 1))) == Err::kBadVersion);
  CHECK(err_of(l.prepare(remove(s, "/a", 2))) == Err::kOk);
}

TEST_CASE("versions are checked against pending setData txns, not just the tree") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/a"));
  const Txn first = l.prepare(set_data(s, "/a", 0));   // not applied yet
  const Txn second = l.prepare(set_data(s, "/a", 0));  // the pending one made it version 1
  CHECK(err_of(first) == Err::kOk);
  CHECK(err_of(second) == Err::kBadVersion);
  CHECK(std::get<SetDataTxn>(l.prepare(set_data(s, "/a", 1)).body).version == 2);
}

TEST_CASE("a delete with a wrong version on a node with children is BADVERSION, before NOTEMPTY") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/p"));
  l.run(create(s, "/p/c"));
  CHECK(err_of(l.prepare(remove(s, "/p", 7))) == Err::kBadVersion);
  CHECK(err_of(l.prepare(remove(s, "/p", 0))) == Err::kNotEmpty);
  CHECK(err_of(l.prepare(remove(s, "/p"))) == Err::kNotEmpty);
}

TEST_CASE("sequential names come from the parent's stored cversion and deletes do not reset them") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/q"));
  const Txn a = l.prepare(create(s, "/q/n-", false, true));
  CHECK(created_path(a) == "/q/n-0000000000");
  l.apply(a);
  const Txn b = l.prepare(create(s, "/q/n-", false, true));
  CHECK(created_path(b) == "/q/n-0000000001");
  l.apply(b);
  l.run(remove(s, "/q/n-0000000000"));
  l.run(remove(s, "/q/n-0000000001"));
  // Visible cversion is 4 now (2 creates + 2 deletes), stored is 2: the stored one names.
  CHECK(l.tree.stat("/q")->cversion == 4);
  CHECK(created_path(l.prepare(create(s, "/q/n-", false, true))) == "/q/n-0000000002");
}

TEST_CASE("pending sequential creates each take the next suffix before any is applied") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/q"));
  const Txn a = l.prepare(create(s, "/q/", true, true));
  const Txn b = l.prepare(create(s, "/q/", true, true));
  CHECK(created_path(a) == "/q/0000000000");
  CHECK(created_path(b) == "/q/0000000001");
  CHECK(std::get<CreateTxn>(b.body).parent_cversion == 2);
  l.apply(a);
  l.apply(b);
  CHECK(l.tree.get_children("/q")->children == std::vector<std::string>{"0000000000", "0000000001"});
}

TEST_CASE("a pending create makes a second create NODEEXISTS and allows a child under it") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  const Txn a = l.prepare(create(s, "/a"));
  const Txn again = l.prepare(create(s, "/a"));
  const Txn child = l.prepare(create(s, "/a/b"));
  CHECK(err_of(a) == Err::kOk);
  CHECK(err_of(again) == Err::kNodeExists);
  CHECK(err_of(child) == Err::kOk);
  CHECK(std::get<CreateTxn>(child.body).parent_cversion == 1);
  CHECK(l.apply(a).err == Err::kOk);
  CHECK(l.apply(again).err == Err::kNodeExists);
  CHECK(l.apply(child).err == Err::kOk);
  CHECK(l.tree.exists("/a/b"));
}

TEST_CASE("a pending delete makes the node NONODE and its path free again") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/a"));
  const Txn del = l.prepare(remove(s, "/a"));
  CHECK(err_of(l.prepare(set_data(s, "/a"))) == Err::kNoNode);
  CHECK(err_of(l.prepare(remove(s, "/a"))) == Err::kNoNode);
  const Txn recreate = l.prepare(create(s, "/a"));
  CHECK(err_of(recreate) == Err::kOk);
  l.apply(del);
  CHECK(l.apply(recreate).err == Err::kOk);
}

TEST_CASE("a failed write is an error txn that keeps its zxid and still advances lastProcessedZxid") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  const Txn t = l.prepare(set_data(s, "/missing"));
  CHECK(t.header.type == OpCode::kError);
  CHECK(t.header.zxid == Zxid::make(1, 1));
  CHECK(t.header.session == s);
  CHECK(t.header.cxid == 1);
  CHECK(err_of(t) == Err::kNoNode);
  CHECK(l.prep.outstanding_count() == 0);
  const ProcessTxnResult rc = l.apply(t);
  CHECK(rc.err == Err::kNoNode);
  CHECK(l.tree.last_processed_zxid() == Zxid::make(1, 1));
  CHECK(decode_txn(encode_txn(t)) == t);  // it is logged and proposed like any txn
}

TEST_CASE("NONODE, NODEEXISTS, NOTEMPTY and NOCHILDRENFOREPHEMERALS come from the tree's state") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  CHECK(err_of(l.prepare(create(s, "/x/y"))) == Err::kNoNode);
  CHECK(err_of(l.prepare(remove(s, "/x"))) == Err::kNoNode);
  CHECK(err_of(l.prepare(create(s, "/zookeeper"))) == Err::kNodeExists);
  CHECK(err_of(l.prepare(create(s, "/"))) == Err::kNodeExists);
  l.run(create(s, "/e", true));
  const Txn under_ephemeral = l.prepare(create(s, "/e/c"));
  CHECK(err_of(under_ephemeral) == Err::kNoChildrenForEphemerals);
  // NODEEXISTS comes first: the ephemeral itself, asked for again.
  CHECK(err_of(l.prepare(create(s, "/e", true))) == Err::kNodeExists);
  l.run(create(s, "/p"));
  l.run(create(s, "/p/c"));
  CHECK(err_of(l.prepare(remove(s, "/p"))) == Err::kNotEmpty);
}

TEST_CASE("paths are validated as ZooKeeper does, and its special nodes cannot be deleted") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/a"));
  CHECK(err_of(l.prepare(create(s, "a"))) == Err::kBadArguments);
  CHECK(err_of(l.prepare(create(s, "/a/"))) == Err::kBadArguments);
  CHECK(err_of(l.prepare(create(s, "/a/."))) == Err::kBadArguments);
  CHECK(err_of(l.prepare(create(s, std::string("/a/b\0c", 6)))) == Err::kBadArguments);
  // The parent is looked up before the whole path is validated: "a/b" has no parent "a".
  CHECK(err_of(l.prepare(create(s, "a/b"))) == Err::kNoNode);
  CHECK(err_of(l.prepare(create(s, "/a//b"))) == Err::kNoNode);
  // A sequential suffix makes "/a/" a valid request.
  CHECK(created_path(l.prepare(create(s, "/a/", false, true))) == "/a/0000000000");
  CHECK(err_of(l.prepare(set_data(s, "/a/"))) == Err::kBadArguments);
  for (const char* special : {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
    CHECK(err_of(l.prepare(remove(s, special))) == Err::kBadArguments);
  }
}

TEST_CASE("requests of unknown or closing sessions are SESSIONEXPIRED") {
  Leader l;
  const SessionId unknown{0x0300000000000001};
  CHECK(err_of(l.prepare(create(unknown, "/a"))) == Err::kSessionExpired);
  CHECK(err_of(l.prepare(create(unknown, "/a", true))) == Err::kSessionExpired);
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/a"));
  l.tracker.set_session_closing(s);
  CHECK(err_of(l.prepare(set_data(s, "/a"))) == Err::kSessionExpired);
  CHECK(err_of(l.prepare(remove(s, "/a"))) == Err::kSessionExpired);
  // The session check comes before everything else.
  CHECK(err_of(l.prepare(create(s, "bad"))) == Err::kSessionExpired);
}

TEST_CASE("createSession becomes a CreateSessionTxn with the negotiated timeout, unchecked") {
  Leader l;
  const SessionId fresh{0x0200000000000005};  // created on a follower, unknown to the leader
  ClientRequest r{.session = fresh, .type = OpCode::kCreateSession, .session_timeout_ms = 6000};
  const Txn t = l.prepare(r);
  CHECK(t.header.type == OpCode::kCreateSession);
  CHECK(std::get<CreateSessionTxn>(t.body).timeout_ms == 6000);
  CHECK(l.apply(t).err == Err::kOk);
  CHECK(l.tree.last_processed_zxid() == t.header.zxid);
}

TEST_CASE("closeSession lists the session's ephemerals, and applying it deletes them") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  const SessionId other = l.tracker.create_session(10000, 0);
  l.run(create(s, "/e1", true));
  l.run(create(s, "/e2", true));
  l.run(create(other, "/o", true));
  l.run(create(s, "/persistent"));
  const Txn t = l.prepare(close_session(s));
  CHECK(t.header.type == OpCode::kCloseSession);
  CHECK(std::get<CloseSessionTxn>(t.body).paths_to_delete == std::vector<std::string>{"/e1", "/e2"});
  // Until it is applied, the ephemerals are pending deletes.
  CHECK(err_of(l.prepare(set_data(other, "/e1"))) == Err::kNoNode);
  l.apply(t);
  CHECK_FALSE(l.tree.exists("/e1"));
  CHECK_FALSE(l.tree.exists("/e2"));
  CHECK(l.tree.exists("/o"));
  CHECK(l.tree.exists("/persistent"));
  CHECK(l.tree.ephemerals(s).empty());
}

TEST_CASE("closeSession includes the session's pending creates and excludes its pending deletes") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  l.run(create(s, "/kept", true));
  l.run(create(s, "/deleted", true));
  const Txn pending_delete = l.prepare(remove(s, "/deleted"));
  const Txn pending_create = l.prepare(create(s, "/new", true));
  const Txn close = l.prepare(close_session(s));
  CHECK(std::get<CloseSessionTxn>(close.body).paths_to_delete ==
        std::vector<std::string>{"/kept", "/new"});
  l.apply(pending_delete);
  l.apply(pending_create);
  l.apply(close);
  CHECK_FALSE(l.tree.exists("/kept"));
  CHECK_FALSE(l.tree.exists("/new"));
  CHECK(l.tree.ephemerals(s).empty());
}

TEST_CASE("applied drops the outstanding changes up to the zxid and reads fall back to the tree") {
  Leader l;
  const SessionId s = l.tracker.create_session(10000, 0);
  const Txn a = l.prepare(create(s, "/a"));
  const Txn b = l.prepare(create(s, "/b"));
  CHECK(l.prep.outstanding_count() == 4);  // each create: the parent's record and the node's
  REQUIRE(l.prep.record_for_path("/").has_value());
  CHECK(l.prep.record_for_path("/")->child_count == 3);
  CHECK(l.prep.record_for_path("/b")->zxid == b.header.zxid);
  l.apply(a);
  CHECK(l.prep.outstanding_count() == 2);
  CHECK(l.prep.record_for_path("/")->stat->cversion == 2);  // still b's pending record
  l.apply(b);
  CHECK(l.prep.outstanding_count() == 0);
  CHECK(l.prep.record_for_path("/b")->zxid == Zxid::zero());  // from the tree now
  CHECK(l.prep.record_for_path("")->child_count == 3);        // "" is the root's alias
}

TEST_CASE("validatePath refuses what ZooKeeper's PathUtils refuses") {
  CHECK(is_valid_path("/"));
  CHECK(is_valid_path("/a/b-c.d/..e/e..f"));
  CHECK(is_valid_path("/\xc3\xa9"));  // U+00E9
  CHECK_FALSE(is_valid_path(""));
  CHECK_FALSE(is_valid_path("a"));
  CHECK_FALSE(is_valid_path("/a/"));
  CHECK_FALSE(is_valid_path("//"));
  CHECK_FALSE(is_valid_path("/a//b"));
  CHECK_FALSE(is_valid_path("/."));
  CHECK_FALSE(is_valid_path("/a/.."));
  CHECK_FALSE(is_valid_path("/a/../b"));
  CHECK_FALSE(is_valid_path(std::string("/a\0", 3)));
  CHECK_FALSE(is_valid_path("/a\x01"));
  CHECK_FALSE(is_valid_path("/a\x7f"));
  CHECK_FALSE(is_valid_path("/\xc2\x85"));          // U+0085
  CHECK_FALSE(is_valid_path("/\xee\x80\x80"));      // U+E000, private use
  CHECK_FALSE(is_valid_path("/\xef\xbf\xbf"));      // U+FFFF
  CHECK_FALSE(is_valid_path("/\xf0\x9f\x98\x80"));  // outside the BMP: a surrogate pair in Java
  CHECK_FALSE(is_valid_path("/\xff"));              // not UTF-8
  CHECK_FALSE(is_valid_path("/\xc3"));              // truncated UTF-8
}
