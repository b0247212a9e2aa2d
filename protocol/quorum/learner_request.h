#pragma once
// The data of the quorum packets that carry client business between a learner and its leader:
// a REQUEST's forwarded client request (Learner.request: sessionId, cxid, type, then the
// request), and a PING reply's session touches (Learner.ping: sessionId and timeout pairs).

#include <optional>
#include <utility>
#include <vector>

#include "protocol/client_port/prep_request.h"

namespace zab {

Bytes encode_learner_request(const ClientRequest& request);
std::optional<ClientRequest> decode_learner_request(std::span<const std::uint8_t> bytes);

using SessionTouches = std::vector<std::pair<SessionId, std::int32_t>>;
Bytes encode_session_touches(const SessionTouches& touches);
std::optional<SessionTouches> decode_session_touches(std::span<const std::uint8_t> bytes);

}  // namespace zab
