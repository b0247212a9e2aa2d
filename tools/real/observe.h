#pragma once
// What a real ZooKeeper server tells about itself: its log lines (log4j's pattern
// "%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m%n", the console appender of Debian's package) and its
// answer to the four-letter word `srvr`. Parsed into the role and epoch changes a timeline
// prints; pure functions, tested on lines taken from ZooKeeper 3.8.0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zab::tools::real {

enum class LogEventKind : std::uint8_t {
  kLooking,      // QuorumPeer: LOOKING
  kLeading,      // QuorumPeer: LEADING
  kFollowing,    // QuorumPeer: FOLLOWING
  kEstablished,  // Leader: "Have quorum of supporters ... starting up": the new epoch is established
  kSyncDiff,     // Learner: "Getting a diff from the leader"
  kSyncSnap,     // Learner: "Getting a snapshot from leader"
  kSyncTrunc,    // Learner: "Truncating log to get in sync with the leader"
  kUpToDate,     // Learner: "Learner received UPTODATE message": synced, serving
};
const char* log_event_name(LogEventKind kind);

struct LogEvent {
  std::int64_t wall_ms = 0;  // milliseconds since the Unix epoch, from the line's timestamp
  LogEventKind kind = LogEventKind::kLooking;
  std::optional<std::uint64_t> zxid;  // established: the zxid it starts from; sync: the zxid named
};

// The event a log line reports, if any. The timestamp is read in this machine's time zone,
// as the JVM wrote it.
std::optional<LogEvent> parse_log_line(std::string_view line);

// `srvr`'s answer: the server's mode and last zxid; nullopt when it is not serving
// ("This ZooKeeper instance is not currently serving requests") or the text is not srvr's.
struct ServerStatus {
  std::string mode;  // "leader", "follower", "observer", "standalone"
  std::uint64_t zxid = 0;
};
std::optional<ServerStatus> parse_srvr(std::string_view text);

}  // namespace zab::tools::real
