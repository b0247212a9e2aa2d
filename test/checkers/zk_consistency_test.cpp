// ZooKeeper consistency (OSC(U)): one test per sentence of the guarantees it must accept or
// reject. Times are nanoseconds; c1, c2... are clients with one session each.

#include "checkers/zk_consistency.h"

#include <doctest/doctest.h>

#include "checkers/linearizability.h"
#include "history_text.h"

using namespace zab::check;
using zab::check::testing::history_from;
using zab::check::testing::options_for;

namespace {

CheckReport zk(const std::string& text) {
  const CheckReport r = check_zk_consistency(history_from(text), options_for(ModelKind::kZnode));
  INFO(format_report(r));
  CHECK(r.verdict != HistoryVerdict::kBadInput);
  return r;
}

CheckReport lin(const std::string& text) {
  return check_linearizable(history_from(text), options_for(ModelKind::kZnode));
}

// /x created with "0" by c1 and set to "1" by c1; the read of c2 comes after both completed.
const char* kStaleReadPrefix = R"(
{"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok","result":{"path":"/x","zxid":1}}
{"id":2,"client":"c1","session":1,"invoke_ns":10,"complete_ns":15,"type":"setData","path":"/x","value":"1","outcome":"ok","result":{"version":1,"zxid":2}}
)";

}  // namespace

TEST_CASE("zk accepts a cross-client stale read without sync") {
  const std::string h = std::string(kStaleReadPrefix) +
                        R"({"id":3,"client":"c2","session":2,"invoke_ns":20,"complete_ns":25,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0","version":0,"zxid":1}})";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
  // The same history is not linearizable: reads there are ordered in real time too.
  CHECK(lin(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk accepts the stale read without zxids too") {
  const std::string h = R"(
{"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","session":1,"invoke_ns":10,"complete_ns":15,"type":"setData","path":"/x","value":"1","outcome":"ok"}
{"id":3,"client":"c2","session":2,"invoke_ns":20,"complete_ns":25,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}}
{"id":4,"client":"c2","session":2,"invoke_ns":30,"complete_ns":35,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk rejects a session reading older data than its own acknowledged write") {
  const std::string h = std::string(kStaleReadPrefix) +
                        R"({"id":3,"client":"c1","session":1,"invoke_ns":20,"complete_ns":25,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}})";
  const CheckReport r = zk(h);
  CHECK(r.verdict == HistoryVerdict::kViolation);
  CHECK(r.witness_minimized);
  CHECK(r.witness_ids == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("zk rejects a session reading x=2 then x=1") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"1","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":15,"type":"setData","path":"/x","value":"2","outcome":"ok"}
{"id":3,"client":"c2","invoke_ns":0,"complete_ns":50,"type":"getData","path":"/x","outcome":"ok","result":{"data":"2"}}
{"id":4,"client":"c2","invoke_ns":51,"complete_ns":60,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}}
)";
  const CheckReport r = zk(h);
  CHECK(r.verdict == HistoryVerdict::kViolation);
  // c2's first read alone, or its second alone, is fine: both are needed.
  CHECK(r.witness_ids == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("zk rejects two sessions observing two writes in opposite orders") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":100,"type":"setData","path":"/x","value":"a","outcome":"ok"}
{"id":3,"client":"c2","invoke_ns":10,"complete_ns":100,"type":"setData","path":"/x","value":"b","outcome":"ok"}
{"id":4,"client":"c3","invoke_ns":20,"complete_ns":30,"type":"getData","path":"/x","outcome":"ok","result":{"data":"a"}}
{"id":5,"client":"c3","invoke_ns":40,"complete_ns":50,"type":"getData","path":"/x","outcome":"ok","result":{"data":"b"}}
{"id":6,"client":"c4","invoke_ns":20,"complete_ns":30,"type":"getData","path":"/x","outcome":"ok","result":{"data":"b"}}
{"id":7,"client":"c4","invoke_ns":40,"complete_ns":50,"type":"getData","path":"/x","outcome":"ok","result":{"data":"a"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk rejects two sessions observing writes to two nodes in opposite orders") {
  // Independent reads of independent writes (IRIW): sequential consistency is not local, so
  // neither node's history is bad alone.
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c0","invoke_ns":6,"complete_ns":9,"type":"create","path":"/y","value":"0","outcome":"ok"}
{"id":3,"client":"c1","invoke_ns":10,"complete_ns":100,"type":"setData","path":"/x","value":"1","outcome":"ok"}
{"id":4,"client":"c2","invoke_ns":10,"complete_ns":100,"type":"setData","path":"/y","value":"1","outcome":"ok"}
{"id":5,"client":"c3","invoke_ns":20,"complete_ns":30,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}}
{"id":6,"client":"c3","invoke_ns":40,"complete_ns":50,"type":"getData","path":"/y","outcome":"ok","result":{"data":"0"}}
{"id":7,"client":"c4","invoke_ns":20,"complete_ns":30,"type":"getData","path":"/y","outcome":"ok","result":{"data":"1"}}
{"id":8,"client":"c4","invoke_ns":40,"complete_ns":50,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
  // Sequential consistency is not local: each node's operations alone are consistent.
  for (const std::string path : {"/x", "/y"}) {
    History one;
    for (const HistoryOp& op : history_from(h).ops) {
      if (op.path == path) one.ops.push_back(op);
    }
    CHECK(check_zk_consistency(one, options_for(ModelKind::kZnode)).verdict == HistoryVerdict::kOk);
  }
}

TEST_CASE("zk rejects an update order that contradicts real time") {
  // c1's setData completed before c2's began, yet the versions say c2's came first.
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"setData","path":"/x","value":"1","outcome":"ok","result":{"version":2}}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"setData","path":"/x","value":"2","outcome":"ok","result":{"version":1}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk rejects a read after sync that misses a write completed before the sync") {
  const std::string prefix = std::string(kStaleReadPrefix) +
                             R"({"id":3,"client":"c2","session":2,"invoke_ns":20,"complete_ns":25,"type":"sync","path":"/x","outcome":"ok"}
)";
  CHECK(zk(prefix + R"({"id":4,"client":"c2","session":2,"invoke_ns":30,"complete_ns":35,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}})")
            .verdict == HistoryVerdict::kViolation);
  CHECK(zk(prefix + R"({"id":4,"client":"c2","session":2,"invoke_ns":30,"complete_ns":35,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}})")
            .verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk rejects a read of a value whose write was invoked after the read returned") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c2","invoke_ns":10,"complete_ns":20,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}}
{"id":3,"client":"c1","invoke_ns":30,"complete_ns":40,"type":"setData","path":"/x","value":"1","outcome":"ok"}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk rejects a read of a value whose write definitely failed") {
  const std::string base = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
)";
  SUBCASE("failed on the state it found (BADVERSION)") {
    CHECK(zk(base + R"({"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"setData","path":"/x","value":"1","version":7,"outcome":"failed","result":{"err":"BADVERSION"}}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}})")
              .verdict == HistoryVerdict::kViolation);
  }
  SUBCASE("failed for another reason (SESSIONEXPIRED)") {
    CHECK(zk(base + R"({"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"setData","path":"/x","value":"1","outcome":"failed","result":{"err":"SESSIONEXPIRED"}}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}})")
              .verdict == HistoryVerdict::kViolation);
  }
}

