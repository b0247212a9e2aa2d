#include "protocol/base/config.h"

#include <algorithm>

#include "protocol/base/assert.h"

namespace zab {

bool ServerConfig::is_voter(ServerId sid) const {
  // binary_search needs the voters sorted, as the configuration lists them.
  ZAB_ASSERT(std::is_sorted(voters.begin(), voters.end()), "the voters are kept sorted by sid");
  return std::binary_search(voters.begin(), voters.end(), sid);
}

}  // namespace zab
