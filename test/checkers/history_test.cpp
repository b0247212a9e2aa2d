#include "checkers/history.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace zab::check;

namespace {

std::string read_error(const std::string& text) {
  History h;
  HistoryReadError error;
  std::istringstream in(text);
  if (read_history(in, "history.jsonl", h, error)) return "";
  return error.message;
}

const char* kGood =
    R"({"id":1,"client":"c1","session":5,"invoke_ns":10,"complete_ns":20,"type":"create","path":"/a-","value":"x","ephemeral":true,"sequential":true,"outcome":"ok","result":{"path":"/a-0000000001","zxid":4294967297}}
{"id":2,"client":"c2","invoke_ns":15,"type":"setData","path":"/a-0000000001","value":"y","version":0,"outcome":"indeterminate"}

{"id":3,"client":7,"server":"s2","invoke_ns":30,"complete_ns":40,"type":"getData","path":"/a-0000000001","outcome":"ok","result":{"data":"x","stat":{"version":0,"czxid":4294967297,"mzxid":4294967297,"numChildren":0,"ephemeralOwner":5},"zxid":4294967297}}
{"id":4,"client":"c2","invoke_ns":50,"complete_ns":60,"type":"exists","path":"/b","outcome":"failed","result":{"err":"NONODE"}}
{"id":5,"client":"c3","invoke_ns":50,"complete_ns":60,"type":"getChildren","path":"/","outcome":"ok","result":{"children":["a-0000000001"]}}
)";

}  // namespace

TEST_CASE("a well-formed history reads back with every field") {
  History h;
  HistoryReadError error;
  std::istringstream in(kGood);
  REQUIRE(read_history(in, "h.jsonl", h, error));
  REQUIRE(h.ops.size() == 5);
  const HistoryOp& create = h.ops[0];
  CHECK(create.session == 5);
  CHECK(create.ephemeral);
  CHECK(create.sequential);
  CHECK(create.result.path == "/a-0000000001");
  CHECK(create.result.zxid == 4294967297ULL);
  CHECK(h.ops[1].outcome == Outcome::kIndeterminate);
  CHECK_FALSE(h.ops[1].complete_ns.has_value());
  CHECK(h.ops[1].version == 0);
  CHECK(h.ops[2].client == "7");
  CHECK(h.ops[2].line == 4);  // the blank line counts
  CHECK(h.ops[2].result.version == 0);
  CHECK(h.ops[2].result.mzxid == 4294967297ULL);
  CHECK(h.ops[2].server == "s2");
  CHECK(h.ops[2].result.num_children == 0);
  CHECK(h.ops[2].result.ephemeral_owner == 5U);
  CHECK_FALSE(h.ops[0].server.has_value());
  CHECK(h.ops[3].result.err == "NONODE");
  CHECK(h.ops[4].result.children == std::vector<std::string>{"a-0000000001"});
}

TEST_CASE("a history written and read back is the same history") {
  History h;
  HistoryReadError error;
  std::istringstream in(kGood);
  REQUIRE(read_history(in, "h.jsonl", h, error));
  std::ostringstream out;
  write_history(out, h);
  History again;
  std::istringstream in2(out.str());
  REQUIRE(read_history(in2, "again.jsonl", again, error));
  REQUIRE(again.ops.size() == h.ops.size());
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    HistoryOp a = h.ops[i];
    HistoryOp b = again.ops[i];
    a.line = b.line = 0;
    CHECK(a == b);
  }
}

TEST_CASE("history reader errors name the file, the line and the field") {
  CHECK(read_error("{oops\n").rfind("history.jsonl:1: not valid JSON", 0) == 0);
  CHECK(read_error("[1]\n") == "history.jsonl:1: each line must be a JSON object");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"maybe"})") ==
        "history.jsonl:1: 'outcome' must be one of ok, failed, indeterminate");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read"})") ==
        "history.jsonl:1: 'outcome' is missing");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":"0","complete_ns":1,"type":"read","outcome":"ok"})") ==
        "history.jsonl:1: 'invoke_ns' must be an integer");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":5,"complete_ns":1,"type":"read","outcome":"ok"})") ==
        "history.jsonl:1: 'complete_ns' must not be before 'invoke_ns'");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":5,"type":"read","outcome":"ok"})") ==
        "history.jsonl:1: 'complete_ns' is required when 'outcome' is ok");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"frobnicate","outcome":"ok"})")
            .rfind("history.jsonl:1: 'type' must be one of create,", 0) == 0);
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok","vaule":"x"})") ==
        "history.jsonl:1: unknown field 'vaule'");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok","result":{"version":"3"}})") ==
        "history.jsonl:1: 'result.version' must be an integer");
  CHECK(read_error(R"({"id":1,"client":"c","server":[1],"invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok"})") ==
        "history.jsonl:1: 'server' must be a string or an integer");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok","result":{"numChildren":"2"}})") ==
        "history.jsonl:1: 'result.numChildren' must be an integer");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok","result":{"ephemeralOwner":-1}})")
            .rfind("history.jsonl:1: 'result.ephemeralOwner' must be", 0) == 0);
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"setData","path":"/x","outcome":"ok"})") ==
        "history.jsonl:1: 'value' is required for setData");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"getData","outcome":"ok"})") ==
        "history.jsonl:1: 'path' is required for getData");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"write","value":"v","outcome":"failed"})") ==
        "history.jsonl:1: 'outcome' is failed: 'result.err' must name the error");
  CHECK(read_error(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"create","path":"/q-","sequential":true,"outcome":"ok"})") ==
        "history.jsonl:1: a successful sequential create needs 'result.path' (the created node)");
  CHECK(read_error(std::string(R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok"})") +
                   "\n" + R"({"id":1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok"})") ==
        "history.jsonl:2: 'id' 1 is used twice");
  CHECK(read_error(R"({"id":-1,"client":"c","invoke_ns":0,"complete_ns":1,"type":"read","outcome":"ok"})") ==
        "history.jsonl:1: 'id' must be a non-negative integer");
}
