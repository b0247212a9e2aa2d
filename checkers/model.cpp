#include "checkers/model.h"

#include <fmt/format.h>

#include <type_traits>

#include "protocol/base/assert.h"

namespace zab::check {

const char* model_name(ModelKind model) {
  switch (model) {
    case ModelKind::kRegister: return "register";
    case ModelKind::kKeyValue: return "kv";
    case ModelKind::kZnode: return "znode";
  }
  return "?";
}

std::optional<ModelKind> model_from_name(const std::string& name) {
  if (name == "register") return ModelKind::kRegister;
  if (name == "kv") return ModelKind::kKeyValue;
  if (name == "znode") return ModelKind::kZnode;
  return std::nullopt;
}

namespace {

constexpr std::uint64_t kMersenne61 = (1ULL << 61) - 1;
constexpr std::uint64_t kBase1 = 0x1f3a5c7e9b2d4f61ULL % kMersenne61;  // any fixed bases work
constexpr std::uint64_t kBase2 = 0x0b4d1e7a3c9f2e85ULL % kMersenne61;

constexpr std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  std::uint64_t r = static_cast<std::uint64_t>(p & kMersenne61) + static_cast<std::uint64_t>(p >> 61);
  if (r >= kMersenne61) r -= kMersenne61;
  return r;
}

constexpr std::uint64_t add_mod(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = a + b;
  if (r >= kMersenne61) r -= kMersenne61;
  return r;
}

// a mod p for any a < 2^64 (p = 2^61 - 1): folds the bits above 61 back in once.
constexpr std::uint64_t reduce_mod(std::uint64_t a) {
  std::uint64_t r = (a & kMersenne61) + (a >> 61);
  if (r >= kMersenne61) r -= kMersenne61;
  return r;
}

// The polynomial hash four characters a multiplication: (c + 1) * base^k for k = 1..3 and
// every byte, per lane, made at compile time. Interning the values a kv history read
// (hundreds of characters each) was a fifth of a check's time with one multiplication per
// character.
struct HashTables {
  std::uint64_t by_power[2][3][256] = {};  // [lane][k - 1][byte]
  std::uint64_t base4[2] = {};             // base^4 per lane
};

constexpr HashTables make_hash_tables() {
  HashTables t;
  const std::uint64_t bases[2] = {kBase1, kBase2};
  for (int lane = 0; lane < 2; ++lane) {
    std::uint64_t power = 1;
    for (int k = 1; k <= 3; ++k) {
      power = mul_mod(power, bases[lane]);
      for (int c = 0; c < 256; ++c) t.by_power[lane][k - 1][c] = mul_mod(static_cast<std::uint64_t>(c) + 1, power);
    }
    t.base4[lane] = mul_mod(power, bases[lane]);
  }
  return t;
}

constexpr HashTables kHashTables = make_hash_tables();

// One lane's hash of `s` and base^|s| (what a suffix shifts its prefix by in a join).
void hash_lane(const std::string& s, int lane, std::uint64_t base, std::uint64_t& hash, std::uint64_t& power) {
  const HashTables& t = kHashTables;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::uint64_t h = 0, p = 1;
  std::size_t i = 0;
  for (; i + 4 <= s.size(); i += 4) {
    // Each term is below p, so the sum of five stays below 2^64 before one reduction.
    h = reduce_mod(mul_mod(h, t.base4[lane]) + t.by_power[lane][2][byte(i)] + t.by_power[lane][1][byte(i + 1)] +
                   t.by_power[lane][0][byte(i + 2)] + (static_cast<std::uint64_t>(byte(i + 3)) + 1));
    p = mul_mod(p, t.base4[lane]);
  }
  for (; i < s.size(); ++i) {
    h = add_mod(mul_mod(h, base), static_cast<std::uint64_t>(byte(i)) + 1);
    p = mul_mod(p, base);
  }
  hash = h;
  power = p;
}

}  // namespace

StringTable::StringTable() {
  Entry none;
  none.text = std::string();
  entries_.push_back(std::move(none));  // id 0: "no value", never found by its text
}

