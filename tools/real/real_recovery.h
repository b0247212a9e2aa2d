#pragma once
// Recovery after each fault of a real run, from what a real ensemble lets us see: the servers'
// logs (role changes, the leader's "Have quorum of supporters", the learners' UPTODATE)
// and the clients' history — the same phases `zabsim run` measures from the simulator's
// trace, where they can be seen. Not visible in ZooKeeper 3.8's logs at INFO: the first
// reaction short of leaving a role, the epoch agreement, the first commit; those are absent.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/real/real_run.h"

namespace zab::tools::real {

struct RealRecovery {
  std::string fault;            // the timeline's line
  std::int64_t at_ms = 0;       // when it fired, from the start
  // ms after the fault; -1: not seen before the next fault or the end of the run.
  std::int64_t noticed_ms = -1;      // first LOOKING (a server the fault did not hit; a started server: its own)
  std::int64_t elected_ms = -1;      // then the first LEADING or FOLLOWING
  std::int64_t established_ms = -1;  // a new leader's quorum of supporters (NEWLEADER acknowledged)
  std::int64_t all_synced_ms = -1;   // the last learner's UPTODATE ("Learner received UPTODATE message")
  std::int64_t first_read_ms = -1;   // the first successful read invoked at or after the fault, completed
  std::int64_t first_write_ms = -1;  // the same for a write: when clients are served again
  std::int64_t probe_write_ms = -1;  // crash / hang: the probe's first write through a survivor
  std::uint32_t leader = 0;          // the established leader, 0 if none
};

// One entry per fault that fired (skipped ones included, with every phase -1).
std::vector<RealRecovery> real_recovery(const RealRun& run);

// The table `zabsim real` prints after the timeline.
std::string render_real_recovery(const std::vector<RealRecovery>& recovery);

}  // namespace zab::tools::real
