#pragma once
// QuorumCnxManager: the election port's connections, as ZooKeeper 3.8.0 keeps them
// (protocol/notes/fle.md §5). Sans-IO: the embedding node routes the election port's inputs
// here and carries out what is appended to its output vector.
//
// What it does, in ZooKeeper's terms:
// - toSend(sid, m): a message to ourselves goes straight into the receive queue (loopback);
//   any other goes into that peer's send queue of capacity 1, which drops the older message
//   (CircularBlockingQueue, SEND_CAPACITY), and connectOne(sid) is called.
// - connectOne(sid): nothing if a SendWorker (an established connection) exists for sid or an
//   attempt is already in progress (inprogressConnections); else dial the peer's election port
//   with the connect timeout cnxTO. There is no retry timer: a failed attempt is retried only
//   when something is sent to that peer again, on connectAll, or when the peer dials us.
// - Only the connection dialed by the larger sid survives. A dialer always sends its initial
//   message (protocol version, its sid, its election address) first. If it dialed a larger sid
//   it then hangs up; the larger side reads the initial message, tears down any connection it
//   has to that sid, and dials back (QuorumCnxManager.startConnection / handleConnection).
// - On every connection that becomes the peer's SendWorker, the message still queued for the
//   peer is sent; if none is queued, lastMessageSent[sid] is sent again (SendWorker.run), so a
//   message lost with a broken connection reaches the peer once it is reconnected.
// - A connection that breaks is forgotten; nothing reconnects by itself (§5.5).
// - haveDelivered(): true as soon as ANY send queue is empty — 3.8.0's behaviour, although its
//   comment says "all" (ZOOKEEPER-4605 fixed this after every 3.8 release; fle.md §5.8).
//
// Received messages are handed out one per input, as WorkerReceiver takes them from recvQueue
// (capacity 100, drops the oldest). A loopback message is delivered asynchronously, through a
// zero-length timer, so that a server counts its own vote only when it comes back around, as
// in ZooKeeper. While that queue holds messages, network messages queue behind them: order
// is kept.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "protocol/base/config.h"
#include "protocol/base/io.h"
#include "protocol/base/timers.h"
#include "protocol/base/zab_trace.h"

namespace zab {

// A message from a peer's election port (or from ourselves), for FLE's WorkerReceiver.
struct ElectionMessage {
  ServerId sid;  // the sender, as the connection's initial message named it
  Bytes payload;
};

// The initial message of an election connection (QuorumCnxManager.InitialMessage).
struct InitialMessage {
  std::int64_t protocol_version = 0;  // PROTOCOL_VERSION_V1, or >= 0 for a bare old-style sid
  ServerId sid;
  std::string election_address;  // "host:port"
};
inline constexpr std::int64_t kProtocolVersionV1 = -65536;  // QuorumCnxManager.PROTOCOL_VERSION_V1
inline constexpr std::int64_t kProtocolVersionV2 = -65535;  // multiAddress.enabled (unused here)
Bytes encode_initial_message(const InitialMessage& m);
// InitialMessage.parse: a negative value other than V1/V2, or an address length outside
// 1..2048, is an error (nullopt). A non-negative first long is a bare sid (pre-3.5 peers).
std::optional<InitialMessage> decode_initial_message(std::span<const std::uint8_t> payload);

class QuorumCnxManager {
 public:
  static constexpr std::size_t kSendCapacity = 1;                   // SEND_CAPACITY
  static constexpr std::size_t kRecvCapacity = 100;                 // RECV_CAPACITY
  static constexpr std::size_t kPacketMaxBytes = 512 * 1024;        // PACKETMAXSIZE
  static constexpr std::size_t kMaxInitialAddressBytes = 2048;      // InitialMessage maxBuffer

  explicit QuorumCnxManager(const ServerConfig& config);

