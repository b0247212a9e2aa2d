// Linearizability of register, key-value and znode histories: the classic examples of Knossos
// and Porcupine (written here from their descriptions: a register starting with no value).

#include "checkers/linearizability.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include "checkers/judge.h"
#include "history_text.h"

using namespace zab::check;
using zab::check::testing::history_from;
using zab::check::testing::options_for;

namespace {

CheckReport lin(const std::string& text, ModelKind model) {
  const CheckReport r = check_linearizable(history_from(text), options_for(model));
  INFO(format_report(r));
  CHECK(r.verdict != HistoryVerdict::kBadInput);
  return r;
}

}  // namespace

TEST_CASE("register: a read may see a concurrent write before or after it takes effect") {
  // Porcupine's first register example: write 100 overlaps a read of 100 and a read of nil.
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":100,"type":"write","value":"100","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":25,"complete_ns":75,"type":"read","outcome":"ok","result":{"data":"100"}}
{"id":3,"client":"c2","invoke_ns":30,"complete_ns":60,"type":"read","outcome":"ok","result":{"data":null}}
)";
  CHECK(lin(h, ModelKind::kRegister).verdict == HistoryVerdict::kOk);
}

TEST_CASE("register: a read after a read of the new value cannot see the old one") {
  // Porcupine's second register example: read 200 completes, then a read begins and sees nil.
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":100,"type":"write","value":"200","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":10,"complete_ns":30,"type":"read","outcome":"ok","result":{"data":"200"}}
{"id":3,"client":"c2","invoke_ns":40,"complete_ns":90,"type":"read","outcome":"ok","result":{"data":null}}
)";
  const CheckReport r = lin(h, ModelKind::kRegister);
  CHECK(r.verdict == HistoryVerdict::kViolation);
  CHECK(r.witness_ids == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("register: a read cannot see a write invoked after it returned") {
  const std::string h = R"(
{"id":1,"client":"c1","invoke_ns":0,"complete_ns":10,"type":"read","outcome":"ok","result":{"data":"1"}}
{"id":2,"client":"c0","invoke_ns":20,"complete_ns":30,"type":"write","value":"1","outcome":"ok"}
)";
  CHECK(lin(h, ModelKind::kRegister).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("register: compare-and-set succeeds only on the expected value") {
  const std::string base = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"write","value":"1","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":20,"complete_ns":30,"type":"cas","expected":"1","value":"2","outcome":"ok"}
)";
  CHECK(lin(base + R"({"id":3,"client":"c2","invoke_ns":40,"complete_ns":50,"type":"read","outcome":"ok","result":{"data":"2"}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kOk);
  CHECK(lin(base + R"({"id":3,"client":"c2","invoke_ns":40,"complete_ns":50,"type":"read","outcome":"ok","result":{"data":"1"}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kViolation);
  // A cas that reports a mismatch observed a different value: here it could not have.
  CHECK(lin(base + R"({"id":3,"client":"c2","invoke_ns":40,"complete_ns":50,"type":"cas","expected":"2","value":"3","outcome":"failed","result":{"err":"mismatch"}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kViolation);
  CHECK(lin(base + R"({"id":3,"client":"c2","invoke_ns":40,"complete_ns":50,"type":"cas","expected":"1","value":"3","outcome":"failed","result":{"err":"mismatch"}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kOk);
}

TEST_CASE("register: an indeterminate write takes effect once, or never") {
  const std::string w = R"({"id":1,"client":"c0","invoke_ns":0,"type":"write","value":"1","outcome":"indeterminate"}
)";
  CHECK(lin(w + R"({"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"read","outcome":"ok","result":{"data":null}}
{"id":3,"client":"c1","invoke_ns":30,"complete_ns":40,"type":"read","outcome":"ok","result":{"data":"1"}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kOk);
  CHECK(lin(w + R"({"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"read","outcome":"ok","result":{"data":null}}
{"id":3,"client":"c1","invoke_ns":30,"complete_ns":40,"type":"read","outcome":"ok","result":{"data":null}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kOk);
  CHECK(lin(w + R"({"id":2,"client":"c1","invoke_ns":10,"complete_ns":20,"type":"read","outcome":"ok","result":{"data":"1"}}
{"id":3,"client":"c1","invoke_ns":30,"complete_ns":40,"type":"read","outcome":"ok","result":{"data":null}})",
            ModelKind::kRegister)
            .verdict == HistoryVerdict::kViolation);
}

TEST_CASE("register: a failed write takes no effect") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"write","value":"1","outcome":"failed","result":{"err":"timeout-refused"}}
{"id":2,"client":"c1","invoke_ns":20,"complete_ns":30,"type":"read","outcome":"ok","result":{"data":"1"}}
)";
  CHECK(lin(h, ModelKind::kRegister).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("kv: keys are independent and append concatenates") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"put","key":"a","value":"x","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":0,"complete_ns":10,"type":"put","key":"b","value":"y","outcome":"ok"}
{"id":3,"client":"c0","invoke_ns":20,"complete_ns":30,"type":"append","key":"a","value":"z","outcome":"ok"}
{"id":4,"client":"c1","invoke_ns":40,"complete_ns":50,"type":"get","key":"a","outcome":"ok","result":{"data":"xz"}}
{"id":5,"client":"c1","invoke_ns":40,"complete_ns":50,"type":"get","key":"b","outcome":"ok","result":{"data":"y"}}
{"id":6,"client":"c2","invoke_ns":40,"complete_ns":50,"type":"get","key":"c","outcome":"ok","result":{"data":null}}
)";
  const CheckReport r = lin(h, ModelKind::kKeyValue);
  CHECK(r.verdict == HistoryVerdict::kOk);
  CHECK(r.partitions == 3);
}

TEST_CASE("kv: appends cannot be seen out of order") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"append","key":"k","value":"a","outcome":"ok"}
{"id":2,"client":"c0","invoke_ns":20,"complete_ns":30,"type":"append","key":"k","value":"b","outcome":"ok"}
{"id":3,"client":"c1","invoke_ns":40,"complete_ns":50,"type":"get","key":"k","outcome":"ok","result":{"data":"ba"}}
{"id":4,"client":"c1","invoke_ns":40,"complete_ns":50,"type":"put","key":"other","value":"1","outcome":"ok"}
)";
  const CheckReport r = lin(h, ModelKind::kKeyValue);
  CHECK(r.verdict == HistoryVerdict::kViolation);
  CHECK(r.partition == "k");
}

TEST_CASE("znode: versions order setData and a conditional setData checks them") {
  const std::string base = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"create","path":"/n","value":"a","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":20,"complete_ns":40,"type":"setData","path":"/n","value":"b","outcome":"ok","result":{"version":1}}
{"id":3,"client":"c2","invoke_ns":20,"complete_ns":40,"type":"setData","path":"/n","value":"c","outcome":"ok","result":{"version":2}}
)";
  CHECK(lin(base + R"({"id":4,"client":"c0","invoke_ns":50,"complete_ns":60,"type":"getData","path":"/n","outcome":"ok","result":{"data":"c","version":2}})",
            ModelKind::kZnode)
            .verdict == HistoryVerdict::kOk);
  CHECK(lin(base + R"({"id":4,"client":"c0","invoke_ns":50,"complete_ns":60,"type":"getData","path":"/n","outcome":"ok","result":{"data":"b","version":2}})",
            ModelKind::kZnode)
            .verdict == HistoryVerdict::kViolation);
  CHECK(lin(base + R"({"id":4,"client":"c0","invoke_ns":50,"complete_ns":60,"type":"setData","path":"/n","value":"d","version":1,"outcome":"ok","result":{"version":3}})",
            ModelKind::kZnode)
            .verdict == HistoryVerdict::kViolation);
  CHECK(lin(base + R"({"id":4,"client":"c0","invoke_ns":50,"complete_ns":60,"type":"delete","path":"/n","version":1,"outcome":"failed","result":{"err":"BADVERSION"}})",
            ModelKind::kZnode)
            .verdict == HistoryVerdict::kOk);
}

