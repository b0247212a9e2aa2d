#pragma once
// A scriptable node for the world's tests. It
// - records every input it receives, with the world time at which it got it;
// - connects at start to the peers it is given and remembers each connection by peer;
// - runs timed steps: at start it sets one timer per step, and when a step's timer fires it
//   emits whatever the step's function returns (sends, closes, disk writes...);
// - may react to any input through an optional reaction function.
// Its state lives outside the node so tests can read it, and it survives restarts.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/base/io.h"
#include "sim/world.h"

namespace zab::test {

struct Observed {
  sim::SimTime at;
  Clocks clocks;
  Input input;
};

struct ScriptState {
  std::vector<Observed> inputs;
  std::map<std::uint32_t, ConnId> conn_to;  // open connections by peer address

  template <class T>
  std::vector<const Observed*> all() const {
    std::vector<const Observed*> result;
    for (const auto& o : inputs) {
      if (std::holds_alternative<T>(o.input)) result.push_back(&o);
    }
    return result;
  }
  ConnId conn(Address peer) const { return conn_to.at(peer.value); }
};

using Outputs = std::vector<Output>;

struct Step {
  Duration after_start;
  std::function<void(ScriptState&, Outputs&)> act;
};

struct Script {
  std::vector<Address> connect_to;
  Duration connect_timeout = Duration::ms(500);
  bool listen = true;  // accept connections on port 0
  std::vector<Step> steps;
  std::function<void(ScriptState&, const Input&, Outputs&)> react;
};

class ScriptNode final : public Node {
 public:
  static constexpr std::uint64_t kStepTimerBase = 1'000'000;

  ScriptNode(const sim::World* world, std::shared_ptr<ScriptState> state, const Script* script)
      : world_(world), state_(std::move(state)), script_(script) {}

  void step(const Clocks& now, Input input, Outputs& out) override {
    if (std::holds_alternative<in::Start>(input)) {
      state_->conn_to.clear();
      if (script_->listen) out.push_back(out::Listen{0});
      for (Address p : script_->connect_to) out.push_back(out::Connect{p, 0, p.value, script_->connect_timeout});
      for (std::size_t i = 0; i < script_->steps.size(); ++i) {
        out.push_back(out::SetTimer{kStepTimerBase + i, script_->steps[i].after_start});
      }
    } else if (const auto* up = std::get_if<in::ConnectionUp>(&input)) {
      state_->conn_to[up->peer.value] = up->conn;
    } else if (const auto* down = std::get_if<in::ConnectionDown>(&input)) {
      for (auto it = state_->conn_to.begin(); it != state_->conn_to.end(); ++it) {
        if (it->second == down->conn) {
          state_->conn_to.erase(it);
          break;
        }
      }
    } else if (const auto* t = std::get_if<in::TimerFired>(&input); t && t->id >= kStepTimerBase) {
      script_->steps.at(t->id - kStepTimerBase).act(*state_, out);
    }
    if (script_->react) script_->react(*state_, input, out);
    state_->inputs.push_back(Observed{world_->now(), now, std::move(input)});
  }
  std::string describe_message(const Bytes& payload) const override {
    return std::string(payload.begin(), payload.end());
  }
  std::uint16_t message_type(const Bytes& payload) const override {
    return payload.empty() ? 0 : payload[0];
  }

 private:
  const sim::World* world_;
  std::shared_ptr<ScriptState> state_;
  const Script* script_;
};

inline Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }
inline std::string string_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

inline out::Send send_to(const ScriptState& s, Address peer, const std::string& text) {
  return out::Send{s.conn(peer), bytes_of(text)};
}

// Adds a scripted process at `address` (named "n<address>"); returns its state. The script
// must outlive the world (keep it in the test's scope before the world).
inline std::shared_ptr<ScriptState> add_script(sim::World& world, Address address, const Script& script,
                                               sim::ProcessConfig config = {}) {
  auto state = std::make_shared<ScriptState>();
  if (config.name.empty()) config.name = "n" + std::to_string(address.value);
  const Script* s = &script;
  world.add_process(address, config, [&world, state, s](const NodeContext&) {
    return std::make_unique<ScriptNode>(&world, state, s);
  });
  return state;
}

// The text of every message a node received, in order.
inline std::vector<std::string> received(const ScriptState& s) {
  std::vector<std::string> result;
  for (const auto* o : s.all<in::Message>()) result.push_back(string_of(std::get<in::Message>(o->input).payload));
  return result;
}

}  // namespace zab::test
