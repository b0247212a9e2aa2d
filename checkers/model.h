#pragma once
// The sequential specifications the checkers judge histories against, and the prepared form of
// an operation ("step") the order search works on. Three models:
//   register  one register (read / write / cas), initially without a value;
//   kv        one such register per key (get / put / append);
//   znode     ZooKeeper's data model, one state per path: existence, data, Stat.version and
//             the ephemeral owner (create / delete / setData with expected versions, getData /
//             exists returning data and version, closeSession deleting the session's
//             ephemerals); every path absent at the start but the four that DataTree()
//             creates (/, /zookeeper, /zookeeper/quota, /zookeeper/config). What spans paths
//             — parents, children lists, sequence numbers — is not modelled;
//             checkers/README.md lists what that leaves unchecked.
// Keys and values are interned to small integers so a state is cheap to copy, compare and hash.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkers/flat_map.h"
#include "checkers/history.h"

namespace zab::check {

enum class ModelKind : std::uint8_t { kRegister, kKeyValue, kZnode };
const char* model_name(ModelKind model);
std::optional<ModelKind> model_from_name(const std::string& name);

// Interned strings: id 0 is reserved for "no value". Equal strings get equal ids, so the
// models compare values by id.
//
// A kv search appends the same values in ever new orders, and the values grow long (a key
// with a hundred appends holds a thousand characters): building, hashing and storing each new
// joined string was half of a kv check's time. So a string is known by its fingerprint — its
// length and two polynomial hashes modulo the Mersenne prime 2^61 - 1 with fixed bases, 122
// bits — which a concatenation computes from its parts' in O(1); a joined value is kept as its
// two parts and spelled out only when asked (str: reports, witnesses). Two different strings
// with one fingerprint would be taken as equal: as for the search's memo of 128-bit
// fingerprints (order_search.h), that needs a hash collision, about n^2 / 2^122 for n strings.
class StringTable {
 public:
  StringTable();

  std::uint32_t intern(const std::string& s);
  // intern(str(a) + str(b)), remembered: the search applies the same append to the same value
  // again and again as it backtracks.
  std::uint32_t concat(std::uint32_t a, std::uint32_t b);
  const std::string& str(std::uint32_t id) const;
  // Whether str(base) + str(suffix) is a prefix of str(target), by the first hash only: for
  // ordering the search's candidates, where a collision costs time, never a verdict.
  bool joins_to_prefix(std::uint32_t base, std::uint32_t suffix, std::uint32_t target) const;
  std::uint32_t size() const { return static_cast<std::uint32_t>(entries_.size()); }
  std::optional<std::uint32_t> find(const std::string& s) const;

 private:
  struct Fingerprint {
    std::uint64_t h1 = 0, h2 = 0;  // the two hashes, each < 2^61 - 1
    std::uint64_t length = 0;
    bool operator==(const Fingerprint&) const = default;
  };
  struct FingerprintHash {
    std::size_t operator()(const Fingerprint& f) const { return static_cast<std::size_t>(f.h1 ^ (f.h2 * 0x9e3779b97f4a7c15ULL)); }
  };
  struct Entry {
    Fingerprint fingerprint;
    std::uint64_t power1 = 1, power2 = 1;  // base^length for each hash: what a suffix shifts by
    std::uint32_t left = 0, right = 0;     // a joined string's parts (both 0: spelled out)
    mutable std::optional<std::string> text;  // the string; for a joined one, once asked for
  };
  static Fingerprint fingerprint_of(const std::string& s, std::uint64_t& power1, std::uint64_t& power2);
  std::uint32_t add(Entry&& entry);

