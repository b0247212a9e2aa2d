#include "checkers/order_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <limits>
#include <memory>
#include <set>
#include <tuple>

#include "protocol/base/assert.h"

namespace zab::check {

namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

struct Fingerprint {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  bool operator==(const Fingerprint&) const = default;
};

// The memo: a set of fingerprints by open addressing with linear probing, 16 bytes a slot and
// at most half full, so nothing is allocated per entry (a node-based set's malloc and free were
// a fifth of a kv check). The all-zero fingerprint marks an empty slot and is kept aside.
class VisitedSet {
 public:
  VisitedSet() : slots_(1024) {}
  // True if `f` was not in the set (and now is).
  bool insert(const Fingerprint& f) {
    if (f.a == 0 && f.b == 0) {
      const bool added = !has_zero_;
      has_zero_ = true;
      size_ += added ? 1 : 0;
      return added;
    }
    if (2 * (size_ + 1) > slots_.size()) grow();
    const bool added = place(slots_, f);
    size_ += added ? 1 : 0;
    return added;
  }
  std::size_t size() const { return size_; }

 private:
  static bool place(std::vector<Fingerprint>& slots, const Fingerprint& f) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(f.a) & mask;; i = (i + 1) & mask) {
      if (slots[i] == f) return false;
      if (slots[i].a == 0 && slots[i].b == 0) {
        slots[i] = f;
        return true;
      }
    }
  }
  void grow() {
    std::vector<Fingerprint> bigger(2 * slots_.size());
    for (const Fingerprint& f : slots_) {
      if (f.a != 0 || f.b != 0) place(bigger, f);
    }
    slots_.swap(bigger);
    ZAB_ASSERT(2 * size_ <= slots_.size(), "the memo is at most half full after it grows");
  }

  std::vector<Fingerprint> slots_;  // a power of two in size
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

// The constraint bookkeeping of a partial placement: which steps are placed, the model state,
// and what is allowed next. Place and unplace are exact inverses (the search undoes in LIFO
// order), so every structure is restored on backtracking.
class Placement {
 public:
  Placement(const SearchInput& in, StringTable& values, const StringTable& keys)
      : in_(in), steps_(*in.steps), values_(values), keys_(keys), store_(in.key_count, in.initial != nullptr ? *in.initial : std::vector<std::pair<std::uint32_t, KeyState>>{}),
        placed_(steps_.size(), 0), zob_a_(steps_.size()), zob_b_(steps_.size()) {
    const std::size_t n = steps_.size();
    for (std::size_t i = 0; i < n; ++i) {
      zob_a_[i] = mix64(0x1000000000ULL + 2 * i);
      zob_b_[i] = mix64(0x2000000000ULL + 2 * i + 1);
      if (steps_[i].determinate) {
        by_complete_.push_back(i);
      } else {
        indeterminate_.push_back(i);
      }
    }
    left_ = by_complete_.size();
    for (std::size_t i : by_complete_) {
      if (steps_[i].changes_state()) updates_by_hint_.push_back(i);
    }
    std::sort(updates_by_hint_.begin(), updates_by_hint_.end(),
              [&](std::size_t x, std::size_t y) { return std::tie(steps_[x].hint, x) < std::tie(steps_[y].hint, y); });
    update_rank_.assign(n, 0);
    for (std::size_t r = 0; r < updates_by_hint_.size(); ++r) update_rank_[updates_by_hint_[r]] = r;
    update_placed_bits_.assign((updates_by_hint_.size() + 63) / 64, 0);
    init_provenance();
    std::sort(by_complete_.begin(), by_complete_.end(), [&](std::size_t x, std::size_t y) {
      return std::tie(steps_[x].complete_ns, x) < std::tie(steps_[y].complete_ns, y);
    });
    complete_rank_.assign(n, 0);
    for (std::size_t r = 0; r < by_complete_.size(); ++r) complete_rank_[by_complete_[r]] = r;
    auto by_invoke = [&](std::size_t x, std::size_t y) {
      return std::tie(steps_[x].invoke_ns, steps_[x].source, x) < std::tie(steps_[y].invoke_ns, steps_[y].source, y);
    };
    if (in.session_order) {
      // Session order: each session's determinate steps in invocation order; an
      // indeterminate step is allowed once the determinate steps invoked before it are placed.
      sessions_.resize(static_cast<std::size_t>(in.sessions));
      for (std::size_t i : by_complete_) {
        ZAB_ASSERT(steps_[i].session >= 0, "a determinate step belongs to a session");
        sessions_[static_cast<std::size_t>(steps_[i].session)].push_back(i);
      }
      for (auto& list : sessions_) std::sort(list.begin(), list.end(), by_invoke);
      session_pos_.assign(n, 0);
      for (auto& list : sessions_) {
        for (std::size_t p = 0; p < list.size(); ++p) session_pos_[list[p]] = p;
      }
      cursor_.assign(sessions_.size(), 0);
      det_before_.assign(n, 0);
      for (std::size_t i : indeterminate_) {
        if (steps_[i].session < 0) continue;
        const auto& list = sessions_[static_cast<std::size_t>(steps_[i].session)];
        det_before_[i] = static_cast<std::size_t>(
            std::partition_point(list.begin(), list.end(), [&](std::size_t d) { return by_invoke(d, i); }) -
            list.begin());
      }
    } else {
      // Linearizability: the unplaced determinate steps in invocation order, as Lowe's list.
      for (const Step& s : steps_) ZAB_ASSERT(s.real_time, "linearizability orders every step in real time");
      invoke_order_ = by_complete_;
      std::sort(invoke_order_.begin(), invoke_order_.end(), by_invoke);
      const std::size_t m = invoke_order_.size();
      next_.resize(m + 1);
      prev_.resize(m + 1);
      list_pos_.assign(n, 0);
      for (std::size_t p = 0; p <= m; ++p) {
        next_[p] = p + 1;  // p == m is the sentinel head/tail; positions are 0..m-1
        prev_[p] = p == 0 ? m : p - 1;
      }
      next_[m] = m == 0 ? m : 0;
      prev_[m] = m == 0 ? m : m - 1;
      if (m > 0) next_[m - 1] = m;
      for (std::size_t p = 0; p < m; ++p) list_pos_[invoke_order_[p]] = p;
    }
  }

