#pragma once
// The trace: every happening in the world as a structured event, in the order it happened.
//
// Each event is a fixed record (time, process, kind, sub, a, b, c, d). The four words are the
// fields of an event type of protocol/events/ (world_events.h for the world's own kinds; the
// server's events for kind kProtocol), written and read only through that type. The run keeps a running 64-bit hash over the canonical form of every
// event: those eight fields as 64-bit words, in that order. Strings (file names) enter the
// trace as ids interned in first-use order, which is deterministic, and are hashed by content
// when interned.

#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <variant>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/events/events.h"
#include "protocol/base/io.h"
#include "sim/sim_time.h"

namespace zab::sim {

// The kind of a trace event: the code of one of the world's own event types
// (protocol/events/world_events.h, which gives its fields), or one of the two families below.
// The values are taken from those types so the two cannot drift apart.
enum class TraceKind : std::uint16_t {
  // process lifecycle and clocks
  kProcessStart = ev::ProcessStart::kCode,
  kCrash = ev::Crash::kCode,
  kHang = ev::Hang::kCode,
  kResume = ev::Resume::kCode,
  kClockDrift = ev::ClockDrift::kCode,
  kClockStep = ev::ClockStep::kCode,
  // connections
  kConnect = ev::Connect::kCode,
  kConnectionUp = ev::ConnectionUp::kCode,
  kConnectFailed = ev::ConnectFailed::kCode,
  kClose = ev::Close::kCode,
  kConnectionDown = ev::ConnectionDown::kCode,
  kConnectionReset = ev::ConnectionReset::kCode,
  // messages (sub = the message type, or for a drop its TraceDropReason)
  kSend = ev::Sent::kCode,
  kDeliver = ev::Delivered::kCode,
  kDrop = ev::Dropped::kCode,
  kDuplicate = ev::Duplicated::kCode,
  kReorder = ev::Reordered::kCode,
  // timers
  kTimerFired = ev::TimerFired::kCode,
  // disk
  kAppend = ev::Appended::kCode,
  kWriteFile = ev::FileWritten::kCode,
  kTruncate = ev::FileTruncated::kCode,
  kRename = ev::Renamed::kCode,
  kRemove = ev::Removed::kCode,
  kFsync = ev::Fsync::kCode,
  kFsyncDone = ev::FsyncDone::kCode,
  kCorrupt = ev::Corrupted::kCode,
  kWriteback = ev::Writeback::kCode,
  // network faults
  kLinkCut = ev::LinkCut::kCode,
  kLinkHeal = ev::LinkHeal::kCode,
  kLinkSlow = ev::LinkSlow::kCode,
  // the world itself (process 0)
  kTimeStoodStill = ev::TimeStoodStill::kCode,
  // protocol events (out::Trace): sub = the server event's code (protocol/events/)
  kProtocol = 200,
  // a note from the scenario or a test (sub = its own code; fields a, b, c, d)
  kNote = 300,
};

enum class TraceDropReason : std::uint16_t {
  kReceiverGone = 1,  // the receiving end crashed or closed before delivery
  kOutOfModel = 2,    // dropped by an out-of-model fault inside one connection
  kConnectionReset = 3,
};

struct TraceEvent {
  SimTime time;
  std::uint32_t process = 0;  // Address value of the process it happened at (0 = the world)
  TraceKind kind = TraceKind::kNote;
  std::uint16_t sub = 0;
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
};

const char* trace_kind_name(TraceKind kind);

template <class E, class V>
inline constexpr bool kIsAlternative = false;
template <class E, class... Ts>
inline constexpr bool kIsAlternative<E, std::variant<Ts...>> = (std::is_same_v<E, Ts> || ...);

// A node's event type: a server's (protocol/events/) or another node type's defined the same
// way (the toy pinger's, sim/toy/pinger_events.h); recorded in the protocol family.
template <class E>
concept NodeEventType = requires {
  E::kCode;
  E::kName;
  E::fields();
} && !kIsAlternative<E, ev::WorldEvent>;

// Whether the trace event carries an event of type E.
template <class E>
bool is_event(const TraceEvent& e) {
  if constexpr (kIsAlternative<E, ev::WorldEvent>) {
    return static_cast<std::uint16_t>(e.kind) == E::kCode;
  } else {
    static_assert(NodeEventType<E>, "an event type defined as field.h says");
    return e.kind == TraceKind::kProtocol && e.sub == E::kCode;
  }
}

// The typed event a trace event carries, or nullopt if it carries another: a node's event
// (kind kProtocol, sub its code) or one of the world's own (kind its code).
// The only way the trace's four words are read.
template <class E>
std::optional<E> event_as(const TraceEvent& e) {
  if (!is_event<E>(e)) return std::nullopt;
  return ev::from_words<E>(ev::Words{e.a, e.b, e.c, e.d});
}

// A trace event of the world's own, built from its type (the only way one is written).
template <class E>
TraceEvent world_event(SimTime time, std::uint32_t process, const E& event, std::uint16_t sub = 0) {
  static_assert(kIsAlternative<E, ev::WorldEvent>, "a world event of protocol/events/world_events.h");
  const ev::Words w = ev::to_words(event);
  return TraceEvent{.time = time, .process = process, .kind = static_cast<TraceKind>(E::kCode), .sub = sub,
                    .a = w[0], .b = w[1], .c = w[2], .d = w[3]};
}

// The recorded word of the field named `name` of the typed event the trace event carries (a
// world event, or a server's event of protocol/events/); nullopt if it has no such field.
std::optional<std::uint64_t> field_word(const TraceEvent& e, std::string_view name);

// A recordable event kind with its JSON name and field names ("" = unused): the world's own
// kinds, and through TraceKindInfo the protocol's (kind kProtocol, sub = the protocol kind).
struct EventKindInfo {
  TraceKind kind = TraceKind::kNote;
  std::uint16_t sub = 0;
  std::string name;
  std::string fields[4];
};
std::vector<EventKindInfo> world_event_kinds();
std::vector<EventKindInfo> protocol_event_kinds(std::span<const TraceKindInfo> kinds);

class Trace {
 public:
  // Whether to keep events in memory (checkers need them; a benchmark may not).
  explicit Trace(bool keep_events = true) : keep_events_(keep_events) {}