StringTable::Fingerprint StringTable::fingerprint_of(const std::string& s, std::uint64_t& power1,
                                                    std::uint64_t& power2) {
  // hash = sum of (c_i + 1) * base^(n-1-i) mod 2^61 - 1, per lane. +1: a zero byte still
  // moves the hash, so "\0" and "" differ by more than the length.
  Fingerprint f;
  hash_lane(s, 0, kBase1, f.h1, power1);
  hash_lane(s, 1, kBase2, f.h2, power2);
  f.length = s.size();
  return f;
}

std::uint32_t StringTable::add(Entry&& entry) {
  const auto id = static_cast<std::uint32_t>(entries_.size());
  ids_.insert(entry.fingerprint, id);  // asserts the string is new
  entries_.push_back(std::move(entry));
  return id;
}

std::uint32_t StringTable::intern(const std::string& s) {
  Entry e;
  e.fingerprint = fingerprint_of(s, e.power1, e.power2);
  if (const std::uint32_t* id = ids_.find(e.fingerprint)) return *id;
  e.text = s;
  return add(std::move(e));
}

std::optional<std::uint32_t> StringTable::find(const std::string& s) const {
  std::uint64_t p1 = 0, p2 = 0;
  const std::uint32_t* id = ids_.find(fingerprint_of(s, p1, p2));
  return id == nullptr ? std::nullopt : std::optional<std::uint32_t>(*id);
}

std::uint32_t StringTable::concat(std::uint32_t a, std::uint32_t b) {
  const std::uint64_t key = (static_cast<std::uint64_t>(a) << 32) | b;
  if (const std::uint32_t* joined = concat_.find(key)) return *joined;
  ZAB_ASSERT(a < entries_.size() && b < entries_.size(), "both parts are interned strings");
  const Entry& x = entries_[a];
  const Entry& y = entries_[b];
  Entry e;
  // hash(xy) = hash(x) * base^|y| + hash(y): the polynomial of the joined string.
  e.fingerprint.h1 = add_mod(mul_mod(x.fingerprint.h1, y.power1), y.fingerprint.h1);
  e.fingerprint.h2 = add_mod(mul_mod(x.fingerprint.h2, y.power2), y.fingerprint.h2);
  e.fingerprint.length = x.fingerprint.length + y.fingerprint.length;
  e.power1 = mul_mod(x.power1, y.power1);
  e.power2 = mul_mod(x.power2, y.power2);
  std::uint32_t id = 0;
  if (const std::uint32_t* found = ids_.find(e.fingerprint)) {
    id = *found;
  } else if (e.fingerprint.length == 0) {
    id = intern(std::string());  // both parts empty (one of them "no value"): the empty string
  } else {
    // Every string but id 0's is in ids_, so a part that is empty was found above.
    ZAB_ASSERT(x.fingerprint.length > 0 && y.fingerprint.length > 0, "a new joined string has two non-empty parts");
    e.left = a;
    e.right = b;
    id = add(std::move(e));
  }
  concat_.insert(key, id);
  return id;
}

bool StringTable::joins_to_prefix(std::uint32_t base, std::uint32_t suffix, std::uint32_t target) const {
  const Entry& x = entries_.at(base);
  const Entry& y = entries_.at(suffix);
  const std::uint64_t length = x.fingerprint.length + y.fingerprint.length;
  if (length > entries_.at(target).fingerprint.length) return false;
  auto [it, made] = prefix_hashes_.try_emplace(target);
  if (made) {
    const std::string& t = str(target);
    it->second.resize(t.size() + 1, 0);
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::uint64_t v = static_cast<std::uint64_t>(static_cast<unsigned char>(t[i])) + 1;
      it->second[i + 1] = add_mod(mul_mod(it->second[i], kBase1), v);
    }
  }
  return it->second[length] == add_mod(mul_mod(x.fingerprint.h1, y.power1), y.fingerprint.h1);
}