  void set_update_placed(std::size_t i, bool placed) {
    const std::size_t r = update_rank_[i];
    ZAB_ASSERT(updates_by_hint_[r] == i, "a determinate update has its place in the hint order");
    const std::uint64_t bit = std::uint64_t{1} << (r % 64);
    ZAB_ASSERT(((update_placed_bits_[r / 64] & bit) != 0) != placed, "an update is placed once, unplaced once");
    update_placed_bits_[r / 64] ^= bit;
  }
  // The hint of the determinate update not yet placed with the lowest (hint, index); nullopt
  // when all are placed.
  std::optional<std::uint64_t> lowest_unplaced_update_hint() const {
    for (std::size_t w = 0; w < update_placed_bits_.size(); ++w) {
      const std::uint64_t clear = ~update_placed_bits_[w];
      if (clear == 0) continue;
      const std::size_t r = w * 64 + static_cast<std::size_t>(std::countr_zero(clear));
      if (r >= updates_by_hint_.size()) return std::nullopt;
      return steps_[updates_by_hint_[r]].hint;
    }
    return std::nullopt;
  }

  std::size_t left() const { return left_; }
  bool is_placed(std::size_t i) const { return placed_[i] != 0; }
  Fingerprint fingerprint() const { return {fp_a_ ^ store_.hash_a(), fp_b_ ^ store_.hash_b()}; }
  Store& store() { return store_; }

  // The earliest completion among unplaced determinate steps: a real-time step invoked after
  // it must wait for it.
  std::int64_t horizon() const {
    return tptr_ < by_complete_.size() ? steps_[by_complete_[tptr_]].complete_ns : kNever;
  }
  std::size_t horizon_step() const { return by_complete_.at(tptr_); }

