#pragma once
// The events the simulated world records itself (codes are sim::TraceKind's): process life,
// connections and messages, timers, disk operations, faults on links, and the world's own
// stop. One definition each (field.h says how). A field of type Process names a process and a
// FileId a file; a trace file writes both as names.

#include <cstdint>
#include <tuple>

#include "protocol/events/field.h"

namespace zab::ev {

// A process, by its address (0 = the world).
struct Process {
  std::uint64_t value = 0;
  constexpr auto operator<=>(const Process&) const = default;
};
constexpr std::uint64_t to_word(Process p) { return p.value; }

// A file, by the id the trace interned its name under.
struct FileId {
  std::uint64_t value = 0;
  constexpr auto operator<=>(const FileId&) const = default;
};
constexpr std::uint64_t to_word(FileId f) { return f.value; }

// The process (re)started.
struct ProcessStart {
  static constexpr std::uint16_t kCode = 1;
  static constexpr const char* kName = "process_start";
  std::uint64_t incarnation = 0;
  std::uint64_t durable_files = 0;
  std::uint64_t durable_bytes = 0;
  static constexpr auto fields() { return std::tuple{Field{"incarnation", &ProcessStart::incarnation}, Field{"durable_files", &ProcessStart::durable_files}, Field{"durable_bytes", &ProcessStart::durable_bytes}}; }
};

// The process crashed; its unsynced disk operations were lost.
struct Crash {
  static constexpr std::uint16_t kCode = 2;
  static constexpr const char* kName = "crash";
  std::uint64_t incarnation = 0;
  std::uint64_t disk_ops_lost = 0;
  std::uint64_t torn_bytes_kept = 0;
  static constexpr auto fields() { return std::tuple{Field{"incarnation", &Crash::incarnation}, Field{"disk_ops_lost", &Crash::disk_ops_lost}, Field{"torn_bytes_kept", &Crash::torn_bytes_kept}}; }
};

// The process stopped taking inputs (SIGSTOP, a long pause).
struct Hang {
  static constexpr std::uint16_t kCode = 3;
  static constexpr const char* kName = "hang";
  static constexpr auto fields() { return std::tuple{}; }
};

// The process resumed with the inputs held while it hung.
struct Resume {
  static constexpr std::uint16_t kCode = 4;
  static constexpr const char* kName = "resume";
  std::uint64_t held_inputs = 0;
  static constexpr auto fields() { return std::tuple{Field{"held_inputs", &Resume::held_inputs}}; }
};

// The process works `cost_ns` on the step it just took before its outputs take effect
// (sim/step_costs.h; `cause` is the model's code: 1 role exit, 2 leader start, 3 follower start).
struct Busy {
  static constexpr std::uint16_t kCode = 7;
  static constexpr const char* kName = "busy";
  std::uint64_t cost_ns = 0;
  std::uint64_t cause = 0;
  static constexpr auto fields() { return std::tuple{Field{"cost_ns", &Busy::cost_ns}, Field{"cause", &Busy::cause}}; }
};

// The process's clock drifts.
struct ClockDrift {
  static constexpr std::uint16_t kCode = 5;
  static constexpr const char* kName = "clock_drift";
  std::int64_t drift_ppm = 0;
  static constexpr auto fields() { return std::tuple{Field{"drift_ppm", &ClockDrift::drift_ppm}}; }
};

// The process's wall clock stepped.
struct ClockStep {
  static constexpr std::uint16_t kCode = 6;
  static constexpr const char* kName = "clock_step";
  std::int64_t step_ns = 0;
  static constexpr auto fields() { return std::tuple{Field{"step_ns", &ClockStep::step_ns}}; }
};

// The process dialed a peer's port.
struct Connect {
  static constexpr std::uint16_t kCode = 20;
  static constexpr const char* kName = "connect";
  std::uint64_t tag = 0;
  Process peer;
  std::uint64_t port = 0;
  static constexpr auto fields() { return std::tuple{Field{"tag", &Connect::tag}, Field{"peer", &Connect::peer}, Field{"port", &Connect::port}}; }
};

// A connection is up at this end.
struct ConnectionUp {
  static constexpr std::uint16_t kCode = 21;
  static constexpr const char* kName = "connection_up";
  std::uint64_t conn = 0;
  Process peer;
  bool initiated = false;
  std::uint64_t tag = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &ConnectionUp::conn}, Field{"peer", &ConnectionUp::peer}, Field{"initiated", &ConnectionUp::initiated}, Field{"tag", &ConnectionUp::tag}}; }
};

