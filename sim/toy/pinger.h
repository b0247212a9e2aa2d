#pragma once
// A toy protocol for exercising the world without ZAB: every node connects to its peers,
// sends PING n on each connection every ping interval, and a node that receives a PING makes
// a durable record of it (append + fsync) before answering ACK n. At start it reports how many
// whole records its log holds. Used by the world's tests and the pre-ZAB demo; never by ZAB.

#include <cstdint>
#include <map>
#include <vector>

#include "protocol/base/io.h"
#include "sim/toy/pinger_events.h"  // what it reports

namespace zab::toy {

struct PingerConfig {
  std::vector<Address> peers;
  Duration ping_interval = Duration::ms(100);
  Duration reconnect_delay = Duration::ms(50);
  Duration connect_timeout = Duration::ms(500);
};

class Pinger final : public Node {
 public:
  static constexpr std::size_t kRecordBytes = 16;  // [peer u32][ping u64][checksum u32]

  Pinger(NodeContext context, PingerConfig config);
  void step(const Clocks& now, Input input, std::vector<Output>& out) override;
  std::string describe_message(const Bytes& payload) const override;
  std::uint16_t message_type(const Bytes& payload) const override;

 private:
  enum Timer : std::uint64_t { kPingTimer = 1, kReconnectBase = 100 };
  void connect(Address peer, std::vector<Output>& out);

  NodeContext context_;
  PingerConfig config_;
  std::map<std::uint64_t, Address> conns_;          // open connections and their peer
  std::map<std::uint32_t, bool> connecting_;        // peer -> an attempt is under way
  std::map<std::uint64_t, std::pair<Address, ConnId>> unacked_;  // fsync tag -> who to ACK
  std::map<std::uint64_t, std::uint64_t> ping_of_tag_;           // fsync tag -> ping number
  std::uint64_t next_ping_ = 1;
  std::uint64_t next_tag_ = 1;
};

}  // namespace zab::toy