  bool try_apply(std::size_t i, std::string* why) { return apply_step(store_, steps_[i], values_, keys_, why); }
  bool try_apply_and_undo(std::size_t i) {
    const std::size_t mark = store_.undo_mark();
    const bool legal = try_apply(i, nullptr);
    store_.undo_to(mark);
    return legal;
  }

  void place(std::size_t i) {
    const Step& s = steps_[i];
    placed_[i] = 1;
    fp_a_ ^= zob_a_[i];
    fp_b_ ^= zob_b_[i];
    count_unplaced_update(i, -1);
    if (!s.determinate) return;
    if (s.changes_state()) set_update_placed(i, true);
    --left_;
    while (tptr_ < by_complete_.size() && placed_[by_complete_[tptr_]] != 0) ++tptr_;
    if (in_.session_order) {
      auto& c = cursor_[static_cast<std::size_t>(s.session)];
      ZAB_ASSERT(c == session_pos_[i], "a session's determinate steps are placed in session order");
      ++c;
    } else {
      const std::size_t p = list_pos_[i];
      next_[prev_[p]] = next_[p];
      prev_[next_[p]] = prev_[p];
    }
  }

  void unplace(std::size_t i) {
    const Step& s = steps_[i];
    placed_[i] = 0;
    fp_a_ ^= zob_a_[i];
    fp_b_ ^= zob_b_[i];
    count_unplaced_update(i, +1);
    if (!s.determinate) return;
    if (s.changes_state()) set_update_placed(i, false);
    ++left_;
    tptr_ = std::min(tptr_, complete_rank_[i]);
    if (in_.session_order) {
      --cursor_[static_cast<std::size_t>(s.session)];
    } else {
      const std::size_t p = list_pos_[i];
      next_[prev_[p]] = p;
      prev_[next_[p]] = p;
    }
  }

  // The first unplaced determinate step of `step`'s session before it, if any.
  std::optional<std::size_t> session_blocker(std::size_t i) const {
    if (!in_.session_order || steps_[i].session < 0) return std::nullopt;
    const auto s = static_cast<std::size_t>(steps_[i].session);
    const std::size_t need = steps_[i].determinate ? session_pos_[i] : det_before_[i];
    if (cursor_[s] >= need) return std::nullopt;
    return sessions_[s][cursor_[s]];
  }

  bool allowed(std::size_t i, std::int64_t horizon) const {
    const Step& s = steps_[i];
    if (s.real_time && s.invoke_ns > horizon) return false;
    return !session_blocker(i).has_value();
  }

