#include "sim/toy/pinger.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/base/zab_trace.h"
#include "protocol/events/events.h"

namespace zab::toy {

std::span<const TraceKindInfo> pinger_trace_kinds() {
  static const std::vector<TraceKindInfo> kinds = trace_kinds_of<PingerEvent>();
  return kinds;
}

namespace {
constexpr std::uint8_t kPing = 1;
constexpr std::uint8_t kAck = 2;

Bytes encode(std::uint8_t type, std::uint64_t n) {
  Bytes b(9);
  b[0] = type;
  for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return b;
}
std::uint64_t decode_u64(const Bytes& b, std::size_t at) {
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return n;
}
std::uint32_t checksum(std::uint32_t peer, std::uint64_t ping) {
  return static_cast<std::uint32_t>((peer * 2654435761u) ^ (ping * 0x9e3779b97f4a7c15ULL >> 17));
}
}  // namespace

Pinger::Pinger(NodeContext context, PingerConfig config) : context_(context), config_(std::move(config)) {}

std::uint16_t Pinger::message_type(const Bytes& payload) const {
  return payload.empty() ? 0 : payload[0];
}

std::string Pinger::describe_message(const Bytes& payload) const {
  if (payload.size() != 9) return "?";
  return fmt::format("{} {}", payload[0] == kPing ? "PING" : "ACK", decode_u64(payload, 1));
}

void Pinger::connect(Address peer, std::vector<Output>& out) {
  if (connecting_[peer.value]) return;
  connecting_[peer.value] = true;
  out.push_back(out::Connect{peer, 0, peer.value, config_.connect_timeout});
}

void Pinger::step(const Clocks&, Input input, std::vector<Output>& out) {
  std::visit(
      [&](auto& in) {
        using T = std::decay_t<decltype(in)>;
        if constexpr (std::is_same_v<T, in::Start>) {
          // Count whole records with a valid checksum; a torn tail is ignored, like a log
          // reader that stops at the first bad record.
          std::uint64_t records = 0;
          std::uint64_t torn = 0;
          auto it = in.files.find("log");
          if (it != in.files.end()) {
            const Bytes& log = it->second;
            std::size_t at = 0;
            for (; at + kRecordBytes <= log.size(); at += kRecordBytes) {
              std::uint32_t peer = 0, sum = 0;
              for (int i = 0; i < 4; ++i) peer |= static_cast<std::uint32_t>(log[at + i]) << (8 * i);
              for (int i = 0; i < 4; ++i) sum |= static_cast<std::uint32_t>(log[at + 12 + i]) << (8 * i);
              if (sum != checksum(peer, decode_u64(log, at + 4))) break;
              ++records;
            }
            torn = log.size() - at;
          }
          out.push_back(trace_of(Recovered{records, torn}));
          out.push_back(out::Listen{0});
          for (Address peer : config_.peers) connect(peer, out);
          out.push_back(out::SetTimer{kPingTimer, config_.ping_interval});
        } else if constexpr (std::is_same_v<T, in::ConnectionUp>) {
          if (in.initiated_by_us) connecting_[in.peer.value] = false;
          conns_[in.conn.value] = in.peer;
          out.push_back(trace_of(PeerUp{in.peer.value, in.conn.value}));
        } else if constexpr (std::is_same_v<T, in::ConnectFailed>) {
          connecting_[in.peer.value] = false;
          out.push_back(trace_of(ConnectFailed{in.peer.value}));
          out.push_back(out::SetTimer{kReconnectBase + in.peer.value, config_.reconnect_delay});
        } else if constexpr (std::is_same_v<T, in::ConnectionDown>) {
          auto it = conns_.find(in.conn.value);
          ZAB_ASSERT(it != conns_.end(), "a connection that goes down was up");
          const Address peer = it->second;
          conns_.erase(it);
          out.push_back(trace_of(PeerDown{peer.value, in.conn.value}));
          // Reconnect only to configured peers (the side that initiated).
          for (Address p : config_.peers) {
            if (p == peer) out.push_back(out::SetTimer{kReconnectBase + peer.value, config_.reconnect_delay});
          }
        } else if constexpr (std::is_same_v<T, in::Message>) {
          ZAB_ASSERT(in.payload.size() == 9, "toy messages are 9 bytes");
          const Address peer = conns_.at(in.conn.value);
          const std::uint64_t n = decode_u64(in.payload, 1);
          if (in.payload[0] == kPing) {
            out.push_back(trace_of(PingReceived{peer.value, n}));
            Bytes record(kRecordBytes);
            for (int i = 0; i < 4; ++i) record[i] = static_cast<std::uint8_t>(peer.value >> (8 * i));
            for (int i = 0; i < 8; ++i) record[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
            const std::uint32_t sum = checksum(peer.value, n);
            for (int i = 0; i < 4; ++i) record[12 + i] = static_cast<std::uint8_t>(sum >> (8 * i));
            out.push_back(out::Append{"log", std::move(record)});
            // ACK only once the record is durable: the fsync's tag says which PING it was.
            const std::uint64_t tag = next_tag_++;
            unacked_[tag] = {peer, in.conn};
            ping_of_tag_[tag] = n;
            out.push_back(out::Fsync{"log", tag});
          } else {
            out.push_back(trace_of(AckReceived{peer.value, n}));
          }
        } else if constexpr (std::is_same_v<T, in::TimerFired>) {
          if (in.id == kPingTimer) {
            for (const auto& [conn, peer] : conns_) {
              out.push_back(out::Send{ConnId{conn}, encode(kPing, next_ping_)});
            }
            ++next_ping_;
            out.push_back(out::SetTimer{kPingTimer, config_.ping_interval});
          } else {
            connect(Address{static_cast<std::uint32_t>(in.id - kReconnectBase)}, out);
          }
        } else if constexpr (std::is_same_v<T, in::FsyncDone>) {
          auto it = unacked_.find(in.tag);
          ZAB_ASSERT(it != unacked_.end(), "every fsync the pinger asks for is for one PING");
          const auto [peer, conn] = it->second;
          const std::uint64_t n = ping_of_tag_.at(in.tag);
          unacked_.erase(it);
          ping_of_tag_.erase(in.tag);
          if (conns_.contains(conn.value)) out.push_back(out::Send{conn, encode(kAck, n)});
          out.push_back(trace_of(AckSent{peer.value, n}));
        }
      },
      input);
}

}  // namespace zab::toy