  std::deque<Entry> entries_;  // by id; 0 is "no value", never in ids_
  struct PairHash {
    std::size_t operator()(std::uint64_t ab) const {  // splitmix64's finaliser: every bit moves the low ones
      ab = (ab ^ (ab >> 30)) * 0xbf58476d1ce4e5b9ULL;
      ab = (ab ^ (ab >> 27)) * 0x94d049bb133111ebULL;
      return static_cast<std::size_t>(ab ^ (ab >> 31));
    }
  };
  // Ids follow the order of first interning.
  FlatMap<Fingerprint, std::uint32_t, FingerprintHash> ids_;
  FlatMap<std::uint64_t, std::uint32_t, PairHash> concat_;  // (a << 32 | b) -> the joined id
  // A target's first hash of each of its prefixes, by length (joins_to_prefix), made on demand.
  mutable std::map<std::uint32_t, std::vector<std::uint64_t>> prefix_hashes_;
};

// The state of one key (register value, kv entry, znode).
struct KeyState {
  bool exists = false;         // register / kv: has a value; znode: the node exists
  std::uint32_t data = 0;      // interned value / node data; 0 when it does not exist
  std::int32_t version = 0;    // znode: Stat.version (setData count since the create)
  std::int64_t owner = 0;      // znode: ephemeralOwner (session), 0 for a persistent node
  bool operator==(const KeyState&) const = default;
};

// What a read (or an operation that failed because of the state it found) observed.
struct Observation {
  enum class Presence : std::uint8_t { kAny, kAbsent, kPresent, kImpossible };
  Presence presence = Presence::kAny;
  std::optional<std::uint32_t> data;         // the value seen (0: no value, for read / get)
  std::optional<std::int32_t> version;       // the version seen
  std::optional<std::int32_t> version_not;   // BADVERSION: the version that did not match
  std::optional<std::uint32_t> data_not;     // cas mismatch: the value that did not match
};

enum class Effect : std::uint8_t {
  kObserve,       // changes nothing; must match `observed`
  kSync,          // changes nothing, observes nothing: ordering only
  kCreate,        // znode
  kDelete,        // znode
  kSetData,       // znode
  kWrite,         // register write / kv put
  kCas,           // register compare-and-set
  kAppend,        // kv append
  kCloseSession,  // znode: delete `ephemeral_keys` owned by `session_id`
};

// One operation as the search sees it.
struct Step {
  std::size_t source = 0;            // index into History::ops
  Effect effect = Effect::kObserve;
  std::uint32_t key = 0;             // interned key / path
  std::uint32_t value = 0;           // interned value written
  std::uint32_t expected_value = 0;  // cas: the value expected
  std::int32_t expected_version = -1;  // delete / setData, -1 = any
  bool ephemeral = false;            // create
  std::int64_t session_id = 0;       // create (the ephemeral owner), closeSession
  std::vector<std::uint32_t> ephemeral_keys;  // closeSession: keys it may delete
  Observation observed;              // kObserve
  std::optional<std::int32_t> result_version;  // setData ok: the version it returned
  bool determinate = true;           // false: may or may not take effect, anywhere after invoke
  bool synthetic = false;            // not in the history: a session expiry we must allow for
  std::int64_t invoke_ns = 0;
  std::int64_t complete_ns = 0;      // INT64_MAX when indeterminate
  int session = -1;                  // index of its session (FIFO order); -1 for none
  bool real_time = true;             // ordered after every operation that completed before it
                                     // was invoked (all in linearizability; updates and syncs
                                     // in ZooKeeper consistency)
  std::uint64_t hint = UINT64_MAX;   // preferred position (a zxid) for trying it first
  bool changes_state() const { return effect != Effect::kObserve && effect != Effect::kSync; }
  // Whether some state rejects it: a write or an append applies to any state.
  bool can_be_rejected() const { return effect != Effect::kWrite && effect != Effect::kAppend && effect != Effect::kSync; }
};

// All keys' states, with an incremental two-lane hash (for memoization) and an undo log.
class Store {
 public:
  // Every key absent, except `initial` (the znodes ZooKeeper starts with).
  explicit Store(std::size_t keys, const std::vector<std::pair<std::uint32_t, KeyState>>& initial = {});
  const KeyState& at(std::uint32_t key) const { return states_.at(key); }
  void set(std::uint32_t key, const KeyState& s);
  std::size_t undo_mark() const { return undo_.size(); }
  void undo_to(std::size_t mark);
  std::uint64_t hash_a() const { return hash_a_; }
  std::uint64_t hash_b() const { return hash_b_; }

 private:
  // What a key's state contributes to each hash (XOR-folded), kept so that a write hashes only
  // the new state and an undo none.
  struct Contribution {
    std::uint64_t a = 0, b = 0;
  };
  struct Undo {
    std::uint32_t key;
    KeyState state;
    Contribution contribution;
  };
  std::vector<KeyState> states_;
  std::vector<Contribution> contributions_;
  std::vector<Undo> undo_;
  std::uint64_t hash_a_ = 0;
  std::uint64_t hash_b_ = 0;
};

// Applies `step` if it is legal in the current state and returns true; otherwise leaves the
// store as it was, returns false and, if `why` is given, says why in words. An indeterminate
// update whose precondition fails is "not legal" too: that is the same as not taking effect.
bool apply_step(Store& store, const Step& step, StringTable& values, const StringTable& keys, std::string* why);

// "/x = \"a\" (version 2)", "/x absent", "r = nil"
std::string describe_key_state(const KeyState& s, const StringTable& values, const StringTable& keys,
                               std::uint32_t key, ModelKind model);

std::uint64_t mix64(std::uint64_t x);

}  // namespace zab::check
