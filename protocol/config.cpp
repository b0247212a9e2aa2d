#include "protocol/config.h"

#include <algorithm>

namespace zab {

bool ServerConfig::is_voter(ServerId sid) const {
  return std::binary_search(voters.begin(), voters.end(), sid);
}

}  // namespace zab
