#include "protocol/client_port/client_wire.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"
#include "protocol/client_port/jute_records.h"

namespace zab {

bool is_write(OpCode type) {
  return type == OpCode::kCreate || type == OpCode::kDelete || type == OpCode::kSetData ||
         type == OpCode::kCloseSession || type == OpCode::kCreateSession;
}

bool is_client_message(const Bytes& payload) {
  if (payload.empty()) return false;
  const std::uint8_t t = payload[0];
  return t == kConnectRequestTag || t == kConnectResponseTag || t == kRequestTag || t == kReplyTag;
}

Bytes encode_client_message(const ClientMessage& message) {
  Writer w;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ConnectRequest>) {
          w.u8(kConnectRequestTag);
          write_connect_request(w, m);
        } else if constexpr (std::is_same_v<T, ConnectResponse>) {
          w.u8(kConnectResponseTag);
          write_connect_response(w, m);
        } else if constexpr (std::is_same_v<T, Request>) {
          w.u8(kRequestTag);
          write_request(w, m, AclList::kEmpty);
        } else if constexpr (std::is_same_v<T, Reply>) {
          w.u8(kReplyTag);
          w.i32(m.xid);
          w.u64(m.zxid.raw());
          w.i32(static_cast<std::int32_t>(m.err));
          w.i32(static_cast<std::int32_t>(m.type));  // not on ZooKeeper's wire (see Reply::type)
          write_reply_body(w, m);
        }
      },
      message);
  ZAB_ASSERT(is_client_message(w.bytes()), "an encoded client message starts with one of the four client tags");
  return w.take();
}

std::optional<ClientMessage> decode_client_message(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  const std::uint8_t tag = r.u8();
  ClientMessage result;
  if (tag == kConnectRequestTag) {
    result = read_connect_request(r);
  } else if (tag == kConnectResponseTag) {
    result = read_connect_response(r);
  } else if (tag == kRequestTag) {
    result = read_request(r);
  } else if (tag == kReplyTag) {
    Reply m;
    m.xid = r.i32();
    m.zxid = Zxid::from_raw(r.u64());
    m.err = static_cast<Err>(r.i32());
    m.type = static_cast<OpCode>(r.i32());
    read_reply_body(r, m);
    result = m;
  } else {
    return std::nullopt;
  }
  if (!r.at_end()) return std::nullopt;
  ZAB_ASSERT(r.position() == bytes.size(), "a decoded client message used every byte");
  ZAB_ASSERT(result.index() == 0 ? tag == kConnectRequestTag : tag != kConnectRequestTag,
             "the decoded message is the kind its tag names");
  return result;
}

std::string describe_client_message(const ClientMessage& message) {
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ConnectRequest>) {
          return fmt::format("ConnectRequest session=0x{:x} lastZxidSeen=0x{}", static_cast<std::uint64_t>(m.session.value),
                             m.last_zxid_seen.hex());
        } else if constexpr (std::is_same_v<T, ConnectResponse>) {
          return fmt::format("ConnectResponse session=0x{:x} timeout={}ms", static_cast<std::uint64_t>(m.session.value),
                             m.timeout_ms);
        } else if constexpr (std::is_same_v<T, Request>) {
          return fmt::format("{} xid={} {}", op_name(m.type), m.xid, m.path);
        } else {
          return fmt::format("reply xid={} {} zxid=0x{} {}", m.xid, op_name(m.type), m.zxid.hex(), err_name(m.err));
        }
      },
      message);
}

}  // namespace zab
