#include "checkers/trace_reader.h"

#include <doctest/doctest.h>

#include <sstream>

using namespace zab::check;

namespace {
bool read(const std::string& text, std::vector<TraceRecord>& out, TraceReadError& error) {
  std::istringstream in(text);
  return read_trace(in, "t.jsonl", out, error);
}
}  // namespace

TEST_CASE("a well-formed trace reads back record by record with line numbers") {
  std::vector<TraceRecord> out;
  TraceReadError error;
  REQUIRE(read(R"({"t_ns":1,"process":"s1","kind":"crash","incarnation":1}
{"t_ns":5,"process":"s2","kind":"send","peer":"s1"}
)",
               out, error));
  REQUIRE(out.size() == 2);
  CHECK(out[1].kind == "send");
  CHECK(out[1].line == 2);
  CHECK(out[1].fields["peer"] == "s1");
}

TEST_CASE("malformed lines are errors naming the file and line") {
  std::vector<TraceRecord> out;
  TraceReadError error;
  CHECK_FALSE(read("{\"t_ns\":1,\"process\":\"s1\",\"kind\":\"x\"}\n{oops\n", out, error));
  CHECK(error.message.rfind("t.jsonl:2: not valid JSON", 0) == 0);
  CHECK_FALSE(read("[1,2]\n", out, error));
  CHECK(error.message == "t.jsonl:1: each line must be a JSON object");
  CHECK_FALSE(read("{\"t_ns\":\"1\",\"process\":\"s1\",\"kind\":\"x\"}\n", out, error));
  CHECK(error.message == "t.jsonl:1: 't_ns' must be an integer");
  CHECK_FALSE(read("{\"t_ns\":1,\"kind\":\"x\"}\n", out, error));
  CHECK(error.message == "t.jsonl:1: 'process' must be a string");
  CHECK_FALSE(read("{\"t_ns\":5,\"process\":\"a\",\"kind\":\"x\"}\n{\"t_ns\":4,\"process\":\"a\",\"kind\":\"x\"}\n", out, error));
  CHECK(error.message == "t.jsonl:2: 't_ns' goes backwards: a trace is in time order");
}
