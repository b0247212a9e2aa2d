#pragma once
// The survivor probe: the recovery figure a user sees after a crash or a hang, "when does a
// write go through again", measured without any client library's back-off. It is the
// simulated twin of `zabsim real`'s probe (tools/real/real_run.cpp), with the same policy:
//  * a try every `period` (the next starts `period` after the previous one started, or when it
//    ended if that is later);
//  * a try walks the surviving servers in sid order: a fresh session (TCP connect, then the
//    handshake, each given `connect_timeout`); a server that cannot be reached or does not
//    serve (it closes the connection, as a LOOKING server does) passes the try to the next;
//  * the first server that grants a session gets one sequential create, given
//    `request_timeout`; an answer other than ok (or none) ends the try;
//  * the first ok create ends the probe (its session is closed).
// Its operations go into the run's history like any client's, so the checkers judge them too.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/base/io.h"
#include "protocol/client_port/client_wire.h"
#include "sim/client/history.h"

namespace zab::sim {

class World;

struct ProbeConfig {
  std::vector<Address> survivors;  // tried in this order in each try
  std::int32_t session_timeout_ms = 10'000;
  Duration period = Duration::ms(100);
  Duration connect_timeout = Duration::ms(300);
  Duration request_timeout = Duration::ms(2000);
};

class SurvivorProbe final : public Node {
 public:
  SurvivorProbe(const NodeContext& context, ProbeConfig config, History* history, const World* world);

  void step(const Clocks& now, Input input, std::vector<Output>& out) override;
  std::string describe_message(const Bytes& payload) const override;
  std::uint16_t message_type(const Bytes& payload) const override;

 private:
  enum Timer : std::uint64_t { kNextTry = 1, kWait = 2 };
  enum class State : std::uint8_t { kBetweenTries, kConnecting, kHandshake, kWriting, kDone };

  void begin_try(std::vector<Output>& out);
  void try_candidate(std::vector<Output>& out);
  void next_candidate(std::vector<Output>& out);
  void end_try(std::vector<Output>& out);
  void drop_connection(std::vector<Output>& out);
  void give_up_write(std::vector<Output>& out);
  void on_message(const ClientMessage& message, std::vector<Output>& out);

  NodeContext context_;
  ProbeConfig config_;
  History* history_;
  const World* world_;
  State state_ = State::kBetweenTries;
  std::size_t candidate_ = 0;
  std::optional<ConnId> conn_;
  SimTime try_started_;
  std::uint64_t writes_ = 0;
  std::uint64_t history_id_ = 0;  // the create in flight
};

}  // namespace zab::sim