const std::string& StringTable::str(std::uint32_t id) const {
  const Entry& e = entries_.at(id);
  if (e.text) return *e.text;
  // Spell a joined string out once, left to right, without recursion (chains of appends run
  // hundreds deep).
  std::string out;
  out.reserve(e.fingerprint.length);
  std::vector<std::uint32_t> pending = {id};
  while (!pending.empty()) {
    const Entry& p = entries_.at(pending.back());
    pending.pop_back();
    if (p.text) {
      out += *p.text;
    } else {
      pending.push_back(p.right);
      pending.push_back(p.left);
    }
  }
  ZAB_ASSERT(out.size() == e.fingerprint.length, "a joined string is as long as its parts");
  e.text = std::move(out);
  return *e.text;
}

// splitmix64's finaliser: a bijective mix, so distinct inputs rarely collide after XOR-folding.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

namespace {

// Three rounds, the fields packed into words (it runs four times per store write and undo).
std::uint64_t key_state_hash(std::uint32_t key, const KeyState& s, std::uint64_t lane) {
  std::uint64_t h = mix64(lane ^ ((static_cast<std::uint64_t>(key) << 1) | (s.exists ? 1 : 0)));
  h = mix64(h ^ (s.data | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(s.version)) << 32)));
  return mix64(h ^ static_cast<std::uint64_t>(s.owner));
}

constexpr std::uint64_t kLaneA = 0x5a5a0001;
constexpr std::uint64_t kLaneB = 0xa5a50002;

}  // namespace

// The hashes start at 0 with every key in its default state: a key contributes
// h(state) ^ h(default), so that the start needs no folding. Then the initial states are set
// (the znodes ZooKeeper starts with); setting them is not undone.
Store::Store(std::size_t keys, const std::vector<std::pair<std::uint32_t, KeyState>>& initial)
    : states_(keys), contributions_(keys) {
  for (std::size_t k = 0; k < keys; ++k) {
    contributions_[k] = {.a = key_state_hash(static_cast<std::uint32_t>(k), KeyState{}, kLaneA),
                         .b = key_state_hash(static_cast<std::uint32_t>(k), KeyState{}, kLaneB)};
  }
  for (const auto& [key, state] : initial) set(key, state);
  undo_.clear();
}

void Store::set(std::uint32_t key, const KeyState& s) {
  KeyState& cur = states_.at(key);
  Contribution& c = contributions_[key];
  undo_.push_back(Undo{.key = key, .state = cur, .contribution = c});
  const Contribution next{.a = key_state_hash(key, s, kLaneA), .b = key_state_hash(key, s, kLaneB)};
  hash_a_ ^= c.a ^ next.a;
  hash_b_ ^= c.b ^ next.b;
  c = next;
  cur = s;
}

void Store::undo_to(std::size_t mark) {
  ZAB_ASSERT(mark <= undo_.size(), "an undo mark is within the log");
  while (undo_.size() > mark) {
    const Undo u = undo_.back();
    undo_.pop_back();
    Contribution& c = contributions_[u.key];
    hash_a_ ^= c.a ^ u.contribution.a;
    hash_b_ ^= c.b ^ u.contribution.b;
    c = u.contribution;
    states_[u.key] = u.state;
  }
}

namespace {

std::string quoted(const StringTable& values, std::uint32_t id) {
  return id == 0 ? std::string("nil") : fmt::format("\"{}\"", values.str(id));
}

bool check_observation(const KeyState& s, const Observation& o, const StringTable& values, std::string* why) {
  using P = Observation::Presence;
  // The message is built only when asked for: the search tries steps with why == nullptr.
  auto fail = [&](const auto& what) {
    if (why != nullptr) {
      if constexpr (std::is_invocable_v<decltype(what)>) {
        *why = what();
      } else {
        *why = what;
      }
    }
    return false;
  };
  switch (o.presence) {
    case P::kAny: break;
    case P::kImpossible: return fail("this error cannot happen in any state (BADVERSION with version -1)");
    case P::kAbsent:
      if (s.exists) return fail("it saw no node, but the node exists");
      break;
    case P::kPresent:
      if (!s.exists) return fail("it saw the node, but the node does not exist");
      break;
  }
  if (o.data && *o.data != s.data) {
    return fail([&] { return fmt::format("it saw {}, but the value is {}", quoted(values, *o.data), quoted(values, s.data)); });
  }
  if (o.version && *o.version != s.version) {
    return fail([&] { return fmt::format("it saw version {}, but the version is {}", *o.version, s.version); });
  }
  if (o.version_not && *o.version_not == s.version) {
    return fail([&] { return fmt::format("it failed BADVERSION, but the version is {} as it expected", s.version); });
  }
  if (o.data_not && *o.data_not == s.data) {
    return fail([&] { return fmt::format("its cas failed, but the value is {} as it expected", quoted(values, s.data)); });
  }
  return true;
}

}  // namespace

