// Jepsen/Knossos EDN histories and Jepsen's etcd text log, read into the neutral model: what
// each entry becomes (checkers/README.md's table), and the errors that name the line.

#include <doctest/doctest.h>

#include <sstream>

#include "checkers/foreign_history.h"

namespace zab::check {

namespace {

bool read(const std::string& text, HistoryFormat format, ModelKind model, History& out, std::string& error) {
  std::istringstream in(text);
  HistoryReadError e;
  const bool ok = read_history_as(in, "h", format, model, out, e);
  error = e.message;
  return ok;
}

}  // namespace

TEST_CASE("jepsen-edn: :ok completes, :fail is dropped, :info and a pending invocation are indeterminate") {
  History h;
  std::string error;
  REQUIRE(read("[{:process 0 :type :invoke :f :write :value 1}\n"
               " {:process :nemesis :type :info :f :start}\n"
               " {:process 1 :type :invoke :f :write :value 2}\n"
               " {:process 0 :type :ok :f :write :value 1}\n"
               " {:process 1 :type :fail :f :write :value 2}\n"
               " {:process 2 :type :invoke :f :cas :value [1 3]}\n"
               " {:process 2 :type :info :f :cas :value [1 3]}\n"
               " {:process 3 :type :invoke :f :read :value nil}\n"
               " {:process 3 :type :ok :f :read :value nil}\n"
               " {:process 4 :type :invoke :f :write :value \"x\"}]",
               HistoryFormat::kJepsenEdn, ModelKind::kRegister, h, error));
  REQUIRE(h.ops.size() == 4);  // the failed write is gone
  CHECK(h.ops[0].type == OpType::kWrite);
  CHECK(h.ops[0].outcome == Outcome::kOk);
  CHECK(h.ops[0].value == "1");
  CHECK(h.ops[0].client == "p0");
  CHECK(h.ops[0].line == 1);
  CHECK(h.ops[0].invoke_ns < *h.ops[0].complete_ns);
  CHECK(h.ops[1].type == OpType::kCas);
  CHECK(h.ops[1].outcome == Outcome::kIndeterminate);
  CHECK(h.ops[1].expected == "1");
  CHECK(h.ops[1].value == "3");
  CHECK(h.ops[2].type == OpType::kRead);
  CHECK_FALSE(h.ops[2].result.data.has_value());  // nil: no value
  CHECK(h.ops[3].outcome == Outcome::kIndeterminate);  // invoked, never completed
  CHECK(h.ops[3].value == "x");
}

TEST_CASE("jepsen-log: a failed cas found another value, a failed read and other log lines are dropped") {
  History h;
  std::string error;
  REQUIRE(read("INFO  jepsen.core - starting\n"
               "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 4]\n"
               "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
               "INFO  jepsen.util - 0\t:fail\t:cas\t[1 4]\n"
               "INFO  jepsen.util - 1\t:fail\t:read\t:timed-out\n",
               HistoryFormat::kJepsenLog, ModelKind::kRegister, h, error));
  REQUIRE(h.ops.size() == 1);
  CHECK(h.ops[0].outcome == Outcome::kFailed);
  CHECK(h.ops[0].result.err == "mismatch");
  CHECK(h.ops[0].line == 2);
}

TEST_CASE("jepsen-edn kv: keys, and --initial gives every key its first value") {
  History h;
  std::string error;
  REQUIRE(read("{:process 0, :type :invoke, :f :get, :key \"a\", :value nil}\n"
               "{:process 0, :type :ok, :f :get, :key \"a\", :value \"\"}\n"
               "{:process 1, :type :invoke, :f :append, :key \"b\", :value \"x\"}\n"
               "{:process 1, :type :ok, :f :append, :key \"b\", :value \"x\"}\n",
               HistoryFormat::kJepsenEdn, ModelKind::kKeyValue, h, error));
  REQUIRE(h.ops.size() == 2);
  CHECK(h.ops[0].path == "a");
  CHECK(h.ops[0].result.data == "");
  add_initial_value(h, ModelKind::kKeyValue, "");
  REQUIRE(h.ops.size() == 4);
  for (std::size_t i = 2; i < 4; ++i) {
    CHECK(h.ops[i].client == "initial");
    CHECK(h.ops[i].type == OpType::kPut);
    CHECK(*h.ops[i].complete_ns < h.ops[0].invoke_ns);
  }
}

TEST_CASE("Jepsen histories that are not what they seem are errors naming the line") {
  History h;
  std::string error;
  CHECK_FALSE(read("{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :invoke :f :write :value 2}\n",
                   HistoryFormat::kJepsenEdn, ModelKind::kRegister, h, error));
  CHECK(error.find("h:2: process 0 invokes again while its operation from line 1 is pending") == 0);
  CHECK_FALSE(read("{:process 0 :type :ok :f :write :value 1}\n", HistoryFormat::kJepsenEdn, ModelKind::kRegister, h, error));
  CHECK(error.find("h:1: process 0 completes an operation") == 0);
  CHECK_FALSE(read("{:process 0 :type :invoke :f :get :key \"k\"}\n", HistoryFormat::kJepsenEdn, ModelKind::kRegister, h,
                   error));
  CHECK(error.find("h:1: :f :get is not a register operation") == 0);
  CHECK_FALSE(read("{:process 0 :type :invoke :f :cas :value 3}\n", HistoryFormat::kJepsenEdn, ModelKind::kRegister, h,
                   error));
  CHECK(error.find("h:1: a cas's :value must be [expected new]") == 0);
  CHECK_FALSE(read("\n\n{:process 0 :type :invoke :f :write :value \"1}\n", HistoryFormat::kJepsenEdn,
                   ModelKind::kRegister, h, error));
  CHECK(error.find("h:3: a string is never closed") == 0);
  CHECK_FALSE(read("INFO  jepsen.util - 0\t:invoke\n", HistoryFormat::kJepsenLog, ModelKind::kRegister, h, error));
  CHECK(error.find("h:1:") == 0);
  CHECK_FALSE(read("{:process 0 :type :invoke :f :write :value 1}\n", HistoryFormat::kJepsenEdn, ModelKind::kZnode, h,
                   error));
}

}  // namespace zab::check
