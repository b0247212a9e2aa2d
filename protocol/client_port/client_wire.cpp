#include "protocol/client_port/client_wire.h"

#include <fmt/format.h>

#include "protocol/base/assert.h"

namespace zab {

namespace {

void write_stat(Writer& w, const Stat& s) {
  w.u64(s.czxid.raw());
  w.u64(s.mzxid.raw());
  w.i64(s.ctime_ms);
  w.i64(s.mtime_ms);
  w.i32(s.version);
  w.i32(s.cversion);
  w.i32(s.aversion);
  w.i64(s.ephemeral_owner.value);
  w.i32(s.data_length);
  w.i32(s.num_children);
  w.u64(s.pzxid.raw());
}

Stat read_stat(Reader& r) {
  Stat s;
  s.czxid = Zxid::from_raw(r.u64());
  s.mzxid = Zxid::from_raw(r.u64());
  s.ctime_ms = r.i64();
  s.mtime_ms = r.i64();
  s.version = r.i32();
  s.cversion = r.i32();
  s.aversion = r.i32();
  s.ephemeral_owner = SessionId{r.i64()};
  s.data_length = r.i32();
  s.num_children = r.i32();
  s.pzxid = Zxid::from_raw(r.u64());
  return s;
}

}  // namespace

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
          w.i32(m.protocol_version);
          w.u64(m.last_zxid_seen.raw());
          w.i32(m.timeout_ms);
          w.i64(m.session.value);
          w.buffer(m.password);
        } else if constexpr (std::is_same_v<T, ConnectResponse>) {
          w.u8(kConnectResponseTag);
          w.i32(m.protocol_version);
          w.i32(m.timeout_ms);
          w.i64(m.session.value);
          w.buffer(m.password);
        } else if constexpr (std::is_same_v<T, Request>) {
          w.u8(kRequestTag);
          w.i32(m.xid);
          w.i32(static_cast<std::int32_t>(m.type));
          switch (m.type) {
            case OpCode::kCreate:
              w.string(m.path);
              w.buffer(m.data);
              w.i32(0);  // ACL list
              w.i32(m.flags);
              break;
            case OpCode::kDelete:
              w.string(m.path);
              w.i32(m.version);
              break;
            case OpCode::kSetData:
              w.string(m.path);
              w.buffer(m.data);
              w.i32(m.version);
              break;
            case OpCode::kGetData:
            case OpCode::kExists:
            case OpCode::kGetChildren:
              w.string(m.path);
              w.boolean(m.watch);
              break;
            case OpCode::kSync:
              w.string(m.path);
              break;
            default:
              break;  // ping, closeSession: header only
          }
        } else if constexpr (std::is_same_v<T, Reply>) {
          w.u8(kReplyTag);
          w.i32(m.xid);
          w.u64(m.zxid.raw());
          w.i32(static_cast<std::int32_t>(m.err));
          w.i32(static_cast<std::int32_t>(m.type));
          if (m.err != Err::kOk) return;
          switch (m.type) {
            case OpCode::kCreate:
            case OpCode::kSync:
              w.string(m.path);
              break;
            case OpCode::kSetData:
            case OpCode::kExists:
              write_stat(w, m.stat.value_or(Stat{}));
              break;
            case OpCode::kGetData:
              w.buffer(m.data);
              write_stat(w, m.stat.value_or(Stat{}));
              break;
            case OpCode::kGetChildren:
              w.i32(static_cast<std::int32_t>(m.children.size()));
              for (const auto& c : m.children) w.string(c);
              break;
            default:
              break;
          }
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
    ConnectRequest m;
    m.protocol_version = r.i32();
    m.last_zxid_seen = Zxid::from_raw(r.u64());
    m.timeout_ms = r.i32();
    m.session = SessionId{r.i64()};
    m.password = r.buffer().value_or(Bytes{});
    result = m;
  } else if (tag == kConnectResponseTag) {
    ConnectResponse m;
    m.protocol_version = r.i32();
    m.timeout_ms = r.i32();
    m.session = SessionId{r.i64()};
    m.password = r.buffer().value_or(Bytes{});
    result = m;
  } else if (tag == kRequestTag) {
    Request m;
    m.xid = r.i32();
    m.type = static_cast<OpCode>(r.i32());
    switch (m.type) {
      case OpCode::kCreate:
        m.path = r.string();
        m.data = r.buffer().value_or(Bytes{});
        if (r.i32() != 0) r.fail("ACLs are not supported");
        m.flags = r.i32();
        break;
      case OpCode::kDelete:
        m.path = r.string();
        m.version = r.i32();
        break;
      case OpCode::kSetData:
        m.path = r.string();
        m.data = r.buffer().value_or(Bytes{});
        m.version = r.i32();
        break;
      case OpCode::kGetData:
      case OpCode::kExists:
      case OpCode::kGetChildren:
        m.path = r.string();
        m.watch = r.boolean();
        break;
      case OpCode::kSync:
        m.path = r.string();
        break;
      case OpCode::kPing:
      case OpCode::kCloseSession:
        break;
      default:
        r.fail("unknown request type");
    }
    result = m;
  } else if (tag == kReplyTag) {
    Reply m;
    m.xid = r.i32();
    m.zxid = Zxid::from_raw(r.u64());
    m.err = static_cast<Err>(r.i32());
    m.type = static_cast<OpCode>(r.i32());
    if (m.err == Err::kOk) {
      switch (m.type) {
        case OpCode::kCreate:
        case OpCode::kSync:
          m.path = r.string();
          break;
        case OpCode::kSetData:
        case OpCode::kExists:
          m.stat = read_stat(r);
          break;
        case OpCode::kGetData:
          m.data = r.buffer().value_or(Bytes{});
          m.stat = read_stat(r);
          break;
        case OpCode::kGetChildren: {
          const std::int32_t n = r.i32();
          if (n < 0 || n > 1'000'000) r.fail("unreasonable child count");
          for (std::int32_t i = 0; r.ok() && i < n; ++i) m.children.push_back(r.string());
          break;
        }
        default:
          break;
      }
    }
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
