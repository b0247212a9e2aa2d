#include "protocol/quorum/learner_request.h"

#include "protocol/base/assert.h"
#include "protocol/client_port/client_wire.h"

namespace zab {

Bytes encode_learner_request(const ClientRequest& request) {
  ZAB_ASSERT(is_write(request.type) || request.type == OpCode::kSync,
             "a learner forwards only writes, session changes and syncs (FollowerRequestProcessor)");
  ZAB_ASSERT(request.session.value != 0, "a forwarded request belongs to a session");
  Writer w;
  w.i64(request.session.value);
  w.i32(request.cxid);
  w.i32(static_cast<std::int32_t>(request.type));
  w.string(request.path);
  w.buffer(request.data);
  w.i32(request.version);
  w.boolean(request.ephemeral);
  w.boolean(request.sequential);
  w.i32(request.session_timeout_ms);
  // session (8), cxid, type (4 + 4), path and data (4 + 4 and their bytes), version (4),
  // ephemeral and sequential (1 + 1), timeout (4).
  ZAB_ASSERT(w.bytes().size() == 34 + request.path.size() + request.data.size(), "a forwarded request's layout is fixed");
  return w.take();
}

std::optional<ClientRequest> decode_learner_request(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  ClientRequest request;
  request.session = SessionId{r.i64()};
  request.cxid = r.i32();
  request.type = static_cast<OpCode>(r.i32());
  request.path = r.string();
  request.data = r.buffer().value_or(Bytes{});
  request.version = r.i32();
  request.ephemeral = r.boolean();
  request.sequential = r.boolean();
  request.session_timeout_ms = r.i32();
  if (!r.at_end()) return std::nullopt;
  ZAB_ASSERT(r.position() == bytes.size(), "a decoded request used every byte");
  return request;
}

Bytes encode_session_touches(const SessionTouches& touches) {
  ZAB_ASSERT(touches.size() <= 10'000'000, "the touches fit what the leader's reader accepts");
  Writer w;
  w.i32(static_cast<std::int32_t>(touches.size()));
  for (const auto& [session, timeout] : touches) {
    w.i64(session.value);
    w.i32(timeout);
  }
  ZAB_ASSERT(w.bytes().size() == 4 + 12 * touches.size(), "a touch is a session id and a timeout");
  return w.take();
}

std::optional<SessionTouches> decode_session_touches(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  SessionTouches touches;
  const std::int32_t n = r.i32();
  if (n < 0 || n > 10'000'000) return std::nullopt;
  for (std::int32_t i = 0; r.ok() && i < n; ++i) {
    const SessionId s{r.i64()};
    touches.emplace_back(s, r.i32());
  }
  if (!r.at_end()) return std::nullopt;
  ZAB_ASSERT(touches.size() == static_cast<std::size_t>(n), "every announced touch was read");
  return touches;
}

}  // namespace zab
