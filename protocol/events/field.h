#pragma once
// How an event type describes itself, once: its trace code, its name in a trace file, and its
// fields — each a name and a member. Everything else (the trace's compact record of four
// 64-bit words and the hash over it, the JSON-lines writer and reader, the names a timeline
// prints) is derived from that description, so no field is ever read by position.
//
// An event type E provides
//   static constexpr std::uint16_t kCode;     // unique among the events of its family
//   static constexpr const char* kName;       // "logged"
//   static constexpr auto fields();           // std::tuple of Field{"zxid", &E::zxid}, ...
// with at most four fields, each of a type that has a word encoding below.

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "protocol/base/ids.h"

namespace zab::ev {

template <class E, class T>
struct Field {
  const char* name;
  T E::*member;
};
// Spelled out for compilers without C++20's aggregate deduction (clang before 17).
template <class E, class T>
Field(const char*, T E::*) -> Field<E, T>;

using Words = std::array<std::uint64_t, 4>;

// One field as one 64-bit word of the trace record (and of its hash).
constexpr std::uint64_t to_word(std::uint64_t v) { return v; }
constexpr std::uint64_t to_word(std::uint32_t v) { return v; }
constexpr std::uint64_t to_word(std::int64_t v) { return static_cast<std::uint64_t>(v); }  // two's complement
constexpr std::uint64_t to_word(bool v) { return v ? 1 : 0; }
constexpr std::uint64_t to_word(Zxid z) { return z.raw(); }
constexpr std::uint64_t to_word(ServerId s) { return s.value; }
template <class T>
  requires std::is_enum_v<T>
constexpr std::uint64_t to_word(T v) {
  return static_cast<std::uint64_t>(static_cast<std::make_unsigned_t<std::underlying_type_t<T>>>(v));
}

template <class T>
constexpr T from_word(std::uint64_t w) {
  if constexpr (std::is_same_v<T, bool>) {
    return w != 0;
  } else if constexpr (std::is_same_v<T, Zxid>) {
    return Zxid::from_raw(w);
  } else if constexpr (std::is_class_v<T>) {
    return T{w};  // ServerId, QuorumMask: one 64-bit value
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(w));
  } else {
    static_assert(std::is_integral_v<T>, "a field is an integer, a bool, a zxid, a server id or an enum");
    return static_cast<T>(w);
  }
}

template <class E>
constexpr std::size_t field_count() {
  return std::tuple_size_v<decltype(E::fields())>;
}

// Calls f(index, name, value) for each field of `e`, in order.
template <class E, class F>
constexpr void for_each_field(const E& e, F&& f) {
  constexpr auto fs = E::fields();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(I, std::get<I>(fs).name, e.*(std::get<I>(fs).member)), ...);
  }(std::make_index_sequence<field_count<E>()>{});
}

template <class E>
constexpr Words to_words(const E& e) {
  static_assert(field_count<E>() <= 4, "an event has at most four fields");
  Words w{};
  for_each_field(e, [&](std::size_t i, const char*, const auto& v) { w[i] = to_word(v); });
  return w;
}

template <class E>
constexpr E from_words(const Words& w) {
  E e{};
  constexpr auto fs = E::fields();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((e.*(std::get<I>(fs).member) =
          from_word<std::remove_cvref_t<decltype(e.*(std::get<I>(fs).member))>>(w[I])),
     ...);
  }(std::make_index_sequence<field_count<E>()>{});
  return e;
}

// The field names in order, "" past the last.
template <class E>
constexpr std::array<const char*, 4> field_names() {
  std::array<const char*, 4> names{"", "", "", ""};
  constexpr auto fs = E::fields();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((names[I] = std::get<I>(fs).name), ...);
  }(std::make_index_sequence<field_count<E>()>{});
  return names;
}

}  // namespace zab::ev
