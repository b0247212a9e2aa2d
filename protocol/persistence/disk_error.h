#pragma once
// What went wrong with the files a process found on its disk at start. On-disk data is input
// (a crash can tear it, an operator can damage it), so problems with it are values with a
// message, never assertions; the node decides what ZooKeeper would do (usually: refuse to run).

#include <string>
#include <variant>

#include "protocol/events/reasons.h"

namespace zab {

struct DiskError {
  std::string message;  // names the file and, where there is one, the byte offset
  // Which of QuorumPeer.loadDataBase's refusals this is, for the trace (StartupRefused).
  StartupRefusal refusal = StartupRefusal::kDatabaseUnreadable;
};

// A value read from disk, or why it could not be read.
template <class T>
using OrDiskError = std::variant<T, DiskError>;

}  // namespace zab