TEST_CASE("zk rejects a BADVERSION failure when the version matched") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"setData","path":"/x","value":"1","version":0,"outcome":"failed","result":{"err":"BADVERSION"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk accepts an indeterminate write that took effect") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"type":"setData","path":"/x","value":"1","outcome":"indeterminate"}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1","version":1}}
{"id":4,"client":"c1","invoke_ns":50,"complete_ns":60,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1","version":1}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
  CHECK(lin(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk accepts an indeterminate write that did not take effect") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":500,"type":"setData","path":"/x","value":"1","outcome":"indeterminate"}
{"id":3,"client":"c2","invoke_ns":1000,"complete_ns":1010,"type":"sync","path":"/x","outcome":"ok"}
{"id":4,"client":"c2","invoke_ns":1020,"complete_ns":1030,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0","version":0}}
{"id":5,"client":"c1","invoke_ns":1040,"complete_ns":1050,"type":"setData","path":"/x","value":"2","version":0,"outcome":"ok","result":{"version":1}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
  CHECK(lin(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk rejects a value that appears, vanishes and reappears for one session") {
  // An indeterminate write takes effect at most once.
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"type":"setData","path":"/x","value":"1","outcome":"indeterminate"}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1"}}
{"id":4,"client":"c2","invoke_ns":50,"complete_ns":60,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk keeps a session's pipelined writes in the order it issued them") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":50,"type":"setData","path":"/x","value":"a","outcome":"ok"}
{"id":3,"client":"c1","invoke_ns":11,"complete_ns":51,"type":"setData","path":"/x","value":"b","outcome":"ok"}
{"id":4,"client":"c2","invoke_ns":60,"complete_ns":70,"type":"sync","path":"/x","outcome":"ok"}
{"id":5,"client":"c2","invoke_ns":80,"complete_ns":90,"type":"getData","path":"/x","outcome":"ok","result":{"data":"a"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
  // Linearizability has no session order: the two writes overlap, so "a" last is fine.
  CHECK(lin(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk lets an ephemeral node vanish when its session may have ended") {
  const std::string h = R"(
{"id":1,"client":"c1","session":7,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/e","value":"v","ephemeral":true,"outcome":"ok"}
{"id":2,"client":"c2","session":8,"invoke_ns":100,"complete_ns":110,"type":"sync","path":"/e","outcome":"ok"}
{"id":3,"client":"c2","session":8,"invoke_ns":120,"complete_ns":130,"type":"exists","path":"/e","outcome":"failed","result":{"err":"NONODE"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk rejects an ephemeral node that outlives its closed session") {
  const std::string h = R"(
{"id":1,"client":"c1","session":7,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/e","value":"v","ephemeral":true,"outcome":"ok"}
{"id":2,"client":"c1","session":7,"invoke_ns":10,"complete_ns":20,"type":"closeSession","outcome":"ok"}
{"id":3,"client":"c2","session":8,"invoke_ns":100,"complete_ns":110,"type":"sync","path":"/e","outcome":"ok"}
{"id":4,"client":"c2","session":8,"invoke_ns":120,"complete_ns":130,"type":"getData","path":"/e","outcome":"ok","result":{"data":"v"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("zk checks a sequential create as a create of the node it returned") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/q-","value":"a","sequential":true,"outcome":"ok","result":{"path":"/q-0000000000"}}
{"id":2,"client":"c2","invoke_ns":10,"complete_ns":20,"type":"getData","path":"/q-0000000000","outcome":"ok","result":{"data":"a"}}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/q-0000000001","outcome":"ok","result":{"data":"b"}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kViolation);
  const std::string indeterminate = R"(
{"id":1,"client":"c1","invoke_ns":0,"type":"create","path":"/q-","value":"b","sequential":true,"outcome":"indeterminate"}
{"id":2,"client":"c2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/q-0000000001","outcome":"ok","result":{"data":"b"}}
)";
  CHECK(zk(indeterminate).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk judges what clients saw, not the zxids servers reported") {
  // The zxids claim the writes in the opposite order; the results are still consistent.
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":5,"type":"create","path":"/x","value":"0","outcome":"ok","result":{"zxid":9}}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":15,"type":"setData","path":"/x","value":"1","outcome":"ok","result":{"zxid":3}}
{"id":3,"client":"c2","invoke_ns":20,"complete_ns":25,"type":"getData","path":"/x","outcome":"ok","result":{"data":"1","zxid":1}}
)";
  CHECK(zk(h).verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk witness names the operations and the reason") {
  const std::string h = std::string(kStaleReadPrefix) +
                        R"({"id":3,"client":"c1","session":1,"invoke_ns":20,"complete_ns":25,"type":"getData","path":"/x","outcome":"ok","result":{"data":"0"}})";
  const CheckReport r = zk(h);
  const std::string text = format_report(r);
  CHECK(text.find("violation") != std::string::npos);
  CHECK(text.find("#3 c1/s1 getData /x") != std::string::npos);
  CHECK(text.find("it saw \"0\", but the value is \"1\"") != std::string::npos);
}

// Issue 18: ZooKeeper's tree starts with /, /zookeeper, /zookeeper/quota and /zookeeper/config
// (DataTree's constructor); the model must start with them too.
TEST_CASE("zk accepts create / answered NODEEXISTS: the root exists from the start") {
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/","value":"","outcome":"failed","result":{"err":"NODEEXISTS"}})")
            .verdict == HistoryVerdict::kOk);
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/zookeeper/quota","value":"","outcome":"failed","result":{"err":"NODEEXISTS"}})")
            .verdict == HistoryVerdict::kOk);
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"exists","path":"/zookeeper/config","outcome":"ok","result":{"version":0}})")
            .verdict == HistoryVerdict::kOk);
}

TEST_CASE("zk rejects create / answered ok, and a read that finds no /zookeeper") {
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/","value":"","outcome":"ok","result":{"path":"/","zxid":1}})")
            .verdict == HistoryVerdict::kViolation);
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"exists","path":"/zookeeper","outcome":"failed","result":{"err":"NONODE"}})")
            .verdict == HistoryVerdict::kViolation);
  // Other paths still start absent.
  CHECK(zk(R"({"id":1,"client":"c1","session":1,"invoke_ns":0,"complete_ns":5,"type":"create","path":"/a","value":"","outcome":"failed","result":{"err":"NODEEXISTS"}})")
            .verdict == HistoryVerdict::kViolation);
}
