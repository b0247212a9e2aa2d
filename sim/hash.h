#pragma once
// The 64-bit fingerprints that make runs comparable: the trace hash folds every recorded event
// in canonical form, and payloads are fingerprinted by their bytes. Our own code, fixed
// forever: a change here changes every trace hash ever printed.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zab::sim {

// The splitmix64 finaliser: a bijective avalanche of one word.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Folds one word into a running hash. Order-sensitive, so (a, b) and (b, a) differ.
constexpr std::uint64_t hash_combine(std::uint64_t running, std::uint64_t word) {
  std::uint64_t h = running ^ mix64(word + 0x9e3779b97f4a7c15ULL);
  h = (h << 27) | (h >> 37);
  return h * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
}

// FNV-1a over bytes, then avalanched: the fingerprint of a payload or a name.
constexpr std::uint64_t hash_bytes(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ULL;
  }
  return mix64(h ^ size);
}

constexpr std::uint64_t hash_string(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h ^ s.size());
}

}  // namespace zab::sim
