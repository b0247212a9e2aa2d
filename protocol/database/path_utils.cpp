#include "protocol/database/path_utils.h"

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/base/assert.h"

namespace zab {

namespace {

// Decodes the UTF-8 character at `i`, advancing `i`; nullopt if the bytes are not well-formed
// UTF-8 (Java's decoder would substitute U+FFFD, which validatePath refuses anyway).
std::optional<std::uint32_t> next_code_point(const std::string& s, std::size_t& i) {
  ZAB_ASSERT(i < s.size(), "a code point is decoded only where one starts, inside the string");
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  std::size_t extra = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (i + extra >= s.size()) return std::nullopt;  // truncated
  for (std::size_t k = 1; k <= extra; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF) return std::nullopt;  // overlong or out of range
  i += extra + 1;
  ZAB_ASSERT(i <= s.size(), "a decoded code point lies within the string");
  return cp;
}

bool refused_character(std::uint32_t c) {
  return (c > 0x0000 && c <= 0x001F) || (c >= 0x007F && c <= 0x009F) ||
         (c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFFF0 && c <= 0xFFFF) ||
         c > 0xFFFF;  // a surrogate pair in Java
}

}  // namespace

bool is_valid_path(const std::string& path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() == 1) return true;  // the root
  if (path.back() == '/') return false;
  // Component by component: the rules on '/', '.' and ".." are about whole components.
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string_view component(path.data() + start, end - start);
    if (component.empty()) return false;                       // "//"
    if (component == "." || component == "..") return false;   // relative paths
    start = end + 1;
  }
  for (std::size_t i = 1; i < path.size();) {
    if (path[i] == '\0') return false;
    const auto c = next_code_point(path, i);
    if (!c || refused_character(*c)) return false;
  }
  return true;
}

}  // namespace zab