  // The steps that may go next: a single legal state-preserving step when there is one
  // (placing it now loses nothing), else every allowed update in hint order.
  //
  // An allowed operation that the state contradicts ("blocked") usually waits for an update;
  // when it sees the state as of a hint below the hint of every determinate update not yet
  // placed (a read at zxid z sees txns up to z; an update at zxid z sees those before z), the
  // update it waits for can only be an indeterminate one that took effect unseen — so
  // indeterminate updates of its key are tried at that hint, before the determinate updates.
  void candidates(std::vector<std::size_t>& out) {
    out.clear();
    blocked_.clear();
    const std::int64_t h = horizon();
    bool dead_end = false;
    auto consider = [&](std::size_t i) {
      if (!allowed(i, h)) return false;
      if (!steps_[i].changes_state()) {
        if (!try_apply(i, nullptr)) {
          if (steps_[i].determinate && !can_still_see(i)) {
            dead_end = true;
            return true;
          }
          blocked_.push_back({steps_[i].key, steps_[i].hint, steps_[i].observed.data.value_or(0)});
          return false;
        }
        out.assign(1, i);
        return true;
      }
      // (Only a step that some state rejects is tried: trying an append was a wasted apply
      // and undo per candidate per frame of a kv search.)
      if (steps_[i].determinate && steps_[i].can_be_rejected() && !try_apply_and_undo(i)) {
        // An update the state contradicts is blocked too (its expected version is not there).
        blocked_.push_back({steps_[i].key, steps_[i].hint == 0 ? 0 : steps_[i].hint - 1, 0});
      }
      out.push_back(i);
      return false;
    };
    auto settle = [&] {
      if (dead_end) out.clear();  // no order from here places that read
    };
    if (in_.session_order) {
      for (std::size_t s = 0; s < sessions_.size(); ++s) {
        if (cursor_[s] < sessions_[s].size() && consider(sessions_[s][cursor_[s]])) return settle();
      }
    } else {
      const std::size_t m = invoke_order_.size();
      for (std::size_t p = next_[m]; p != m && steps_[invoke_order_[p]].invoke_ns <= h; p = next_[p]) {
        if (consider(invoke_order_[p])) return settle();
      }
    }
    for (std::size_t i : indeterminate_) {
      if (!is_placed(i) && allowed(i, h)) out.push_back(i);
    }
    const std::optional<std::uint64_t> lowest_unplaced_hint = lowest_unplaced_update_hint();
    auto effective_hint = [&](std::size_t i) {
      const Step& s = steps_[i];
      std::uint64_t hint = s.hint;
      if (!s.determinate) {
        for (const Blocked& b : blocked_) {
          const bool due = !lowest_unplaced_hint || b.hint < *lowest_unplaced_hint;
          if (due && (b.key == s.key || s.effect == Effect::kCloseSession)) hint = std::min(hint, b.hint);
        }
      }
      return hint;
    };
    // At equal hints, an operation whose own hint it is (a zxid a read's Stat named) goes
    // before one that only borrowed it from a blocked operation; borrowers go latest-invoked
    // first, since an old indeterminate update that never took effect stays allowed forever.
    //
    // Before all that, an append that makes its key's value a prefix of the value a blocked
    // read of that key saw goes first: the read waits for exactly such appends. Only the
    // order changes, never the set tried, so no solution is lost; on Porcupine's c50-ok it
    // halved the search steps (226,298 -> 112,415).
    auto guided = [&](std::size_t i) {
      const Step& s = steps_[i];
      if (s.effect != Effect::kAppend) return false;
      for (const Blocked& b : blocked_) {
        if (b.key == s.key && b.awaited != 0 && values_.joins_to_prefix(store_.at(s.key).data, s.value, b.awaited)) {
          return true;
        }
      }
      return false;
    };
    sort_keys_.clear();
    for (std::size_t i : out) {
      const std::uint64_t hint = effective_hint(i);
      const bool borrowed = hint != steps_[i].hint;
      sort_keys_.push_back({guided(i) ? 0 : 1, hint, borrowed ? 1 : 0, borrowed ? -steps_[i].invoke_ns : steps_[i].invoke_ns, i});
    }
    std::sort(sort_keys_.begin(), sort_keys_.end());
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = std::get<4>(sort_keys_[k]);
  }

  // Value provenance, for cutting a branch short: a determinate read must be placed some
  // time, and from here on its key's value changes only by the updates not yet placed. When
  // none of them can produce the value the read saw, no order from here places it — a dead end
  // found now rather than after every interleaving of the other steps. Only for keys that
  // nothing but writes, compare-and-sets and appends change (registers and kv keys), and reads
  // of a plain value. The value seen can still come
  //  * from a write or compare-and-set not yet placed that writes it, or writes a prefix of it
  //    with an append left to follow (computed once per read: the "sources" of the read);
  //  * from the current value, if it is a prefix of the one seen and an append is left.
  // "No value" is a prefix of every value (an append to it makes the appended value), and no
  // append makes "no value". The prefix test on the current value compares hashes: a
  // collision says "reachable", which costs time, never a verdict.
  bool can_still_see(std::size_t read) const {
    const std::uint32_t first = read_sources_begin_[read];
    if (first == kNotPlain) return true;
    const Step& r = steps_[read];
    const std::uint32_t seen = *r.observed.data;
    const bool append_left = appends_unplaced_[r.key] > 0;
    for (std::uint32_t k = first; k < read_sources_end_[read]; ++k) {
      const Source& src = sources_[k];
      if (setters_unplaced_by_value_[src.group] > 0 && (src.exact || append_left)) return true;
    }
    return append_left && seen != 0 && values_.joins_to_prefix(store_.at(r.key).data, 0, seen);
  }

