#include "protocol/data_dir.h"

#include <algorithm>

namespace zab {

std::string make_log_name(Zxid zxid) { return std::string(kLogFilePrefix) + "." + zxid.hex(); }

std::string make_snapshot_name(Zxid zxid) {
  return std::string(kSnapshotFilePrefix) + "." + zxid.hex();
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
  if (value > 0x7fff'ffff'ffff'ffffULL) return std::nullopt;
  return Zxid::from_raw(value);
}

std::vector<DataFile> sort_data_dir(const DurableFiles& files, std::string_view prefix) {
  std::vector<DataFile> found;
  for (const auto& [name, bytes] : files) {
    if (const auto zxid = zxid_from_name(name, prefix)) found.push_back(DataFile{*zxid, name});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const DataFile& a, const DataFile& b) { return a.zxid < b.zxid; });
  return found;
}

}  // namespace zab