bool apply_step(Store& store, const Step& step, StringTable& values, const StringTable& keys, std::string* why) {
  // The message is built only when asked for: the search tries steps with why == nullptr.
  auto fail = [&](const auto& what) {
    if (why != nullptr) {
      if constexpr (std::is_invocable_v<decltype(what)>) {
        *why = what();
      } else {
        *why = what;
      }
    }
    return false;
  };
  // Spelled out only for a message: looking the name up at every step showed in profiles.
  auto path = [&]() -> const std::string& { return keys.str(step.key); };
  switch (step.effect) {
    case Effect::kSync: return true;
    case Effect::kObserve: return check_observation(store.at(step.key), step.observed, values, why);
    case Effect::kCreate: {
      if (store.at(step.key).exists) return fail([&] { return fmt::format("{} already exists", path()); });
      store.set(step.key, KeyState{.exists = true, .data = step.value, .version = 0,
                                   .owner = step.ephemeral ? step.session_id : 0});
      return true;
    }
    case Effect::kDelete:
    case Effect::kSetData: {
      const KeyState s = store.at(step.key);
      if (!s.exists) return fail([&] { return fmt::format("{} does not exist", path()); });
      if (step.expected_version != -1 && step.expected_version != s.version) {
        return fail([&] { return fmt::format("{} has version {}, not the expected {}", path(), s.version, step.expected_version); });
      }
      if (step.effect == Effect::kDelete) {
        store.set(step.key, KeyState{});
        return true;
      }
      if (step.result_version && *step.result_version != s.version + 1) {
        return fail([&] { return fmt::format("it returned version {}, but {} would have version {}", *step.result_version, path(),
                                s.version + 1); });
      }
      store.set(step.key, KeyState{.exists = true, .data = step.value, .version = s.version + 1, .owner = s.owner});
      return true;
    }
    case Effect::kWrite:
      store.set(step.key, KeyState{.exists = true, .data = step.value});
      return true;
    case Effect::kCas: {
      const KeyState s = store.at(step.key);
      if (s.data != step.expected_value) {
        return fail([&] { return fmt::format("the value is {}, not the expected {}", quoted(values, s.data),
                                quoted(values, step.expected_value)); });
      }
      store.set(step.key, KeyState{.exists = true, .data = step.value});
      return true;
    }
    case Effect::kAppend: {
      const KeyState s = store.at(step.key);
      const std::uint32_t joined = values.concat(s.data, step.value);
      store.set(step.key, KeyState{.exists = true, .data = joined});
      return true;
    }
    case Effect::kCloseSession:
      for (std::uint32_t k : step.ephemeral_keys) {
        const KeyState& s = store.at(k);
        if (s.exists && s.owner == step.session_id) store.set(k, KeyState{});
      }
      return true;
  }
  return fail("unknown effect");
}

std::string describe_key_state(const KeyState& s, const StringTable& values, const StringTable& keys,
                               std::uint32_t key, ModelKind model) {
  const std::string name = model == ModelKind::kRegister ? std::string("the register") : keys.str(key);
  if (model != ModelKind::kZnode) return fmt::format("{} = {}", name, quoted(values, s.data));
  if (!s.exists) return fmt::format("{} absent", name);
  std::string out = fmt::format("{} = {} (version {}", name, quoted(values, s.data), s.version);
  if (s.owner != 0) out += fmt::format(", ephemeral of session {}", s.owner);
  return out + ")";
}

}  // namespace zab::check