 private:
  struct Source {
    std::uint32_t group = 0;  // a (key, value written) group of writes and compare-and-sets
    bool exact = false;       // it writes the value seen (else a proper prefix of it)
  };

  // Groups the writes and compare-and-sets by (key, value written), and lists for each plain
  // read the groups it can take its value from.
  void init_provenance() {
    const std::size_t n = steps_.size();
    std::vector<char> plain_key(in_.key_count, 1), appended_key(in_.key_count, 0);
    for (const Step& s : steps_) {
      if (!s.changes_state()) continue;
      if (s.effect == Effect::kAppend) appended_key.at(s.key) = 1;
      if (s.effect != Effect::kWrite && s.effect != Effect::kCas && s.effect != Effect::kAppend) plain_key.at(s.key) = 0;
      for (std::uint32_t k : s.ephemeral_keys) plain_key.at(k) = 0;
    }
    // The setters by (key, value, step); a run of equal (key, value) is one group.
    struct Setter {
      std::uint32_t key, value;
      std::size_t step;
      bool operator<(const Setter& o) const { return std::tie(key, value, step) < std::tie(o.key, o.value, o.step); }
    };
    std::vector<Setter> setters;
    for (std::size_t i = 0; i < n; ++i) {
      const Step& s = steps_[i];
      if (s.effect == Effect::kWrite || s.effect == Effect::kCas) setters.push_back({s.key, s.value, i});
    }
    std::sort(setters.begin(), setters.end());
    struct Group {
      std::uint32_t key, value, id;
    };
    std::vector<Group> groups;  // sorted by (key, value)
    setter_group_.assign(n, kNoSetter);
    for (const Setter& st : setters) {
      if (groups.empty() || groups.back().key != st.key || groups.back().value != st.value) {
        groups.push_back({st.key, st.value, static_cast<std::uint32_t>(groups.size())});
      }
      setter_group_[st.step] = groups.back().id;
    }
    setters_unplaced_by_value_.assign(groups.size(), 0);
    appends_unplaced_.assign(in_.key_count, 0);
    read_sources_begin_.assign(n, kNotPlain);
    read_sources_end_.assign(n, kNotPlain);
    sources_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      const Step& s = steps_[i];
      count_unplaced_update(i, +1);
      if (s.effect != Effect::kObserve || !s.determinate || !is_plain_read(s) || plain_key.at(s.key) == 0) continue;
      read_sources_begin_[i] = static_cast<std::uint32_t>(sources_.size());
      const std::uint32_t seen = *s.observed.data;
      const auto first = std::lower_bound(groups.begin(), groups.end(), s.key,
                                          [](const Group& g, std::uint32_t key) { return g.key < key; });
      for (auto g = first; g != groups.end() && g->key == s.key; ++g) {
        if (g->value == seen) {
          sources_.push_back({g->id, true});
        } else if (appended_key[s.key] != 0 && seen != 0 &&
                   (g->value == 0 || values_.str(seen).starts_with(values_.str(g->value)))) {
          sources_.push_back({g->id, false});
        }
      }
      read_sources_end_[i] = static_cast<std::uint32_t>(sources_.size());
    }
  }
  static bool is_plain_read(const Step& s) {
    const Observation& o = s.observed;
    return o.presence == Observation::Presence::kAny && o.data && !o.version && !o.version_not && !o.data_not;
  }
  void count_unplaced_update(std::size_t i, int delta) {
    const Step& s = steps_[i];
    if (s.effect == Effect::kAppend) {
      appends_unplaced_[s.key] += delta;
      ZAB_ASSERT(appends_unplaced_[s.key] >= 0, "an append is counted unplaced once and placed once");
    }
    if (setter_group_[i] != kNoSetter) {
      setters_unplaced_by_value_[setter_group_[i]] += delta;
      ZAB_ASSERT(setters_unplaced_by_value_[setter_group_[i]] >= 0, "a write is counted unplaced once and placed once");
    }
  }

  static constexpr std::uint32_t kNoSetter = UINT32_MAX;
  std::vector<std::uint32_t> setter_group_;         // step -> its (key, value) group, or kNoSetter
  std::vector<int> setters_unplaced_by_value_;      // group -> its writes / cas not yet placed
  std::vector<int> appends_unplaced_;               // key -> appends not yet placed
  // A determinate plain read of a plain key -> the groups it can take its value from:
  // sources_[begin, end); kNotPlain for every other step.
  static constexpr std::uint32_t kNotPlain = UINT32_MAX;
  std::vector<std::uint32_t> read_sources_begin_, read_sources_end_;
  std::vector<Source> sources_;

  struct Blocked {
    std::uint32_t key = 0;
    std::uint64_t hint = 0;
    std::uint32_t awaited = 0;  // a blocked read's value (0: none, or a blocked update)
  };
  std::vector<Blocked> blocked_;
  // The determinate updates by (hint, index), and which of them are placed, one bit each in
  // that order: the lowest unplaced hint is the first clear bit. (A std::set of the unplaced
  // ones allocated and freed a node at every place and unplace: a tenth of a kv check.)
  std::vector<std::size_t> updates_by_hint_;
  std::vector<std::size_t> update_rank_;  // step -> its index in updates_by_hint_
  std::vector<std::uint64_t> update_placed_bits_;
  std::vector<std::tuple<int, std::uint64_t, int, std::int64_t, std::size_t>> sort_keys_;
  const SearchInput& in_;
  const std::vector<Step>& steps_;
  StringTable& values_;
  const StringTable& keys_;
  Store store_;
  std::vector<char> placed_;
  std::vector<std::uint64_t> zob_a_, zob_b_;
  std::uint64_t fp_a_ = 0, fp_b_ = 0;
  std::vector<std::size_t> by_complete_;    // determinate steps by completion time
  std::vector<std::size_t> complete_rank_;  // step -> its index in by_complete_
  std::size_t tptr_ = 0;                    // by_complete_[0, tptr_) are all placed
  std::vector<std::size_t> indeterminate_;
  std::size_t left_ = 0;                    // determinate steps not yet placed
  // Session order.
  std::vector<std::vector<std::size_t>> sessions_;
  std::vector<std::size_t> session_pos_, cursor_, det_before_;
  // Linearizability: a doubly linked list over positions in invoke_order_, sentinel at m.
  std::vector<std::size_t> invoke_order_, next_, prev_, list_pos_;
};

