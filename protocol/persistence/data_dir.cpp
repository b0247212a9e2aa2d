#include "protocol/persistence/data_dir.h"

#include <algorithm>

#include "protocol/base/assert.h"

namespace zab {

namespace {
// The largest zxid whose hex name Long.parseLong (and zxid_from_name) reads back.
constexpr std::uint64_t kMaxLongZxid = 0x7fff'ffff'ffff'ffffULL;
}  // namespace

std::string make_log_name(Zxid zxid) {
  std::string name = std::string(kLogFilePrefix) + "." + zxid.hex();
  // Long.parseLong reads back only what fits a signed long: every zxid a 31-bit epoch makes.
  ZAB_ASSERT(zxid.raw() > kMaxLongZxid || zxid_from_name(name, kLogFilePrefix) == zxid,
             "a log file's name gives back its zxid (paired check)");
  return name;
}

std::string make_snapshot_name(Zxid zxid) {
  std::string name = std::string(kSnapshotFilePrefix) + "." + zxid.hex();
  ZAB_ASSERT(zxid.raw() > kMaxLongZxid || zxid_from_name(name, kSnapshotFilePrefix) == zxid,
             "a snapshot's name gives back its zxid (paired check)");
  return name;
}

std::optional<Zxid> zxid_from_name(std::string_view name, std::string_view prefix) {
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos || name.substr(0, dot) != prefix) return std::nullopt;
  std::string_view digits = name.substr(dot + 1);
  digits = digits.substr(0, digits.find('.'));
  // Long.parseLong(s, 16): at least one digit, and the value must fit in a signed long.
  if (digits.empty() || digits.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint64_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  if (value > kMaxLongZxid) return std::nullopt;
  return Zxid::from_raw(value);
}

std::vector<DataFile> sort_data_dir(const DurableFiles& files, std::string_view prefix) {
  std::vector<DataFile> found;
  ZAB_ASSERT(!prefix.empty(), "data files are sorted by a prefix (log or snapshot)");
  for (const auto& [name, bytes] : files) {
    if (const auto zxid = zxid_from_name(name, prefix)) found.push_back(DataFile{*zxid, name});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const DataFile& a, const DataFile& b) { return a.zxid < b.zxid; });
  ZAB_ASSERT(found.size() <= files.size(), "each listed data file is one of the files");
  return found;
}

}  // namespace zab
