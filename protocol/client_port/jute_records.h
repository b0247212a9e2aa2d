#pragma once
// ZooKeeper's client-protocol records in jute's layout (ConnectRequest, ConnectResponse,
// RequestHeader and the request records, ReplyHeader's fields and the response records, Stat),
// written and read once, for two wires: the simulated client port's (client_wire.h: one tag
// byte per message) and a real ZooKeeper's (tools/real: each message framed by its length).

#include <cstdint>

#include "protocol/base/codec.h"
#include "protocol/client_port/client_wire.h"

namespace zab {

// A create's ACL list: the simulation has no ACLs and sends none; a real server refuses an
// empty list (InvalidACL), so a real client sends ZooDefs.Ids.OPEN_ACL_UNSAFE.
enum class AclList : std::uint8_t { kEmpty, kOpenUnsafe };

void write_stat(Writer& w, const Stat& s);
Stat read_stat(Reader& r);

void write_connect_request(Writer& w, const ConnectRequest& m);
ConnectRequest read_connect_request(Reader& r);
void write_connect_response(Writer& w, const ConnectResponse& m);
ConnectResponse read_connect_response(Reader& r);

// RequestHeader (xid, type) and the request's record.
void write_request(Writer& w, const Request& m, AclList acl);
// Reads what write_request(..., kEmpty) wrote; a non-empty ACL list fails the reader.
Request read_request(Reader& r);

// The response record that follows ReplyHeader (xid, zxid, err), for a reply whose type and
// err are set; nothing when err is not kOk.
void write_reply_body(Writer& w, const Reply& m);
void read_reply_body(Reader& r, Reply& m);

}  // namespace zab
