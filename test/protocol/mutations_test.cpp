#include "protocol/base/mutations.h"

#include <doctest/doctest.h>

using namespace zab;

TEST_CASE("mutation switches are all off by default and turn on only by catalog name") {
  Mutations m;
  CHECK_FALSE(m.any());
  CHECK(m.active_names().empty());
  const auto id = mutation_by_name("ack-newleader-before-logging");
  REQUIRE(id.has_value());
  CHECK_FALSE(mutation_by_name("ack-newleader-before-loggin").has_value());
  m.enable(*id, Mutations::ReintroduceKnownBug{});
  CHECK(m.on(*id));
  CHECK(m.active_names() == std::vector<std::string>{"ack-newleader-before-logging"});
}
