#include "test/protocol/node_script_inputs.h"

#include <charconv>
#include <sstream>

#include "protocol/persistence/data_dir.h"
#include "protocol/database/data_tree.h"
#include "protocol/persistence/epoch_files.h"
#include "protocol/quorum/learner_request.h"
#include "protocol/election/notification.h"
#include "protocol/election/quorum_cnx.h"
#include "protocol/persistence/snapshot.h"
#include "protocol/persistence/txn_log_file.h"

namespace zab::test {

namespace {

std::int64_t parse_number(const std::string& text) {
  std::int64_t value = 0;
  const int base = text.starts_with("0x") ? 16 : 10;
  const char* begin = text.data() + (base == 16 ? 2 : 0);
  const char* end = text.data() + text.size();
  const bool negative = base == 10 && begin != end && *begin == '-';
  if (negative) ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc{} || ptr != end || begin == end) throw ScriptError("not a number: `" + text + "`");
  return negative ? -value : value;
}

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// The tree after applying `txns` in order, serialized as a snapshot (sessions empty).
Bytes snapshot_of(const std::vector<Zxid>& txns) {
  DataTree tree;
  for (Zxid z : txns) tree.process_txn(script_txn(z));
  return serialize_snapshot({}, [&tree](Writer& w) { tree.serialize(w); });
}

}  // namespace

const std::string& Args::get(const std::string& key) const {
  auto it = named.find(key);
  if (it == named.end()) throw ScriptError("`" + command + "` needs " + key + "=");
  return it->second;
}
std::string Args::get_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? get(key) : fallback;
}
std::int64_t Args::number(const std::string& key) const { return parse_number(get(key)); }
std::int64_t Args::number_or(const std::string& key, std::int64_t fallback) const {
  return has(key) ? number(key) : fallback;
}
Zxid Args::zxid(const std::string& key) const { return parse_zxid(get(key)); }
Zxid Args::zxid_or(const std::string& key, Zxid fallback) const { return has(key) ? zxid(key) : fallback; }
const std::string& Args::word(std::size_t i) const {
  if (i >= words.size()) throw ScriptError("`" + command + "` needs more words");
  return words[i];
}

Args parse_args(const std::string& line) {
  Args args;
  std::istringstream in(line);
  std::string token;
  in >> args.command;
  while (in >> token) {
    const auto eq = token.find('=');
    if (eq == std::string::npos) {
      args.words.push_back(token);
    } else {
      args.named[token.substr(0, eq)] = token.substr(eq + 1);
    }
  }
  return args;
}

Zxid parse_zxid(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return Zxid::from_raw(static_cast<std::uint64_t>(parse_number(text)));
  return Zxid::make(static_cast<Epoch>(parse_number(text.substr(0, colon))),
                    static_cast<std::uint32_t>(parse_number(text.substr(colon + 1))));
}

std::vector<Zxid> parse_zxid_list(const std::string& text) {
  std::vector<Zxid> zxids;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto dash = item.find('-');
    if (dash == std::string::npos) {
      zxids.push_back(parse_zxid(item));
      continue;
    }
    const Zxid first = parse_zxid(item.substr(0, dash)), last = parse_zxid(item.substr(dash + 1));
    if (first.epoch() != last.epoch() || first > last) throw ScriptError("bad zxid range `" + item + "`");
    for (std::uint32_t c = first.counter(); c <= last.counter(); ++c) zxids.push_back(Zxid::make(first.epoch(), c));
  }
  return zxids;
}

Txn script_txn(Zxid zxid) {
  const std::string path = "/z" + std::to_string(zxid.epoch()) + "-" + std::to_string(zxid.counter());
  return Txn{TxnHeader{SessionId{0}, static_cast<std::int32_t>(zxid.counter()), zxid, 0, OpCode::kCreate},
             CreateTxn{path, {}, false, -1}};
}

DurableFiles data_dir(const Args& args) {
  DurableFiles files;
  const std::vector<Zxid> log = args.has("log") ? parse_zxid_list(args.get("log")) : std::vector<Zxid>{};
  if (!log.empty()) {
    Bytes bytes = encode_log_file_header();
    for (Zxid z : log) {
      const Bytes record = encode_log_record(script_txn(z));
      bytes.insert(bytes.end(), record.begin(), record.end());
    }
    files[make_log_name(log.front())] = std::move(bytes);
  }
  if (args.has("snap")) {
    const Zxid snap = args.zxid("snap");
    std::vector<Zxid> upto;
    for (Zxid z : log) {
      if (z <= snap) upto.push_back(z);
    }
    files[make_snapshot_name(snap)] = snapshot_of(upto);
  } else if (!log.empty()) {
    files[make_snapshot_name(Zxid::zero())] = snapshot_of({});
  }
  if (args.has("current-epoch")) files[std::string(kCurrentEpochFile)] = format_epoch(static_cast<Epoch>(args.number("current-epoch")));
  if (args.has("accepted-epoch")) files[std::string(kAcceptedEpochFile)] = format_epoch(static_cast<Epoch>(args.number("accepted-epoch")));
  return files;
}

