#pragma once
// The readable text of a server node's outputs in the golden scripts: one line per output,
// stable across runs and platforms. Messages are described by the node itself
// (Node::describe_message), trace events by the node's TraceKindInfo table with their named
// fields; timers, connections and fsyncs by names a reader can follow ("leader/tick",
// "s1:quorum") rather than the node's packed ids.

#include <cstdint>
#include <functional>
#include <string>

#include "protocol/base/io.h"
#include "protocol/quorum/quorum_peer.h"

namespace zab::test {

// How the renderer names what only the driver knows: a connection by its id.
using ConnNamer = std::function<std::string(std::uint64_t conn)>;

// "election/finalize", "leader/tick", "s1:quorum/read-timeout", "learner/connect-retry", ...
std::string timer_name(std::uint64_t id, const ConnNamer& conn_name);
// "acceptedEpoch.tmp" etc.: the port's name as scripts write it (quorum, election, client).
std::string port_name(Port port);

// One out::Trace as "trace <kind> field=value ...". Zxid fields print as 0x<hex> like the
// node's message descriptions; enum codes print by name; txn hashes are left out (a script's
// txn is named by its zxid, and the hash would change with the txn encoding, not the protocol).
std::string render_trace(const out::Trace& trace, const ConnNamer& conn_name);

}  // namespace zab::test
