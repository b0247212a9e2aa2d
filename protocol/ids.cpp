#include "protocol/ids.h"

#include <fmt/format.h>

namespace zab {

std::string Zxid::hex() const { return fmt::format("{:x}", raw_); }

}  // namespace zab