struct Frame {
  std::size_t placed = SIZE_MAX;  // the step this frame placed (SIZE_MAX at the root)
  std::size_t undo_mark = 0;
  std::vector<std::size_t> candidates;
  std::size_t next = 0;
};

}  // namespace

// Everything the depth-first search keeps between two runs of OrderSearch.
struct OrderSearch::State {
  State(const SearchInput& input, StringTable& values, const StringTable& keys) : p(input, values, keys) {}
  Placement p;
  VisitedSet visited;
  // frames[0 .. live) is the path; frames beyond it keep their candidate vectors' capacity for
  // the next descent, so that a step allocates nothing.
  std::vector<Frame> frames;
  std::size_t live = 0;
  std::size_t deepest_depth = 0;
  bool have_deepest = false;
  std::optional<SearchVerdict> decided;  // kFound or kNone, once reached
  SearchResult result;                   // steps so far; deepest; order once found
};

OrderSearch::OrderSearch(const SearchInput& input, StringTable& values, const StringTable& keys) {
  ZAB_ASSERT(input.steps != nullptr, "the search has steps to order");
  state_ = std::make_unique<State>(input, values, keys);
  state_->frames.resize(1);
  state_->live = 1;
  state_->p.candidates(state_->frames[0].candidates);
}

OrderSearch::~OrderSearch() = default;

