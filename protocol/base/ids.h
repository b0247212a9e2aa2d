#pragma once
// Identifiers in ZooKeeper's vocabulary: server ids (sid / myid), zxids, epochs, sessions.

#include <compare>
#include <cstdint>
#include <string>

#include "protocol/base/address.h"
#include "protocol/base/assert.h"

namespace zab {

// A server's myid. Server N listens at network address N (the scenario's convention).
struct ServerId {
  std::uint64_t value = 0;
  constexpr auto operator<=>(const ServerId&) const = default;
  constexpr Address address() const {
    ZAB_ASSERT(value <= UINT32_MAX, "a server id is its network address, which has 32 bits");
    return Address{static_cast<std::uint32_t>(value)};
  }
  static constexpr ServerId of(Address a) { return ServerId{a.value}; }
};

// An epoch: the high 32 bits of a zxid. acceptedEpoch and currentEpoch are epochs too.
using Epoch = std::uint32_t;

// A ZooKeeper transaction id: epoch << 32 | counter (ZxidUtils.makeZxid). Ordered as the
// unsigned 64-bit value, which is the order ZooKeeper compares zxids in for all non-negative
// values. Java's -1 ("no zxid") appears only inside leader election (vote.h's kZxidMinusOne,
// all ones, never ordered against real zxids).
class Zxid {
 public:
  constexpr Zxid() = default;
  static constexpr Zxid make(Epoch epoch, std::uint32_t counter) {
    return Zxid((static_cast<std::uint64_t>(epoch) << 32) | counter);
  }
  static constexpr Zxid from_raw(std::uint64_t raw) { return Zxid(raw); }
  static constexpr Zxid zero() { return Zxid(0); }

  constexpr Epoch epoch() const { return static_cast<Epoch>(raw_ >> 32); }
  constexpr std::uint32_t counter() const { return static_cast<std::uint32_t>(raw_); }
  constexpr std::uint64_t raw() const { return raw_; }

  constexpr auto operator<=>(const Zxid&) const = default;

  // Lowercase hex without 0x, as ZooKeeper names log and snapshot files (Long.toHexString).
  std::string hex() const;

 private:
  constexpr explicit Zxid(std::uint64_t raw) : raw_(raw) {}
  std::uint64_t raw_ = 0;
};

// A client session id (ZooKeeper's sessionId / clientId in txn headers).
struct SessionId {
  std::int64_t value = 0;
  constexpr auto operator<=>(const SessionId&) const = default;
};

}  // namespace zab