// A dial failed: refused (1) or timed out (2).
struct ConnectFailed {
  static constexpr std::uint16_t kCode = 22;
  static constexpr const char* kName = "connect_failed";
  std::uint64_t tag = 0;
  Process peer;
  std::uint64_t reason = 0;
  static constexpr auto fields() { return std::tuple{Field{"tag", &ConnectFailed::tag}, Field{"peer", &ConnectFailed::peer}, Field{"reason", &ConnectFailed::reason}}; }
};

// This end closed a connection.
struct Close {
  static constexpr std::uint16_t kCode = 23;
  static constexpr const char* kName = "close";
  std::uint64_t conn = 0;
  Process peer;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Close::conn}, Field{"peer", &Close::peer}}; }
};

// This end learned that a connection is gone.
struct ConnectionDown {
  static constexpr std::uint16_t kCode = 24;
  static constexpr const char* kName = "connection_down";
  std::uint64_t conn = 0;
  Process peer;
  static constexpr auto fields() { return std::tuple{Field{"conn", &ConnectionDown::conn}, Field{"peer", &ConnectionDown::peer}}; }
};

// A reset fault on a connection (both ends will see it).
struct ConnectionReset {
  static constexpr std::uint16_t kCode = 25;
  static constexpr const char* kName = "connection_reset";
  std::uint64_t conn = 0;
  Process peer;
  static constexpr auto fields() { return std::tuple{Field{"conn", &ConnectionReset::conn}, Field{"peer", &ConnectionReset::peer}}; }
};

// A message left (the record's sub is its message type).
struct Sent {
  static constexpr std::uint16_t kCode = 40;
  static constexpr const char* kName = "send";
  std::uint64_t conn = 0;
  Process peer;
  std::uint64_t bytes = 0;
  std::uint64_t payload_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Sent::conn}, Field{"peer", &Sent::peer}, Field{"bytes", &Sent::bytes}, Field{"payload_hash", &Sent::payload_hash}}; }
};

// A message arrived (sub: its message type).
struct Delivered {
  static constexpr std::uint16_t kCode = 41;
  static constexpr const char* kName = "deliver";
  std::uint64_t conn = 0;
  Process peer;
  std::uint64_t bytes = 0;
  std::uint64_t payload_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Delivered::conn}, Field{"peer", &Delivered::peer}, Field{"bytes", &Delivered::bytes}, Field{"payload_hash", &Delivered::payload_hash}}; }
};

// A message was lost (sub: TraceDropReason).
struct Dropped {
  static constexpr std::uint16_t kCode = 42;
  static constexpr const char* kName = "drop";
  std::uint64_t conn = 0;
  Process peer;
  std::uint64_t bytes = 0;
  std::uint64_t payload_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Dropped::conn}, Field{"peer", &Dropped::peer}, Field{"bytes", &Dropped::bytes}, Field{"payload_hash", &Dropped::payload_hash}}; }
};

// An out-of-model duplicate of a message.
struct Duplicated {
  static constexpr std::uint16_t kCode = 43;
  static constexpr const char* kName = "duplicate";
  std::uint64_t conn = 0;
  Process peer;
  std::uint64_t bytes = 0;
  std::uint64_t payload_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Duplicated::conn}, Field{"peer", &Duplicated::peer}, Field{"bytes", &Duplicated::bytes}, Field{"payload_hash", &Duplicated::payload_hash}}; }
};

// An out-of-model reordering of a message.
struct Reordered {
  static constexpr std::uint16_t kCode = 44;
  static constexpr const char* kName = "reorder";
  std::uint64_t conn = 0;
  Process peer;
  std::uint64_t bytes = 0;
  std::uint64_t payload_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"conn", &Reordered::conn}, Field{"peer", &Reordered::peer}, Field{"bytes", &Reordered::bytes}, Field{"payload_hash", &Reordered::payload_hash}}; }
};

// A timer fired.
struct TimerFired {
  static constexpr std::uint16_t kCode = 60;
  static constexpr const char* kName = "timer";
  std::uint64_t timer = 0;
  static constexpr auto fields() { return std::tuple{Field{"timer", &TimerFired::timer}}; }
};