TEST_CASE("znode: create and delete alternate on one path") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"create","path":"/n","value":"a","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":20,"complete_ns":30,"type":"create","path":"/n","value":"b","outcome":"ok"}
)";
  CHECK(lin(h, ModelKind::kZnode).verdict == HistoryVerdict::kViolation);
  CHECK(lin(std::string(h).insert(h.find("{\"id\":2"),
                                  "{\"id\":9,\"client\":\"c2\",\"invoke_ns\":5,\"complete_ns\":25,\"type\":\"delete\",\"path\":\"/n\",\"outcome\":\"ok\"}\n"),
            ModelKind::kZnode)
            .verdict == HistoryVerdict::kOk);
}

TEST_CASE("an operation that does not belong to the model is bad input") {
  const CheckReport r = check_linearizable(
      history_from(R"({"id":1,"client":"c0","invoke_ns":0,"complete_ns":1,"type":"put","key":"k","value":"v","outcome":"ok"})"),
      options_for(ModelKind::kRegister));
  CHECK(r.verdict == HistoryVerdict::kBadInput);
  CHECK(r.error == "line 1: operation #1 is a put, which the register model does not have");
}

TEST_CASE("a search that runs out of budget says unknown, not ok or violation") {
  // Many concurrent writes and a final read of a value no write wrote: proving it bad needs
  // every order of the writes; a budget of 50 steps cannot.
  std::string text;
  for (int i = 1; i <= 12; ++i) {
    text += fmt::format(R"({{"id":{},"client":"c{}","invoke_ns":0,"complete_ns":100,"type":"write","value":"{}","outcome":"ok"}})",
                        i, i, i) + "\n";
  }
  text += R"({"id":99,"client":"r","invoke_ns":200,"complete_ns":300,"type":"read","outcome":"ok","result":{"data":"none"}})";
  CheckOptions o = options_for(ModelKind::kRegister);
  o.budget.steps_max = 50;
  CHECK(check_linearizable(history_from(text), o).verdict == HistoryVerdict::kUnknown);
  o.budget = SearchBudget{};
  CHECK(check_linearizable(history_from(text), o).verdict == HistoryVerdict::kViolation);
}

TEST_CASE("minimizing keeps only what the violation needs") {
  const std::string h = R"(
{"id":1,"client":"c0","invoke_ns":0,"complete_ns":10,"type":"write","value":"1","outcome":"ok"}
{"id":2,"client":"c1","invoke_ns":20,"complete_ns":30,"type":"read","outcome":"ok","result":{"data":"1"}}
{"id":3,"client":"c0","invoke_ns":40,"complete_ns":50,"type":"write","value":"2","outcome":"ok"}
{"id":4,"client":"c1","invoke_ns":60,"complete_ns":70,"type":"read","outcome":"ok","result":{"data":"2"}}
{"id":5,"client":"c2","invoke_ns":80,"complete_ns":90,"type":"read","outcome":"ok","result":{"data":"1"}}
)";
  const History small = minimize_violation(history_from(h), Consistency::kLinearizable, options_for(ModelKind::kRegister));
  std::vector<std::uint64_t> ids;
  for (const HistoryOp& op : small.ops) ids.push_back(op.id);
  // The read of 2 is not needed (the write of 2 completed before the last read began).
  CHECK(ids == std::vector<std::uint64_t>{1, 3, 5});
}
