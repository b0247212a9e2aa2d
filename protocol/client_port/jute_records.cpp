#include "protocol/client_port/jute_records.h"

#include "protocol/base/assert.h"

namespace zab {

// Stat's record: six longs and five ints.
constexpr std::size_t kStatBytes = 6 * 8 + 5 * 4;

void write_stat(Writer& w, const Stat& s) {
  const std::size_t before = w.bytes().size();
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
  ZAB_ASSERT(w.bytes().size() - before == kStatBytes, "a Stat is written as its 68-byte jute record");
}

Stat read_stat(Reader& r) {
  const std::size_t before = r.position();
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
  ZAB_ASSERT(!r.ok() || r.position() - before == kStatBytes, "a Stat read whole is its 68-byte jute record");
  return s;
}

void write_connect_request(Writer& w, const ConnectRequest& m) {
  ZAB_ASSERT(m.password.empty() || m.password.size() == 16,
             "a session password is ZooKeeper's 16 bytes, or none for a new session");
  w.i32(m.protocol_version);
  w.u64(m.last_zxid_seen.raw());
  w.i32(m.timeout_ms);
  w.i64(m.session.value);
  w.buffer(m.password);
}

ConnectRequest read_connect_request(Reader& r) {
  ConnectRequest m;
  m.protocol_version = r.i32();
  m.last_zxid_seen = Zxid::from_raw(r.u64());
  m.timeout_ms = r.i32();
  m.session = SessionId{r.i64()};
  m.password = r.buffer().value_or(Bytes{});
  return m;
}

void write_connect_response(Writer& w, const ConnectResponse& m) {
  w.i32(m.protocol_version);
  w.i32(m.timeout_ms);
  w.i64(m.session.value);
  w.buffer(m.password);
}

ConnectResponse read_connect_response(Reader& r) {
  ConnectResponse m;
  m.protocol_version = r.i32();
  m.timeout_ms = r.i32();
  m.session = SessionId{r.i64()};
  m.password = r.buffer().value_or(Bytes{});
  return m;
}

void write_request(Writer& w, const Request& m, AclList acl) {
  const std::size_t before = w.bytes().size();
  w.i32(m.xid);
  w.i32(static_cast<std::int32_t>(m.type));
  switch (m.type) {
    case OpCode::kCreate:
      w.string(m.path);
      w.buffer(m.data);
      if (acl == AclList::kEmpty) {
        w.i32(0);
      } else {
        // One ACL: perms ALL (31) for the id ("world", "anyone").
        w.i32(1);
        w.i32(31);
        w.string("world");
        w.string("anyone");
      }
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
  ZAB_ASSERT(w.bytes().size() - before >= 8, "a request is at least its RequestHeader (xid, type)");
}

Request read_request(Reader& r) {
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
  return m;
}

void write_reply_body(Writer& w, const Reply& m) {
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

void read_reply_body(Reader& r, Reply& m) {
  ZAB_ASSERT(m.path.empty() && m.children.empty() && !m.stat, "a reply's body is read once, into an empty reply");
  if (m.err != Err::kOk) return;
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

}  // namespace zab