// Bytes appended to a file.
struct Appended {
  static constexpr std::uint16_t kCode = 80;
  static constexpr const char* kName = "append";
  FileId file;
  std::uint64_t bytes = 0;
  std::uint64_t content_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &Appended::file}, Field{"bytes", &Appended::bytes}, Field{"content_hash", &Appended::content_hash}}; }
};

// A file written whole.
struct FileWritten {
  static constexpr std::uint16_t kCode = 81;
  static constexpr const char* kName = "write_file";
  FileId file;
  std::uint64_t bytes = 0;
  std::uint64_t content_hash = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &FileWritten::file}, Field{"bytes", &FileWritten::bytes}, Field{"content_hash", &FileWritten::content_hash}}; }
};

// A file truncated.
struct FileTruncated {
  static constexpr std::uint16_t kCode = 82;
  static constexpr const char* kName = "truncate";
  FileId file;
  std::uint64_t size = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &FileTruncated::file}, Field{"size", &FileTruncated::size}}; }
};

// A file renamed.
struct Renamed {
  static constexpr std::uint16_t kCode = 83;
  static constexpr const char* kName = "rename";
  FileId file;
  FileId to;
  static constexpr auto fields() { return std::tuple{Field{"file", &Renamed::file}, Field{"to", &Renamed::to}}; }
};

// A file removed.
struct Removed {
  static constexpr std::uint16_t kCode = 84;
  static constexpr const char* kName = "remove";
  FileId file;
  static constexpr auto fields() { return std::tuple{Field{"file", &Removed::file}}; }
};

// The process asked its disk for an fsync.
struct Fsync {
  static constexpr std::uint16_t kCode = 85;
  static constexpr const char* kName = "fsync";
  FileId file;
  std::uint64_t tag = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &Fsync::file}, Field{"tag", &Fsync::tag}}; }
};

// That fsync completed.
struct FsyncDone {
  static constexpr std::uint16_t kCode = 86;
  static constexpr const char* kName = "fsync_done";
  FileId file;
  std::uint64_t tag = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &FsyncDone::file}, Field{"tag", &FsyncDone::tag}}; }
};

// Out-of-model corruption of durable bytes.
struct Corrupted {
  static constexpr std::uint16_t kCode = 87;
  static constexpr const char* kName = "corrupt";
  FileId file;
  std::uint64_t offset = 0;
  static constexpr auto fields() { return std::tuple{Field{"file", &Corrupted::file}, Field{"offset", &Corrupted::offset}}; }
};

// The kernel's background writeback made operations durable.
struct Writeback {
  static constexpr std::uint16_t kCode = 88;
  static constexpr const char* kName = "writeback";
  std::uint64_t ops = 0;
  static constexpr auto fields() { return std::tuple{Field{"ops", &Writeback::ops}}; }
};

// Packets from `from` to `to` are lost until healed.
struct LinkCut {
  static constexpr std::uint16_t kCode = 100;
  static constexpr const char* kName = "link_cut";
  Process from;
  Process to;
  static constexpr auto fields() { return std::tuple{Field{"from", &LinkCut::from}, Field{"to", &LinkCut::to}}; }
};

// The link from `from` to `to` carries packets again.
struct LinkHeal {
  static constexpr std::uint16_t kCode = 101;
  static constexpr const char* kName = "link_heal";
  Process from;
  Process to;
  static constexpr auto fields() { return std::tuple{Field{"from", &LinkHeal::from}, Field{"to", &LinkHeal::to}}; }
};

// The link from `from` to `to` is slower.
struct LinkSlow {
  static constexpr std::uint16_t kCode = 102;
  static constexpr const char* kName = "link_slow";
  Process from;
  Process to;
  std::uint64_t factor_percent = 0;
  static constexpr auto fields() { return std::tuple{Field{"from", &LinkSlow::from}, Field{"to", &LinkSlow::to}, Field{"factor_percent", &LinkSlow::factor_percent}}; }
};

// The world's per-instant budget tripped; the run stops here.
struct TimeStoodStill {
  static constexpr std::uint16_t kCode = 120;
  static constexpr const char* kName = "time_stood_still";
  std::uint64_t events = 0;
  static constexpr auto fields() { return std::tuple{Field{"events", &TimeStoodStill::events}}; }
};

}  // namespace zab::ev
