#include "protocol/base/ids.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"

namespace zab {

std::string Zxid::hex() const {
  std::string text = fmt::format("{:x}", raw_);
  // Long.toHexString: no leading zeros, at most 16 digits — what file names are parsed back from.
  ZAB_ASSERT(!text.empty(), "a zxid's hex text has at least one digit");
  ZAB_ASSERT(text.size() <= 16, "a zxid's hex text has at most 16 digits");
  return text;
}

}  // namespace zab
