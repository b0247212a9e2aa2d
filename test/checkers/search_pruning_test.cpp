// The search's shortcuts against the definition. Linearizability checked by brute force — every
// subset of the indeterminate operations, every order of them and the determinate ones that
// respects real time, applied to the sequential model — must give the verdict the order search
// gives, on thousands of small random register and kv histories: the value-provenance cut (a
// read whose value no update left can produce ends the branch), the placing of reads without
// branching and the memo may make the search faster, never change its answer. And the interned
// values' fingerprints, computed four characters at a time, agree with the joined strings'.

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkers/check_report.h"
#include "checkers/linearizability.h"
#include "checkers/model.h"
#include "history_text.h"

using namespace zab::check;
using zab::check::testing::options_for;

namespace {

// A small deterministic generator (splitmix64): the test needs no distribution of quality.
struct TestRandom {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

using Value = std::optional<std::string>;  // nullopt: no value

// Applies `op` to the value of its key; false if a read saw something else.
bool apply(const HistoryOp& op, std::map<std::string, Value>& state) {
  Value& v = state[op.path];
  switch (op.type) {
    case OpType::kRead:
    case OpType::kGet: return op.outcome != Outcome::kOk || v == op.result.data;
    case OpType::kWrite:
    case OpType::kPut: v = op.value; return true;
    case OpType::kAppend: v = v.value_or("") + *op.value; return true;
    default: FAIL("not generated"); return false;
  }
}

// Whether some order of the determinate operations and a subset of the indeterminate ones
// respects real time and the model. Exhaustive: for histories of a few operations.
bool linearizable_by_brute_force(const History& h) {
  const std::size_t n = h.ops.size();
  std::vector<std::size_t> indeterminate;
  for (std::size_t i = 0; i < n; ++i) {
    if (h.ops[i].outcome == Outcome::kIndeterminate) indeterminate.push_back(i);
  }
  for (std::uint32_t subset = 0; subset < (1u << indeterminate.size()); ++subset) {
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < n; ++i) {
      const auto it = std::find(indeterminate.begin(), indeterminate.end(), i);
      if (it == indeterminate.end() || (subset >> (it - indeterminate.begin()) & 1u) != 0) chosen.push_back(i);
    }
    do {
      bool legal = true;
      for (std::size_t a = 0; a < chosen.size() && legal; ++a) {
        for (std::size_t b = a + 1; b < chosen.size() && legal; ++b) {
          // b is ordered after a; wrong if b completed before a was invoked.
          const HistoryOp& later = h.ops[chosen[b]];
          if (later.complete_ns && *later.complete_ns < h.ops[chosen[a]].invoke_ns) legal = false;
        }
      }
      std::map<std::string, Value> state;
      for (std::size_t k = 0; k < chosen.size() && legal; ++k) legal = apply(h.ops[chosen[k]], state);
      if (legal) return true;
    } while (std::next_permutation(chosen.begin(), chosen.end()));
  }
  return false;
}

// A random history of `ops` operations on one or two keys: writes / puts of one-letter values,
// appends of one letter, and reads that see a value some order could give (or a random one).
History random_history(TestRandom& rng, ModelKind model, int ops) {
  History h;
  const bool kv = model == ModelKind::kKeyValue;
  std::map<std::string, Value> running;  // applying the updates in invocation order, for plausible reads
  for (int i = 0; i < ops; ++i) {
    HistoryOp op;
    op.id = static_cast<std::uint64_t>(i + 1);
    op.client = fmt::format("c{}", i);
    op.invoke_ns = rng.below(40);
    op.complete_ns = op.invoke_ns + 1 + rng.below(30);
    op.path = kv ? (rng.below(3) == 0 ? "k2" : "k1") : "";
    const std::string letter(1, static_cast<char>('a' + rng.below(3)));
    const int kind = rng.below(kv ? 3 : 2);
    if (kind == 0) {
      op.type = kv ? OpType::kGet : OpType::kRead;
      const int pick = rng.below(4);
      if (pick == 0) {
        op.result.data = std::nullopt;
      } else if (pick == 1) {
        op.result.data = letter + (kv && rng.below(2) == 0 ? std::string(1, static_cast<char>('a' + rng.below(3))) : "");
      } else {
        op.result.data = running[op.path];
      }
    } else if (kind == 1) {
      op.type = kv ? OpType::kPut : OpType::kWrite;
      op.value = letter;
      running[op.path] = letter;
    } else {
      op.type = OpType::kAppend;
      op.value = letter;
      running[op.path] = running[op.path].value_or("") + letter;
    }
    if (op.type != OpType::kRead && op.type != OpType::kGet && rng.below(4) == 0) {
      op.outcome = Outcome::kIndeterminate;
      op.complete_ns = std::nullopt;
    }
    h.ops.push_back(op);
  }
  return h;
}

}  // namespace

