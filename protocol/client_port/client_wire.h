#pragma once
// The client port's messages, in the layout of ZooKeeper's jute records (ConnectRequest,
// ConnectResponse, RequestHeader + request record, ReplyHeader + response record), each
// preceded by one tag byte that says which of the four it is (ZooKeeper frames them by
// position in the session instead). ACLs travel as empty lists; watches are out of scope, so
// the watch flag is carried and ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/base/codec.h"
#include "protocol/database/data_tree.h"
#include "protocol/base/ids.h"
#include "protocol/database/txn.h"

namespace zab {

constexpr std::uint8_t kConnectRequestTag = 'c';
constexpr std::uint8_t kConnectResponseTag = 'C';
constexpr std::uint8_t kRequestTag = 'r';
constexpr std::uint8_t kReplyTag = 'R';

constexpr std::int32_t kPingXid = -2;  // ClientCnxn's ping

struct ConnectRequest {
  std::int32_t protocol_version = 0;
  Zxid last_zxid_seen;
  std::int32_t timeout_ms = 0;
  SessionId session;  // 0: a new session
  Bytes password;     // 16 bytes; empty for a new session
  bool operator==(const ConnectRequest&) const = default;
};

struct ConnectResponse {
  std::int32_t protocol_version = 0;
  std::int32_t timeout_ms = 0;  // 0 with session 0: the session expired
  SessionId session;
  Bytes password;
  bool operator==(const ConnectResponse&) const = default;
};

// CreateMode flags (EPHEMERAL 1, SEQUENTIAL 2).
constexpr std::int32_t kCreateEphemeral = 1;
constexpr std::int32_t kCreateSequential = 2;

struct Request {
  std::int32_t xid = 0;   // the client's request number (the cxid of the txn it makes)
  OpCode type = OpCode::kPing;
  std::string path;       // create, delete, setData, getData, exists, getChildren, sync
  Bytes data;             // create, setData
  std::int32_t version = -1;  // delete, setData: the expected version, -1 = any
  std::int32_t flags = 0;     // create: CreateMode
  bool watch = false;         // reads: carried and ignored (watches are out of scope)
  bool operator==(const Request&) const = default;
};

struct Reply {
  std::int32_t xid = 0;
  Zxid zxid;  // the server's lastProcessedZxid after the request (the client's lastZxidSeen)
  Err err = Err::kOk;
  OpCode type = OpCode::kPing;  // not on the wire in ZooKeeper: the client knows it by xid;
                                // carried here so the reply decodes on its own
  std::string path;                    // create (the created path), sync
  Bytes data;                          // getData
  std::optional<Stat> stat;            // setData, getData, exists
  std::vector<std::string> children;   // getChildren
  bool operator==(const Reply&) const = default;
};

using ClientMessage = std::variant<ConnectRequest, ConnectResponse, Request, Reply>;

Bytes encode_client_message(const ClientMessage& message);
std::optional<ClientMessage> decode_client_message(std::span<const std::uint8_t> bytes);
std::string describe_client_message(const ClientMessage& message);
bool is_client_message(const Bytes& payload);

// A write goes through the leader; everything else is served by the connected server.
bool is_write(OpCode type);

}  // namespace zab
