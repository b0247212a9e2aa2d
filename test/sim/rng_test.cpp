#include "sim/rng.h"

#include <doctest/doctest.h>

#include <vector>

using zab::sim::Rng;

namespace {
std::vector<std::uint64_t> draw(Rng& r, int n) {
  std::vector<std::uint64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(r.next_u64());
  return v;
}
}  // namespace

TEST_CASE("the same seed gives the same sequence; a different seed a different one") {
  Rng a(123), b(123), c(124);
  const auto va = draw(a, 100);
  CHECK(va == draw(b, 100));
  CHECK(va != draw(c, 100));
}

TEST_CASE("the generator is pinned: seed 0 gives the same first values on every build") {
  // xoshiro256** seeded by splitmix64(0). If this changes, every recorded trace hash changes.
  Rng r(0);
  const auto v = draw(r, 3);
  Rng again(0);
  CHECK(v == draw(again, 3));
  CHECK(v[0] != v[1]);
  CHECK(v[0] == 0x99ec5f36cb75f2b4ULL);
}

TEST_CASE("forked streams are independent: drawing more from one does not change another") {
  Rng root(42);
  Rng net1 = root.fork("network");
  Rng disk1 = root.fork("disk");
  const auto disk_alone = draw(disk1, 50);

  Rng root2(42);
  Rng net2 = root2.fork("network");
  draw(net2, 10'000);            // a busy network
  draw(root2, 777);              // and the parent drawn from, too
  Rng disk2 = root2.fork("disk");  // forked after all that
  CHECK(draw(disk2, 50) == disk_alone);
  CHECK(draw(net1, 50) != disk_alone);
}

TEST_CASE("forks by different names or indices differ; the same name twice is the same stream") {
  Rng root(9);
  Rng a = root.fork("a"), a2 = root.fork("a"), b = root.fork("b");
  Rng i1 = root.fork(1), i2 = root.fork(2);
  const auto va = draw(a, 20);
  CHECK(va == draw(a2, 20));
  CHECK(va != draw(b, 20));
  CHECK(draw(i1, 20) != draw(i2, 20));
}
