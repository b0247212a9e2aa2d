#pragma once
// Test helper: a history from JSON lines (the documented format), so test histories read as
// they would in a file. A malformed test history fails the test that wrote it.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "checkers/check_report.h"
#include "checkers/history.h"

namespace zab::check::testing {

inline History history_from(const std::string& text) {
  History h;
  HistoryReadError error;
  std::istringstream in(text);
  const bool ok = read_history(in, "test.jsonl", h, error);
  INFO(error.message);
  REQUIRE(ok);
  return h;
}

inline CheckOptions options_for(ModelKind model) {
  CheckOptions o;
  o.model = model;
  return o;
}

}  // namespace zab::check::testing