TEST_CASE("order search: the verdict the definition gives, on small random register and kv histories") {
  TestRandom rng{20261207};
  for (const ModelKind model : {ModelKind::kRegister, ModelKind::kKeyValue}) {
    int violations = 0, oks = 0;
    for (int round = 0; round < 1500; ++round) {
      const History h = random_history(rng, model, 2 + rng.below(6));
      const bool expected = linearizable_by_brute_force(h);
      const CheckReport r = check_linearizable(h, options_for(model));
      INFO(model_name(model), " round ", round);
      INFO(format_report(r));
      REQUIRE(r.verdict == (expected ? HistoryVerdict::kOk : HistoryVerdict::kViolation));
      (expected ? oks : violations) += 1;
    }
    // The generator makes both kinds often enough for the comparison to mean something.
    CHECK(oks > 300);
    CHECK(violations > 300);
  }
}

TEST_CASE("order search: a read whose value no update left can produce ends the branch at once") {
  // Eight concurrent appends of "a" to "h" and, concurrent with them, a read of "zz", which no
  // order of them makes. At the root the read is blocked but "no value" is a prefix of "zz";
  // once any append is placed the value is no prefix of "zz" and no write is left, so that
  // branch ends at once: eight steps in all, where without the cut the search goes through
  // orders of the appends (109,600 steps when the cut is taken out).
  std::string text;
  for (int i = 0; i < 8; ++i) {
    text += fmt::format(R"({{"id":{},"client":"c{}","invoke_ns":0,"complete_ns":100,"type":"append","key":"k","value":"{}","outcome":"ok"}})",
                        i + 1, i, static_cast<char>('a' + i)) + "\n";
  }
  const std::string read = R"({"id":9,"client":"r","invoke_ns":0,"complete_ns":100,"type":"get","key":"k","outcome":"ok","result":{"data":"zz"}})";
  const CheckReport cut = check_linearizable(testing::history_from(text + read), options_for(ModelKind::kKeyValue));
  CHECK(cut.verdict == HistoryVerdict::kViolation);
  CHECK(cut.search_steps == 8);
  // The same read of a value the appends can make ("ab") is searched for, and found.
  const std::string ab = R"({"id":9,"client":"r","invoke_ns":0,"complete_ns":100,"type":"get","key":"k","outcome":"ok","result":{"data":"ab"}})";
  const CheckReport found = check_linearizable(testing::history_from(text + ab), options_for(ModelKind::kKeyValue));
  CHECK(found.verdict == HistoryVerdict::kOk);
  CHECK(found.search_steps > 0);
}

TEST_CASE("string table: the fingerprint of a joined value is the fingerprint of its text") {
  StringTable t;
  TestRandom rng{7};
  std::vector<std::string> texts = {"", std::string(1, '\0'), std::string(2, '\0'), "\xff", "abcd", "abcde"};
  for (int i = 0; i < 60; ++i) {
    std::string s;
    const int length = rng.below(14);
    for (int c = 0; c < length; ++c) s += static_cast<char>(rng.below(256));
    texts.push_back(s);
  }
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      const std::uint32_t joined = t.concat(t.intern(a), t.intern(b));
      // Interning the spelled-out text finds the same id: equal fingerprints.
      CHECK(t.intern(a + b) == joined);
      CHECK(t.str(joined) == a + b);
    }
  }
  // Different texts stay different values ("\0" is not "" and not "\0\0").
  CHECK(t.intern(std::string(1, '\0')) != t.intern(""));
  CHECK(t.intern(std::string(1, '\0')) != t.intern(std::string(2, '\0')));
  // Prefix by hashes, against the texts.
  for (const std::string& a : texts) {
    for (const std::string& target : texts) {
      CHECK(t.joins_to_prefix(t.intern(a), 0, t.intern(target)) == target.starts_with(a));
    }
  }
}