  // --- routing: which inputs are ours ---
  // out::Connect tags we use: the kCnxManager space with the peer's sid in the low bits.
  static std::uint64_t connect_tag(ServerId sid) { return timer_id(TimerSpace::kCnxManager, sid.value); }
  static bool is_connect_tag(std::uint64_t tag) { return timer_space(tag) == TimerSpace::kCnxManager; }
  // The timer that hands out queued received messages (kCnxManager space, local 0).
  static constexpr std::uint64_t kRecvTimerId = timer_id(TimerSpace::kCnxManager, 0);
  // Is `conn` an election connection we still hold (ConnectionDown and Message route here)?
  bool owns(ConnId conn) const { return connections_.contains(conn); }

  // --- inputs ---
  // Any in::ConnectionUp with port kElectionPort, dialed by us or accepted.
  void on_connection_up(const in::ConnectionUp& up, std::vector<Output>& out);
  // An in::ConnectFailed whose tag is_connect_tag.
  void on_connect_failed(const in::ConnectFailed& failed, std::vector<Output>& out);
  void on_connection_down(const in::ConnectionDown& down, std::vector<Output>& out);
  // A message on one of our connections: at most one message for WorkerReceiver comes out.
  std::optional<ElectionMessage> on_message(const in::Message& message, std::vector<Output>& out);
  // kRecvTimerId fired: the next queued received message, if any.
  std::optional<ElectionMessage> on_recv_timer(std::vector<Output>& out);

  // --- what FastLeaderElection calls ---
  void to_send(ServerId sid, Bytes payload, std::vector<Output>& out);
  void connect_all(std::vector<Output>& out);
  bool have_delivered() const;

  // --- observation, for tests and the node's invariants ---
  std::vector<ServerId> connected_peers() const;  // sids with a SendWorker, ascending
  bool has_queued(ServerId sid) const;            // a message waits in sid's send queue
  std::size_t recv_queue_size() const { return recv_queue_.size(); }
  // senderWorkerMap, the connections and the queues agree; checked by the node after every step.
  void check_invariants() const;

 private:
  enum class ConnState : std::uint8_t {
    kAwaitingInitialMessage,  // accepted; the dialer's initial message has not arrived yet
    kWorking,                 // SendWorker and RecvWorker run on it: it is senderWorkerMap[sid]
    kIgnored,                 // the dialer claimed our own sid; ZooKeeper leaves it open, unread
  };
  struct Connection {
    ServerId sid;  // the peer (0 until an accepted connection's initial message names it)
    bool dialed_by_us = false;
    ConnState state = ConnState::kAwaitingInitialMessage;
  };

  void connect_one(ServerId sid, std::vector<Output>& out);
  void start_workers(ServerId sid, ConnId conn, bool dialed_by_us, std::vector<Output>& out);
  void finish_worker(ServerId sid, std::vector<Output>& out);
  void drain_send_queue(ServerId sid, std::vector<Output>& out);
  void add_to_recv_queue(ElectionMessage message, std::vector<Output>& out);
  template <class E>
  static void emit(std::vector<Output>& out, const E& event) {
    out.push_back(trace_of(event));
  }

  ServerId my_sid_;
  std::vector<ServerId> voters_;  // whom connectOne can reach (the committed view)
  Duration cnx_timeout_;          // cnxTO: an attempt's connect timeout
  Bytes initial_message_;         // what we send first on every connection we dial

  std::map<ConnId, Connection> connections_;          // every election connection we hold
  std::map<ServerId, ConnId> sender_worker_;          // senderWorkerMap: the live connection per peer
  std::set<ServerId> in_progress_;                    // inprogressConnections: dials under way
  std::map<ServerId, std::optional<Bytes>> queue_send_;  // queueSendMap (capacity 1); never shrinks
  std::map<ServerId, Bytes> last_message_sent_;       // lastMessageSent; never cleared
  std::deque<ElectionMessage> recv_queue_;            // recvQueue: loopbacks and what queued behind them
  bool recv_timer_set_ = false;                       // kRecvTimerId is pending
};

}  // namespace zab