QuorumPacket quorum_packet(const Args& args, ServerId from) {
  const std::string& type = args.word(0);
  const Zxid zxid = args.zxid_or("zxid", Zxid::zero());
  if (type == "FOLLOWERINFO") {
    // Learner.registerWithLeader: <acceptedEpoch, 0> and the learner's LearnerInfo.
    const auto accepted = static_cast<Epoch>(args.number_or("accepted-epoch", 0));
    return QuorumPacket{PacketType::kFollowerInfo, Zxid::make(accepted, 0), encode_learner_info(LearnerInfo{from})};
  }
  if (type == "LEADERINFO") {
    const auto epoch = static_cast<Epoch>(args.number("epoch"));
    return QuorumPacket{PacketType::kLeaderInfo, Zxid::make(epoch, 0), encode_int(0x10000)};
  }
  if (type == "ACKEPOCH") {
    // The learner's last zxid and its currentEpoch (-1: it had accepted this epoch before).
    return QuorumPacket{PacketType::kAckEpoch, zxid, encode_int(static_cast<std::int32_t>(args.number("current-epoch")))};
  }
  if (type == "ACK") return QuorumPacket{PacketType::kAck, zxid, std::nullopt};
  if (type == "PING") {
    // From a learner the reply carries its session touches; from a leader, nothing.
    if (args.get_or("dir", "reply") == "reply") return QuorumPacket{PacketType::kPing, zxid, encode_session_touches({})};
    return QuorumPacket{PacketType::kPing, zxid, std::nullopt};
  }
  if (type == "PROPOSAL") return QuorumPacket{PacketType::kProposal, zxid, encode_txn(script_txn(zxid))};
  if (type == "COMMIT") return QuorumPacket{PacketType::kCommit, zxid, std::nullopt};
  if (type == "NEWLEADER") return QuorumPacket{PacketType::kNewLeader, zxid, Bytes{}};
  if (type == "UPTODATE") return QuorumPacket{PacketType::kUpToDate, Zxid::from_raw(UINT64_MAX), std::nullopt};
  if (type == "DIFF") return QuorumPacket{PacketType::kDiff, zxid, std::nullopt};
  if (type == "TRUNC") return QuorumPacket{PacketType::kTrunc, zxid, std::nullopt};
  if (type == "SNAP") return QuorumPacket{PacketType::kSnap, zxid, std::nullopt};
  if (type == "SNAPSHOT") {
    // The serialized tree that follows SNAP: the tree after `txns=`.
    const std::vector<Zxid> txns = args.has("txns") ? parse_zxid_list(args.get("txns")) : std::vector<Zxid>{};
    return QuorumPacket{PacketType::kSnapshotData, Zxid::zero(), snapshot_of(txns)};
  }
  if (type == "SYNC") return QuorumPacket{PacketType::kSync, Zxid::zero(), std::nullopt};
  if (type == "REQUEST") {
    // Learner.request: a client's write forwarded to the leader.
    ClientRequest request;
    request.session = SessionId{args.number("session")};
    request.cxid = static_cast<std::int32_t>(args.number_or("cxid", 0));
    const std::string& op = args.get("op");
    if (op == "create-session") {
      request.type = OpCode::kCreateSession;
      request.session_timeout_ms = static_cast<std::int32_t>(args.number_or("timeout", 10000));
    } else if (op == "create") {
      request.type = OpCode::kCreate;
      request.path = args.get("path");
    } else {
      throw ScriptError("unknown REQUEST op `" + op + "`");
    }
    return QuorumPacket{PacketType::kRequest, Zxid::from_raw(UINT64_MAX), encode_learner_request(request)};
  }
  throw ScriptError("unknown quorum packet `" + type + "`");
}

Bytes election_payload(const Args& args, ServerId from) {
  const std::string& type = args.word(0);
  if (type == "INITIAL") {
    // What QuorumCnxManager's dialer sends first on a connection.
    return encode_initial_message(InitialMessage{.protocol_version = kProtocolVersionV1, .sid = from,
                                                 .election_address = "s" + std::to_string(from.value) + ":3888"});
  }
  if (type != "NOTIFICATION") throw ScriptError("unknown election message `" + type + "`");
  const std::string& state = args.get("state");
  ServerState s = ServerState::kLooking;
  if (state == "FOLLOWING") {
    s = ServerState::kFollowing;
  } else if (state == "LEADING") {
    s = ServerState::kLeading;
  } else if (state != "LOOKING") {
    throw ScriptError("unknown state `" + state + "`");
  }
  return encode_notification(Notification{.state = s,
                                          .leader = ServerId{static_cast<std::uint64_t>(args.number("leader"))},
                                          .zxid = args.zxid("zxid"),
                                          .election_epoch = args.number("round"),
                                          .peer_epoch = args.number("peer-epoch"),
                                          .config = "",
                                          .sid = from});
}

ClientMessage client_message(const Args& args) {
  const std::string& type = args.word(0);
  if (type == "CONNECT") {
    return ConnectRequest{.protocol_version = 0, .last_zxid_seen = args.zxid_or("zxid", Zxid::zero()),
                          .timeout_ms = static_cast<std::int32_t>(args.number_or("timeout", 10000)),
                          .session = SessionId{args.number_or("session", 0)}, .password = {}};
  }
  Request request;
  request.xid = static_cast<std::int32_t>(args.number_or("xid", 1));
  request.path = args.get_or("path", "");
  request.data = bytes_of(args.get_or("data", ""));
  if (type == "CREATE") {
    request.type = OpCode::kCreate;
  } else if (type == "SETDATA") {
    request.type = OpCode::kSetData;
  } else if (type == "DELETE") {
    request.type = OpCode::kDelete;
  } else if (type == "GETDATA") {
    request.type = OpCode::kGetData;
  } else if (type == "SYNC") {
    request.type = OpCode::kSync;
  } else if (type == "PING") {
    request.type = OpCode::kPing;
    request.xid = kPingXid;
  } else {
    throw ScriptError("unknown client message `" + type + "`");
  }
  return request;
}

}  // namespace zab::test
