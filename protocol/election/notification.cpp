#include "protocol/election/notification.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/codec.h"

namespace zab {

Bytes encode_notification(const Notification& n) {
  ZAB_ASSERT(n.version == kNotificationVersion, "we only ever send the current notification format");
  Writer w;
  w.i32(static_cast<std::int32_t>(n.state));
  w.u64(n.leader.value);
  w.u64(n.zxid.raw());
  w.i64(n.election_epoch);
  w.i64(n.peer_epoch);
  w.i32(n.version);
  w.string(n.config);
  Bytes bytes = w.take();
  ZAB_ASSERT(bytes.size() == kNotificationHeaderBytes + n.config.size(),
             "a version-2 notification is its 44-byte header plus the config text");
  return bytes;
}

std::optional<Notification> decode_notification(ServerId sid, std::span<const std::uint8_t> payload) {
  const std::size_t capacity = payload.size();
  if (capacity < kNotificationMinBytes) return std::nullopt;
  Reader r(payload);
  Notification n;
  n.sid = sid;
  n.state = static_cast<ServerState>(r.i32());
  n.leader = ServerId{r.u64()};
  n.zxid = Zxid::from_raw(r.u64());
  n.election_epoch = r.i64();
  n.version = 0;
  if (capacity == kNotificationMinBytes) {
    // Pre-3.4 peers sent no peerEpoch: WorkerReceiver derives it from the zxid.
    n.peer_epoch = n.zxid.epoch();
  } else {
    n.peer_epoch = r.i64();
    // A 40-byte message has a peerEpoch but no version: WorkerReceiver leaves it at 0.
    if (capacity != 40) n.version = r.i32();
  }
  if (n.version > 1) {
    const std::int32_t config_length = r.i32();
    if (config_length < 0 || static_cast<std::size_t>(config_length) > capacity) return std::nullopt;
    const Bytes config = r.raw(static_cast<std::size_t>(config_length));
    n.config.assign(config.begin(), config.end());
  }
  if (!r.ok()) return std::nullopt;  // BufferUnderflowException in WorkerReceiver
  ZAB_ASSERT(n.sid == sid, "a notification is attributed to the connection's peer, never to what it says");
  ZAB_ASSERT(n.version == 0 || capacity > 40, "only a message longer than 40 bytes carries a version");
  return n;
}

std::string describe_notification(std::span<const std::uint8_t> payload) {
  const auto n = decode_notification(ServerId{0}, payload);
  if (!n) return fmt::format("NOTIFICATION (malformed, {} bytes)", payload.size());
  return fmt::format("NOTIFICATION {} leader={} zxid=0x{} round={} peerEpoch={}", state_name(n->state),
                     n->leader.value, n->zxid.hex(), n->election_epoch, n->peer_epoch);
}

}  // namespace zab
