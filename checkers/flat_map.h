#pragma once
// A hash map by open addressing with linear probing, kept at most half full: keys, values and
// an occupancy byte in three arrays, nothing allocated per entry. For the checkers' hot tables
// (the kv search's interned values and its memo of appends), where a node-based map's malloc
// and free per entry showed in profiles. No erase; the order of entries is never iterated.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/base/assert.h"

namespace zab::check {

template <class Key, class Value, class Hash>
class FlatMap {
 public:
  FlatMap() : keys_(kInitialSlots), values_(kInitialSlots), used_(kInitialSlots, 0) {}

  const Value* find(const Key& key) const {
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = Hash{}(key) & mask;; i = (i + 1) & mask) {
      if (used_[i] == 0) return nullptr;
      if (keys_[i] == key) return &values_[i];
    }
  }
  // Adds key -> value; the key must not be present.
  void insert(const Key& key, const Value& value) {
    if (2 * (size_ + 1) > keys_.size()) grow();
    const bool added = place(key, value);
    ZAB_ASSERT(added, "FlatMap::insert takes a key that is not present");
    ++size_;
  }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::size_t kInitialSlots = 64;  // a power of two, as every size after it

  bool place(const Key& key, const Value& value) {
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = Hash{}(key) & mask;; i = (i + 1) & mask) {
      if (used_[i] == 0) {
        keys_[i] = key;
        values_[i] = value;
        used_[i] = 1;
        return true;
      }
      if (keys_[i] == key) return false;
    }
  }
  void grow() {
    FlatMap bigger;
    bigger.keys_.assign(2 * keys_.size(), Key{});
    bigger.values_.assign(2 * keys_.size(), Value{});
    bigger.used_.assign(2 * keys_.size(), 0);
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (used_[i] != 0) bigger.place(keys_[i], values_[i]);
    }
    bigger.size_ = size_;
    *this = std::move(bigger);
  }

  std::vector<Key> keys_;
  std::vector<Value> values_;
  std::vector<std::uint8_t> used_;
  std::size_t size_ = 0;
};

}  // namespace zab::check
