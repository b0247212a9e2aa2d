#pragma once
// ZooKeeper's znode path rules (common/PathUtils.validatePath), which PrepRequestProcessor
// applies to every write's path and answers with BADARGUMENTS.

#include <string>

namespace zab {

// PathUtils.validatePath: starts with '/'; no trailing '/' unless it is the root; no empty
// component; no "." or ".." component; no NUL; none of the characters ZooKeeper refuses
// (U+0001..U+001F, U+007F..U+009F, U+D800..U+F8FF, U+FFF0..U+FFFF). Paths are UTF-8 here and
// UTF-16 in Java: a character outside the BMP is a surrogate pair there, so it is refused, and
// bytes that are not UTF-8 would decode to U+FFFD, so they are refused too.
bool is_valid_path(const std::string& path);

}  // namespace zab
