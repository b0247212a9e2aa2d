#include "protocol/base/codec.h"

#include "protocol/base/assert.h"

namespace zab {

void Writer::u32(std::uint32_t v) {
  Bytes& b = buf();
  const std::size_t at = b.size();
  b.resize(at + 4);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

void Writer::u64(std::uint64_t v) {
  Bytes& b = buf();
  const std::size_t at = b.size();
  b.resize(at + 8);
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}

void Writer::buffer(std::span<const std::uint8_t> bytes) {
  ZAB_ASSERT(bytes.size() <= static_cast<std::size_t>(INT32_MAX), "a jute buffer's length fits an int");
  i32(static_cast<std::int32_t>(bytes.size()));
  raw(bytes);
}

void Writer::string(const std::string& s) {
  ZAB_ASSERT(s.size() <= static_cast<std::size_t>(INT32_MAX), "a jute string's length fits an int");
  i32(static_cast<std::int32_t>(s.size()));
  Bytes& b = buf();
  b.insert(b.end(), s.begin(), s.end());
}

void Writer::raw(std::span<const std::uint8_t> bytes) {
  Bytes& b = buf();
  b.insert(b.end(), bytes.begin(), bytes.end());
}

bool Reader::need(std::size_t n) {
  if (!ok()) return false;
  ZAB_ASSERT(pos_ <= data_.size(), "the reader never moves past the end of its data");
  if (data_.size() - pos_ < n) {
    fail("unexpected end of data");
    return false;
  }
  ZAB_ASSERT(pos_ + n <= data_.size(), "what a read needs is all there");
  return true;
}

std::uint8_t Reader::u8() {
  if (!need(1)) return 0;
  return data_[pos_++];
}

bool Reader::boolean() {
  const std::uint8_t v = u8();
  if (v > 1) fail("a boolean must be 0 or 1");
  return v == 1;
}

std::uint32_t Reader::u32() {
  if (!need(4)) return 0;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_++];
  return v;
}

std::uint64_t Reader::u64() {
  if (!need(8)) return 0;
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_++];
  return v;
}

std::optional<Bytes> Reader::buffer() {
  const std::int32_t n = i32();
  if (!ok() || n == -1) return std::nullopt;
  if (n < 0 || n > kMaxBufferBytes) {
    fail("unreasonable buffer length");
    return std::nullopt;
  }
  return raw(static_cast<std::size_t>(n));
}

std::string Reader::string() {
  const std::int32_t n = i32();
  if (!ok() || n == -1) return {};
  if (n < 0 || n > kMaxBufferBytes) {
    fail("unreasonable string length");
    return {};
  }
  if (!need(static_cast<std::size_t>(n))) return {};
  std::string s(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                data_.begin() + static_cast<std::ptrdiff_t>(pos_ + static_cast<std::size_t>(n)));
  pos_ += static_cast<std::size_t>(n);
  ZAB_ASSERT(pos_ <= data_.size(), "a string is read only when all of it is there");
  return s;
}

Bytes Reader::raw(std::size_t n) {
  if (!need(n)) return {};
  Bytes b(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
          data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += n;
  ZAB_ASSERT(pos_ <= data_.size(), "raw bytes are read only when all of them are there");
  return b;
}

std::uint32_t adler32(std::span<const std::uint8_t> data, std::uint32_t start) {
  constexpr std::uint32_t kMod = 65521;
  std::uint32_t a = start & 0xffff;
  std::uint32_t b = start >> 16;
  // A running checksum (start) has both halves reduced modulo 65521; 1 is the initial value.
  ZAB_ASSERT(a < kMod, "the running checksum's low half is reduced modulo 65521");
  ZAB_ASSERT(b < kMod, "the running checksum's high half is reduced modulo 65521");
  std::size_t i = 0;
  while (i < data.size()) {
    // 5552 is the largest n with 255 n (n+1)/2 + (n+1)(kMod-1) < 2^32 (zlib's NMAX).
    const std::size_t chunk = std::min<std::size_t>(5552, data.size() - i);
    for (std::size_t k = 0; k < chunk; ++k) {
      a += data[i + k];
      b += a;
    }
    a %= kMod;
    b %= kMod;
    i += chunk;
  }
  ZAB_ASSERT(a < kMod, "Adler-32's low half ends reduced modulo 65521");
  ZAB_ASSERT(b < kMod, "Adler-32's high half ends reduced modulo 65521");
  return (b << 16) | a;
}

}  // namespace zab
