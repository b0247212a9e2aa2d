#pragma once
// Big-endian binary encoding in the style of ZooKeeper's jute (BinaryOutputArchive): int is 4
// bytes, long 8, boolean 1, buffer and string are an int length (-1 = null) then the bytes.
// The Reader never throws and never reads past the end: the first problem sets a sticky
// failure with a reason, every later read returns zeros, and the caller checks ok() once.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "protocol/base/assert.h"
#include "protocol/base/io.h"

namespace zab {

class Writer {
 public:
  Writer() = default;
  explicit Writer(Bytes& out) : out_(&out) {}

  void u8(std::uint8_t v) { buf().push_back(v); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void u32(std::uint32_t v);
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void u64(std::uint64_t v);
  void buffer(std::span<const std::uint8_t> bytes);  // length-prefixed
  void null_buffer() { i32(-1); }
  void string(const std::string& s);  // length-prefixed UTF-8
  void raw(std::span<const std::uint8_t> bytes);  // no length

  Bytes& bytes() { return buf(); }
  Bytes take() { return std::move(buf()); }

 private:
  Bytes& buf() { return out_ != nullptr ? *out_ : own_; }
  Bytes own_;
  Bytes* out_ = nullptr;
};

class Reader {
 public:
  // Buffers and strings longer than this are refused as corrupt (jute.maxbuffer + 1 KiB).
  static constexpr std::int32_t kMaxBufferBytes = 0xfffff + 1024;

  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  std::uint8_t u8();
  bool boolean();
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::uint32_t u32();
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  std::uint64_t u64();
  // A length-prefixed buffer; nullopt for a null (-1) buffer or on failure.
  std::optional<Bytes> buffer();
  std::string string();
  Bytes raw(std::size_t n);

  bool ok() const { return error_ == nullptr; }
  const char* error() const { return error_ != nullptr ? error_ : ""; }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const {
    ZAB_ASSERT(pos_ <= data_.size(), "the reader never moves past the end of its data");
    return ok() ? data_.size() - pos_ : 0;
  }
  bool at_end() const { return ok() && pos_ == data_.size(); }
  void fail(const char* reason) {
    ZAB_ASSERT(reason != nullptr, "a reader's failure says why");
    ZAB_ASSERT(reason[0] != '\0', "a reader's failure reason is not empty");
    if (error_ == nullptr) error_ = reason;
  }

 private:
  bool need(std::size_t n);
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  const char* error_ = nullptr;  // the first failure's reason
};

// Adler-32, the checksum ZooKeeper's txn log and snapshots use (java.util.zip.Adler32).
std::uint32_t adler32(std::span<const std::uint8_t> data, std::uint32_t start = 1);

}  // namespace zab
