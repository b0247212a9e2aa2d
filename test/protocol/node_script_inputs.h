#pragma once
// What a golden script's command line says, turned into the protocol's own values: the words of
// the line, zxids, the txns a script's histories are made of, a data directory to start from,
// and the payloads a peer or a client sends — each built with protocol/'s encoders, never by
// hand, so the scripts exercise the real wire formats.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/client_port/client_wire.h"
#include "protocol/base/ids.h"
#include "protocol/base/io.h"
#include "protocol/quorum/quorum_packet.h"
#include "protocol/database/txn.h"

namespace zab::test {

// A mistake in a script (unknown command, missing or bad argument): the test fails naming the
// script's line, it is never silently skipped.
struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `cmd word word key=value key=value`: the command, its bare words, its named arguments.
struct Args {
  std::string command;
  std::vector<std::string> words;
  std::map<std::string, std::string> named;

  bool has(const std::string& key) const { return named.contains(key); }
  const std::string& get(const std::string& key) const;  // ScriptError if absent
  std::string get_or(const std::string& key, const std::string& fallback) const;
  std::int64_t number(const std::string& key) const;
  std::int64_t number_or(const std::string& key, std::int64_t fallback) const;
  Zxid zxid(const std::string& key) const;
  Zxid zxid_or(const std::string& key, Zxid fallback) const;
  const std::string& word(std::size_t i) const;  // ScriptError if absent
};
Args parse_args(const std::string& line);

// "0x100000002" (as the node's own descriptions print zxids) or "1:2" (epoch:counter).
Zxid parse_zxid(const std::string& text);
// "0x100000001-0x100000003,0x200000001": single zxids and ranges within one epoch, in order.
std::vector<Zxid> parse_zxid_list(const std::string& text);

// The txn a script's history holds at `zxid`: a create of "/z<epoch>-<counter>" by session 0,
// so every txn is distinct and names its own zxid.
Txn script_txn(Zxid zxid);

// A data directory (the files in::Start hands the node): `log=` txns in one log file,
// `snap=` a snapshot of the tree after the log's txns up to that zxid (snapshot.0 of the empty
// tree when a log is given without one, as every server wrote at its first start), and the
// epoch files `current-epoch=` / `accepted-epoch=` when given.
DurableFiles data_dir(const Args& args);

// A quorum packet from args.word(0) (FOLLOWERINFO, LEADERINFO, ACKEPOCH, ACK, PING, PROPOSAL,
// COMMIT, NEWLEADER, UPTODATE, DIFF, TRUNC, SNAP, SNAPSHOT, REQUEST, SYNC), sent by `from`.
QuorumPacket quorum_packet(const Args& args, ServerId from);
// An election message from args.word(0): NOTIFICATION or INITIAL, sent by `from`.
Bytes election_payload(const Args& args, ServerId from);
// A client message from args.word(0): CONNECT, or a request (CREATE, SETDATA, DELETE, GETDATA,
// SYNC, PING).
ClientMessage client_message(const Args& args);

}  // namespace zab::test
