#include "protocol/persistence/epoch_files.h"

#include <fmt/format.h>

#include <limits>

#include "protocol/base/assert.h"

namespace zab {

Bytes format_epoch(Epoch epoch) {
  const std::string text = fmt::format("{}", epoch);
  Bytes bytes(text.begin(), text.end());
  // Paired check: what we write is what readLongFromFile gives back.
  const auto parsed = parse_epoch_file(kCurrentEpochFile, bytes);
  ZAB_ASSERT(std::holds_alternative<Epoch>(parsed), "an epoch file we write parses");
  ZAB_ASSERT(std::get<Epoch>(parsed) == epoch, "an epoch file we write reads back as the same epoch");
  return bytes;
}

OrDiskError<Epoch> parse_epoch_file(std::string_view file, const Bytes& bytes) {
  if (bytes.empty()) return DiskError{fmt::format("Found null in {}", file)};  // readLine: null
  std::string line;
  for (const std::uint8_t b : bytes) {
    if (b == '\n' || b == '\r') break;
    line.push_back(static_cast<char>(b));
  }
  const DiskError malformed{fmt::format("Found {} in {}", line, file)};
  std::size_t i = 0;
  bool negative = false;
  if (!line.empty() && (line[0] == '+' || line[0] == '-')) {
    negative = line[0] == '-';
    i = 1;
  }
  if (i == line.size()) return malformed;
  // Long.parseLong's range is checked digit by digit; epochs must fit in 32 bits, so stop at
  // the first digit that leaves that range (a bounded loop over at most the line's length).
  std::uint64_t value = 0;
  bool beyond_epoch = false;
  for (; i < line.size(); ++i) {
    const char c = line[i];
    if (c < '0' || c > '9') return malformed;
    if (!beyond_epoch) {
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
      beyond_epoch = value > std::numeric_limits<Epoch>::max();
    }
  }
  if (beyond_epoch || (negative && value != 0)) {
    return DiskError{fmt::format("Found {} in {} (zabsim: an epoch is between 0 and {})", line,
                                 file, std::numeric_limits<Epoch>::max())};
  }
  return static_cast<Epoch>(value);
}

EpochFileRead read_epoch_file(const DurableFiles& files, std::string_view file) {
  const auto it = files.find(std::string(file));
  if (it == files.end()) return std::nullopt;
  return parse_epoch_file(file, it->second);
}

void write_epoch_file(AtomicFileWriter& writer, std::string_view file, Epoch epoch,
                      std::uint64_t tag, std::vector<Output>& out) {
  ZAB_ASSERT(file == kCurrentEpochFile || file == kAcceptedEpochFile, "only the two epoch files hold epochs");
  writer.begin(std::string(file), format_epoch(epoch), tag, out);
}

}  // namespace zab
