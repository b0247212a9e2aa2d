#pragma once
// The sans-IO contract between a process's protocol code and whatever hosts it.
//
// A node is a state machine: the host hands it one Input at a time, together with the current
// readings of the process's clocks, and the node answers with a list of Outputs to carry out.
// Every happening is an input: process start, connection up or down, message arrival, timer
// expiry, fsync completion. The node never blocks, never reads a clock, never touches a socket
// or a file: the same node could run over real TCP and a real file system. The simulator in
// sim/ is one host; unit tests that drive a node input by input are another.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocol/base/address.h"
#include "protocol/base/random_source.h"
#include "protocol/base/time.h"

namespace zab {

using Bytes = std::vector<std::uint8_t>;

// A listening port of a process. ZooKeeper servers listen on three: clients (2181), the
// quorum (2888, leader <-> learners) and leader election (3888). Connections to different
// ports of the same peer are independent, as they are in ZooKeeper.
using Port = std::uint16_t;

// One TCP-like connection, named by the host. Both ends see the same id.
struct ConnId {
  std::uint64_t value = 0;
  constexpr auto operator<=>(const ConnId&) const = default;
};

// The durable contents of a process's disk at start-up: file name to bytes. Ordered, so that
// recovery code iterates files in a deterministic order.
using DurableFiles = std::map<std::string, Bytes>;

namespace in {
// The process (re)starts. `files` is what survived on its disk; nothing else survives.
struct Start {
  DurableFiles files;
};
// A connection this node asked for (`out::Connect` with `tag`), or one a peer opened to us
// (`initiated_by_us == false`, tag 0), is established and usable.
struct ConnectionUp {
  ConnId conn;
  Address peer;
  Port port = 0;  // the acceptor's port the connection was made to
  bool initiated_by_us = false;
  std::uint64_t tag = 0;
};
// An attempt to connect failed: refused (nobody listening) or timed out (no answer).
struct ConnectFailed {
  Address peer;
  std::uint64_t tag = 0;
};
// The connection is gone: reset by the peer, or closed by it. Nothing more arrives on it.
struct ConnectionDown {
  ConnId conn;
};
// Bytes that the peer sent on `conn`, delivered whole and in the order sent.
struct Message {
  ConnId conn;
  Bytes payload;
};
// A timer set with `out::SetTimer{id, ...}` expired.
struct TimerFired {
  std::uint64_t id = 0;
};
// An fsync asked for with `out::Fsync{..., tag}` completed: what it covered is durable.
struct FsyncDone {
  std::uint64_t tag = 0;
};
}  // namespace in

using Input = std::variant<in::Start, in::ConnectionUp, in::ConnectFailed, in::ConnectionDown,
                           in::Message, in::TimerFired, in::FsyncDone>;

namespace out {
// Open a connection to `peer`; the answer is in::ConnectionUp or in::ConnectFailed with `tag`.
struct Connect {
  Address peer;
  Port port = 0;
  std::uint64_t tag = 0;
  Duration timeout;  // give up after this long without an answer (ZooKeeper's cnxTimeout)
};
struct Send {
  ConnId conn;
  Bytes payload;
};
// Close our end; the peer sees in::ConnectionDown.
struct Close {
  ConnId conn;
};
// Start or stop accepting connections on a port (bind + listen, or closing the server socket;
// connections already accepted stay open). A connection attempt to a port nobody listens on
// is refused. A process listens on nothing until it says so; a crash closes every port.
struct Listen {
  Port port = 0;
};
struct Unlisten {
  Port port = 0;
};
// Set (or re-set) the timer `id` to fire after `after` on this process's monotonic clock.
struct SetTimer {
  std::uint64_t id = 0;
  Duration after;
};
struct CancelTimer {
  std::uint64_t id = 0;
};
// File operations. Writes land in the volatile cache at once; only Fsync makes them durable.
struct Append {
  std::string file;
  Bytes bytes;
};
// Create or replace the whole contents of `file`.
struct WriteFile {
  std::string file;
  Bytes bytes;
};
// Cut `file` to `size` bytes.
struct Truncate {
  std::string file;
  std::uint64_t size = 0;
};
// Atomically rename `from` to `to`, replacing `to` if it exists.
struct Rename {
  std::string from;
  std::string to;
};
struct Remove {
  std::string file;
};
// Make `file` durable; in::FsyncDone{tag} arrives when it is.
struct Fsync {
  std::string file;
  std::uint64_t tag = 0;
};
// A protocol happening for the trace (role change, epoch, commit, ...): `kind` names an entry
// of the node's TraceSchema; the meaning of a..d is given there. Checkers read these.
struct Trace {
  std::uint16_t kind = 0;
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
};
}  // namespace out

using Output = std::variant<out::Connect, out::Send, out::Close, out::Listen, out::Unlisten,
                            out::SetTimer, out::CancelTimer,
                            out::Append, out::WriteFile, out::Truncate, out::Rename, out::Remove,
                            out::Fsync, out::Trace>;

// Names for a node type's out::Trace kinds and their fields, for readable traces and timelines.
struct TraceKindInfo {
  std::uint16_t kind = 0;
  const char* name = "";
  const char* field_names[4] = {"", "", "", ""};  // "" = field unused
};

class Node {
 public:
  virtual ~Node() = default;
  // Handle one input. Appends what to do to `out`; never blocks, never reads a clock.
  virtual void step(const Clocks& now, Input input, std::vector<Output>& out) = 0;
  // A short human-readable description of a payload this node type sends ("NOTIFICATION
  // leader=3 zxid=0x100000002"), for timelines; not on any hot path.
  virtual std::string describe_message(const Bytes& payload) const = 0;
  // A small number identifying the payload's message type, for the trace (0 if none).
  virtual std::uint16_t message_type(const Bytes& payload) const = 0;
};

// What a host hands a node at construction.
struct NodeContext {
  Address self;
  RandomSource* random = nullptr;  // owned by the host; lives as long as the node
};

}  // namespace zab