  // Records an event. `detail` (a readable description) goes only to the JSON-lines sink;
  // callers compute it only when wants_detail() says a sink is attached.
  void record(const TraceEvent& event, std::string_view detail = {});
  bool wants_detail() const { return jsonl_ != nullptr; }

  // Interns a string (a file name) and returns its id; the first use folds it into the hash.
  std::uint64_t intern(std::string_view s);
  const std::string& interned(std::uint64_t id) const;

  void set_process_name(std::uint32_t process, std::string name);
  void add_protocol_kinds(std::span<const TraceKindInfo> kinds);

  // Called with every event as it is recorded (the world's triggers watch through this).
  void set_observer(std::function<void(const TraceEvent&)> observer) { observer_ = std::move(observer); }

  // Write every later event as one JSON object per line.
  void attach_jsonl(std::ostream* out) { jsonl_ = out; }

  std::uint64_t hash() const { return hash_; }
  // The running hash after every `kCheckpointEvents` events: replay compares these to find the
  // stretch where two runs part ways.
  static constexpr std::uint64_t kCheckpointEvents = 4096;
  const std::vector<std::uint64_t>& checkpoints() const { return checkpoints_; }
  std::uint64_t event_count() const { return count_; }
  const std::vector<TraceEvent>& events() const { return events_; }

  std::string process_name(std::uint32_t process) const;
  // One event as a JSON object (the JSON-lines format, documented in the README).
  std::string to_json(const TraceEvent& event, std::string_view detail) const;

 private:
  bool keep_events_;
  std::uint64_t hash_ = 0x7a616273696d0001ULL;  // "zabsim" v1
  std::uint64_t count_ = 0;
  std::vector<TraceEvent> events_;
  std::vector<std::uint64_t> checkpoints_;
  std::vector<std::string> strings_;
  std::map<std::string, std::uint64_t, std::less<>> string_ids_;
  std::map<std::uint32_t, std::string> process_names_;
  std::map<std::uint16_t, TraceKindInfo> protocol_kinds_;
  std::ostream* jsonl_ = nullptr;
  std::function<void(const TraceEvent&)> observer_;
};

}  // namespace zab::sim