SearchResult OrderSearch::run(const SearchBudget& budget) {
  State& st = *state_;
  Placement& p = st.p;
  SearchResult& result = st.result;
  auto path = [&] {
    std::vector<std::size_t> order;
    order.reserve(st.live);
    for (std::size_t f = 1; f < st.live; ++f) order.push_back(st.frames[f].placed);
    return order;
  };
  auto finish = [&](SearchVerdict v) {
    result.verdict = v;
    result.memo_entries = st.visited.size();
    if (v != SearchVerdict::kBudgetExhausted) st.decided = v;
    if (v == SearchVerdict::kFound && result.order.empty()) result.order = path();
    if (v == SearchVerdict::kBudgetExhausted && !st.have_deepest) result.deepest = path();
    return result;
  };
  if (st.decided) return finish(*st.decided);
  while (st.live > 0) {
    if (p.left() == 0) return finish(SearchVerdict::kFound);
    // The budget is checked between whole steps, so that the next run goes on exactly here.
    if (result.steps >= budget.steps_max || st.visited.size() > budget.memo_entries_max) {
      return finish(SearchVerdict::kBudgetExhausted);
    }
    Frame& f = st.frames[st.live - 1];
    if (f.next == f.candidates.size()) {
      // Dead end: nothing can go next here. Remember the longest such placement for the witness.
      const std::size_t depth = st.live - 1;
      if (!st.have_deepest || depth > st.deepest_depth) {
        st.deepest_depth = depth;
        st.have_deepest = true;
        result.deepest = path();
      }
      if (f.placed != SIZE_MAX) {
        p.unplace(f.placed);
        p.store().undo_to(f.undo_mark);
      }
      --st.live;
      continue;
    }
    const std::size_t c = f.candidates[f.next++];
    ++result.steps;
    const std::size_t mark = p.store().undo_mark();
    if (!p.try_apply(c, nullptr)) continue;
    p.place(c);
    if (!st.visited.insert(p.fingerprint())) {
      p.unplace(c);
      p.store().undo_to(mark);
      continue;
    }
    if (st.live == st.frames.size()) st.frames.emplace_back();
    Frame& next = st.frames[st.live++];  // `f` may dangle after emplace_back: not used below
    next.placed = c;
    next.undo_mark = mark;
    next.next = 0;
    next.candidates.clear();
    p.candidates(next.candidates);
  }
  return finish(SearchVerdict::kNone);
}

SearchResult search_order(const SearchInput& input, StringTable& values, const StringTable& keys,
                          const SearchBudget& budget) {
  return OrderSearch(input, values, keys).run(budget);
}

DeadEndExplanation explain_dead_end(const SearchInput& input, const std::vector<std::size_t>& prefix,
                                    StringTable& values, const StringTable& keys, ModelKind model,
                                    const std::vector<std::string>& labels, std::size_t lines_max) {
  Placement p(input, values, keys);
  for (std::size_t i : prefix) {
    const bool legal = p.try_apply(i, nullptr);
    ZAB_ASSERT(legal, "a dead end's prefix replays legally");
    p.place(i);
  }
  const auto& steps = *input.steps;
  DeadEndExplanation out;
  std::vector<std::string> rejected;
  std::vector<std::string> waiting;
  std::set<std::uint32_t> touched;
  const std::int64_t h = p.horizon();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (p.is_placed(i) || !steps[i].determinate) continue;
    ++out.unplaced_determinate;
    if (auto blocker = p.session_blocker(i)) {
      waiting.push_back(fmt::format("{}: must follow {} (session order)", labels[i], labels[*blocker]));
      continue;
    }
    if (steps[i].real_time && steps[i].invoke_ns > h) {
      waiting.push_back(fmt::format("{}: must follow {} (it completed before this was invoked)", labels[i],
                                    labels[p.horizon_step()]));
      continue;
    }
    std::string why;
    const std::size_t mark = p.store().undo_mark();
    if (p.try_apply(i, &why)) {
      p.store().undo_to(mark);
      rejected.push_back(fmt::format("{}: could go next, but no order of the rest works after it", labels[i]));
    } else {
      rejected.push_back(fmt::format("{}: cannot go next: {}", labels[i], why));
    }
    touched.insert(steps[i].key);
  }
  for (auto* list : {&rejected, &waiting}) {
    for (const std::string& line : *list) {
      if (out.blocked.size() < lines_max) out.blocked.push_back(line);
    }
  }
  for (std::uint32_t k : touched) {
    out.state_lines.push_back(describe_key_state(p.store().at(k), values, keys, k, model));
  }
  return out;
}

}  // namespace zab::check
