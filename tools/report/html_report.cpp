#include "tools/report/html_report.h"

#include <fmt/format.h>

#include <deque>
#include <map>
#include <set>
#include <tuple>

#include "protocol/base/assert.h"
#include "protocol/client_port/client_wire.h"
#include "protocol/election/election.h"
#include "protocol/quorum/quorum_packet.h"
#include "protocol/base/zab_trace.h"
#include "tools/report/page/report_template.h"

namespace zab::tools {

namespace {

using sim::TraceEvent;
using sim::TraceKind;
using Json = nlohmann::ordered_json;

std::int64_t us(sim::SimTime t) { return t.ns() / 1'000; }

// Message type numbers as the trace has them (Node::message_type): quorum packets by their
// ZooKeeper number, the election's 100/101, a client message 300 + its tag byte. The group
// (0 election, 1 quorum, 2 client) decides the arrow's colour.
std::pair<std::string, int> type_name(std::uint16_t type) {
  if (type == Election::kNotificationMessageType) return {"NOTIFICATION", 0};
  if (type == Election::kInitialMessageType) return {"INITIAL", 0};
  if (type >= 300 && type < 300 + 256) {
    switch (static_cast<std::uint8_t>(type - 300)) {
      case kConnectRequestTag: return {"ConnectRequest", 2};
      case kConnectResponseTag: return {"ConnectResponse", 2};
      case kRequestTag: return {"request", 2};
      case kReplyTag: return {"reply", 2};
      default: return {fmt::format("client-{}", type - 300), 2};
    }
  }
  if (type == 0) return {"?", 1};
  return {packet_name(static_cast<PacketType>(type)), 1};
}

bool is_sync_packet(std::uint16_t type) {
  return type == static_cast<std::uint16_t>(PacketType::kDiff) || type == static_cast<std::uint16_t>(PacketType::kTrunc) ||
         type == static_cast<std::uint16_t>(PacketType::kSnap);
}

// One server's role band as it is being built.
struct LaneBand {
  ReportPhase phase = ReportPhase::kDown;
  std::int64_t start_us = 0;
  std::uint64_t epoch = 0;
};

class Extractor {
 public:
  explicit Extractor(const sim::ScenarioRun& run) : run_(run) {
    const auto& trace = run.world().trace();
    for (std::uint32_t s = 1; s <= run.scenario().servers; ++s) add_lane(s, trace.process_name(s), 0);
    for (std::uint32_t c = 0; c < run.scenario().clients.count; ++c) {
      const std::uint32_t address = sim::ScenarioRun::kFirstClientAddress + c;
      add_lane(address, trace.process_name(address), 1);
    }
    bands_state_.resize(run.scenario().servers);
  }

  Json extract(const Judgement& judgement, const Json& recovery) {
    const auto& events = run_.world().trace().events();
    end_us_ = run_.scenario().duration_ms * 1'000;
    if (!events.empty()) end_us_ = std::max(end_us_, us(events.back().time));
    for (const TraceEvent& e : events) on_event(e);
    for (std::size_t s = 0; s < bands_state_.size(); ++s) close_band(static_cast<int>(s), end_us_);
    for (auto& [lane, start] : hung_since_) push(bands_, {lane, start, end_us_, static_cast<int>(ReportPhase::kHung), 0});
    // Messages still queued at the end never arrived: in flight, or stalled behind a cut link.
    for (auto& [key, queue] : in_flight_) {
      for (std::size_t m : queue) msgs_[m * kMsgFields + 5] = static_cast<int>(MessageFate::kNeverArrived);
    }

    Json out;
    const sim::Scenario& s = run_.scenario();
    out["run"] = {{"name", s.name},
                  {"description", s.description},
                  {"seed", run_.seed()},
                  {"trace_hash", fmt::format("{:016x}", run_.world().trace_hash())},
                  {"events", run_.world().trace().event_count()},
                  {"end_us", end_us_},
                  {"servers", s.servers},
                  {"clients", s.clients.count},
                  {"tick_time_ms", s.server.tick_time_ms},
                  {"init_limit", s.server.init_limit},
                  {"sync_limit", s.server.sync_limit},
                  {"mutations", s.server.mutations.active_names()}};
    out["lanes"] = lanes_;
    Json types = Json::array();
    for (std::uint16_t t : types_seen_) {
      auto [name, group] = type_name(t);
      types.push_back(Json::array({t, name, group}));
    }
    out["types"] = std::move(types);
    // To deltas and durations (kMsgFields' comment), from the back so each sees its predecessor.
    for (std::size_t i = msgs_.size(); i >= kMsgFields; i -= kMsgFields) {
      const std::size_t m = i - kMsgFields;
      if (msgs_[m + 1] >= 0) msgs_[m + 1] -= msgs_[m];
      if (m > 0) msgs_[m] -= msgs_[m - kMsgFields];
    }
    for (std::size_t i = zx_.size(); i >= 2 * kZxidFields; i -= kZxidFields) {
      zx_[i - kZxidFields + 1] -= zx_[i - 2 * kZxidFields + 1];
    }
    out["msgs"] = std::move(msgs_);
    out["bands"] = std::move(bands_);
    out["marks"] = std::move(marks_);
    out["zx"] = std::move(zx_);
    out["ops"] = ops();
    out["faults"] = faults();
    out["verdicts"] = verdicts(judgement);
    out["recovery"] = recovery;
    return out;
  }

 private:
  void add_lane(std::uint32_t address, std::string name, int kind) {
    lane_of_[address] = static_cast<int>(lanes_.size());
    lanes_.push_back(Json::array({address, std::move(name), kind}));
  }
  int lane(std::uint64_t address) const {
    auto it = lane_of_.find(static_cast<std::uint32_t>(address));
    return it == lane_of_.end() ? -1 : it->second;
  }
  bool is_server_lane(int l) const { return l >= 0 && l < static_cast<int>(bands_state_.size()); }

  static void push(std::vector<std::int64_t>& v, std::initializer_list<std::int64_t> values) {
    v.insert(v.end(), values.begin(), values.end());
  }
  void mark(int l, std::int64_t t, ReportMark kind, std::int64_t value) {
    push(marks_, {l, t, static_cast<int>(kind), value});
  }

  void close_band(int l, std::int64_t t) {
    LaneBand& b = bands_state_[l];
    if (t > b.start_us) push(bands_, {l, b.start_us, t, static_cast<int>(b.phase), static_cast<std::int64_t>(b.epoch)});
  }
  void set_phase(int l, std::int64_t t, ReportPhase phase, std::uint64_t epoch) {
    LaneBand& b = bands_state_[l];
    if (b.phase == phase && b.epoch == epoch) return;
    close_band(l, t);
    b = LaneBand{phase, t, epoch};
  }

  // A message event's connection, the other end and the payload's hash (the world's message
  // events share these fields); `type` is the record's sub: the message type, or a drop reason.
  struct MessageRef {
    std::uint64_t conn = 0;
    std::uint32_t peer = 0;
    std::uint64_t payload_hash = 0;
    std::uint16_t type = 0;
  };
  template <class E>
  static std::optional<MessageRef> message_as(const TraceEvent& e) {
    const auto m = sim::event_as<E>(e);
    if (!m) return std::nullopt;
    return MessageRef{m->conn, static_cast<std::uint32_t>(m->peer.value), m->payload_hash, e.sub};
  }

  void on_event(const TraceEvent& e) {
    const int l = lane(e.process);
    const std::int64_t t = us(e.time);
    if (const auto m = message_as<ev::Sent>(e)) return on_send(*m, e.process, l, t);
    if (const auto m = message_as<ev::Delivered>(e)) {
      on_arrival(*m, e.process, l, t, MessageFate::kDelivered);
      // A learner's sync starts with the leader's DIFF, TRUNC or SNAP.
      if (is_server_lane(l) && bands_state_[l].phase == ReportPhase::kFollowingDiscovery && is_sync_packet(m->type)) {
        set_phase(l, t, ReportPhase::kFollowingSync, bands_state_[l].epoch);
      }
      return;
    }
    if (const auto m = message_as<ev::Dropped>(e)) return on_drop(*m, e.process, l, t);
    if (const auto m = message_as<ev::Duplicated>(e)) {
      // An out-of-model duplicate travels as a second copy of the message just sent.
      auto& q = in_flight_[{m->conn, e.process, m->peer}];
      if (!q.empty()) {
        const std::size_t i = q.back();
        std::vector<std::int64_t> copy(msgs_.begin() + static_cast<std::ptrdiff_t>(i * kMsgFields),
                                       msgs_.begin() + static_cast<std::ptrdiff_t>((i + 1) * kMsgFields));
        q.push_back(msgs_.size() / kMsgFields);
        hashes_.push_back(hashes_[i]);
        msgs_.insert(msgs_.end(), copy.begin(), copy.end());
      }
      return;
    }
    if (l < 0) return;
    const bool server = is_server_lane(l);
    if (const auto crash = sim::event_as<ev::Crash>(e)) {
      mark(l, t, ReportMark::kCrash, static_cast<std::int64_t>(crash->disk_ops_lost));
      if (server) set_phase(l, t, ReportPhase::kDown, 0);
      end_hang(l, t);
      return;
    }
    if (const auto start = sim::event_as<ev::ProcessStart>(e)) {
      mark(l, t, ReportMark::kStart, static_cast<std::int64_t>(start->incarnation));
      if (server) set_phase(l, t, ReportPhase::kLooking, bands_state_[l].epoch);
      return;
    }
    if (sim::is_event<ev::Hang>(e)) {
      mark(l, t, ReportMark::kHang, 0);
      hung_since_.emplace(l, t);
      return;
    }
    if (sim::is_event<ev::Resume>(e)) {
      mark(l, t, ReportMark::kResume, 0);
      end_hang(l, t);
      return;
    }
    if (const auto cut = sim::event_as<ev::LinkCut>(e)) return mark(lane(cut->from.value), t, ReportMark::kLinkCut, lane(cut->to.value));
    if (const auto heal = sim::event_as<ev::LinkHeal>(e)) return mark(lane(heal->from.value), t, ReportMark::kLinkHeal, lane(heal->to.value));
    if (const auto reset = sim::event_as<ev::ConnectionReset>(e)) return mark(l, t, ReportMark::kConnectionReset, lane(reset->peer.value));
    if (e.kind != TraceKind::kProtocol || !server) return;
    on_server_event(e, l, t);
  }

  void on_server_event(const TraceEvent& e, int l, std::int64_t t) {
    const ReportPhase now = bands_state_[l].phase;
    if (const auto state = sim::event_as<ev::PeerState>(e)) {
      const std::uint64_t epoch = state->current_epoch;
      if (state->state == ServerState::kLooking) set_phase(l, t, ReportPhase::kLooking, epoch);
      if (state->state == ServerState::kFollowing) set_phase(l, t, ReportPhase::kFollowingDiscovery, epoch);
      if (state->state == ServerState::kLeading) set_phase(l, t, ReportPhase::kLeadingDiscovery, epoch);
    } else if (const auto agreed = sim::event_as<ev::EpochAgreed>(e)) {
      if (now == ReportPhase::kLeadingDiscovery) set_phase(l, t, ReportPhase::kLeadingSync, agreed->epoch);
    } else if (const auto est = sim::event_as<ev::LeaderEstablished>(e)) {
      mark(l, t, ReportMark::kLeaderEstablished, est->epoch);
      set_phase(l, t, ReportPhase::kLeadingBroadcast, est->epoch);
    } else if (const auto acked = sim::event_as<ev::NewLeaderAcked>(e)) {
      mark(l, t, ReportMark::kNewLeaderAcked, acked->epoch);
      if (now == ReportPhase::kFollowingDiscovery || now == ReportPhase::kFollowingSync) {
        set_phase(l, t, ReportPhase::kFollowingSync, acked->epoch);
      }
    } else if (const auto synced = sim::event_as<ev::FollowerSynced>(e)) {
      mark(l, t, ReportMark::kFollowerSynced, synced->epoch);
      set_phase(l, t, ReportPhase::kFollowingBroadcast, synced->epoch);
    } else if (const auto down = sim::event_as<ev::LeaderShutdown>(e)) {
      mark(l, t, ReportMark::kLeaderShutdown, static_cast<std::int64_t>(down->reason));
    } else if (const auto exit = sim::event_as<ev::FollowerExit>(e)) {
      mark(l, t, ReportMark::kFollowerExit, static_cast<std::int64_t>(exit->reason));
    } else if (const auto refused = sim::event_as<ev::StartupRefused>(e)) {
      mark(l, t, ReportMark::kStartupRefused, static_cast<std::int64_t>(refused->reason));
    } else if (const auto elected = sim::event_as<ev::FleElectionFinished>(e)) {
      mark(l, t, ReportMark::kElected, static_cast<std::int64_t>(elected->leader.value));
    } else if (const auto logged = sim::event_as<ev::Logged>(e)) {
      zxid(l, t, 0, logged->zxid.raw());
    } else if (const auto committed = sim::event_as<ev::Committed>(e)) {
      zxid(l, t, 1, committed->zxid.raw());
    } else if (const auto applied = sim::event_as<ev::Applied>(e)) {
      zxid(l, t, 2, applied->zxid.raw());
    } else if (const auto truncated = sim::event_as<ev::Truncated>(e)) {
      zxid(l, t, 3, truncated->zxid.raw());
    }
  }

  void zxid(int l, std::int64_t t, int kind, std::uint64_t z) {
    push(zx_, {l, t, kind, static_cast<std::int64_t>(z >> 32), static_cast<std::int64_t>(z & 0xffffffffULL)});
  }

  void end_hang(int l, std::int64_t t) {
    auto it = hung_since_.find(l);
    if (it == hung_since_.end()) return;
    push(bands_, {l, it->second, t, static_cast<int>(ReportPhase::kHung), 0});
    hung_since_.erase(it);
  }

  void on_send(const MessageRef& m, std::uint32_t process, int from, std::int64_t t) {
    const int to = lane(m.peer);
    if (from < 0 || to < 0) return;
    types_seen_.insert(m.type);
    in_flight_[{m.conn, process, m.peer}].push_back(msgs_.size() / kMsgFields);
    hashes_.push_back(m.payload_hash);
    push(msgs_, {t, -1, from, to, m.type, static_cast<int>(MessageFate::kNeverArrived)});
  }

  // A delivery or a drop at the receiver (peer = the sender) ends the first message in flight
  // on that connection and direction with the same payload hash: in the model a direction is
  // FIFO, and the hash keeps the pairing right across out-of-model reorders.
  void on_arrival(const MessageRef& m, std::uint32_t process, int to, std::int64_t t, MessageFate fate) {
    if (to < 0) return;
    auto it = in_flight_.find({m.conn, m.peer, process});
    if (it == in_flight_.end()) return;
    auto& q = it->second;
    for (auto i = q.begin(); i != q.end(); ++i) {
      if (hashes_[*i] != m.payload_hash) continue;
      msgs_[*i * kMsgFields + 1] = t;
      msgs_[*i * kMsgFields + 5] = static_cast<int>(fate);
      q.erase(i);
      return;
    }
  }

  void on_drop(const MessageRef& m, std::uint32_t process, int l, std::int64_t t) {
    if (m.type == static_cast<std::uint16_t>(sim::TraceDropReason::kOutOfModel)) {
      // Recorded at the sender right after its send: the newest message on that direction.
      auto it = in_flight_.find({m.conn, process, m.peer});
      if (it == in_flight_.end() || it->second.empty()) return;
      const std::size_t i = it->second.back();
      msgs_[i * kMsgFields + 1] = t;
      msgs_[i * kMsgFields + 5] = static_cast<int>(MessageFate::kDropped);
      it->second.pop_back();
      return;
    }
    on_arrival(m, process, l, t, MessageFate::kDropped);  // at the receiver: it was gone or reset
  }

  Json ops() const {
    std::vector<std::int64_t> out;
    std::int64_t previous_us = 0;
    for (const sim::HistoryOp& op : run_.history().ops()) {
      const int l = lane(op.client);
      if (l < 0) continue;
      ZAB_ASSERT(us(op.invoke) >= previous_us, "the history lists operations in invocation order");
      push(out, {l, us(op.invoke) - previous_us, op.complete ? us(*op.complete) - us(op.invoke) : -1,
                 static_cast<int>(op.outcome), is_write(op.request.type) ? 1 : 0, lane(op.server),
                 static_cast<std::int64_t>(op.id)});
      previous_us = us(op.invoke);
    }
    return out;
  }

  Json faults() const {
    Json out = Json::array();
    for (const sim::FiredFault& f : run_.fired()) {
      Json lanes = Json::array();
      for (std::uint32_t target : f.targets) {
        if (lane(target) >= 0) lanes.push_back(lane(target));
      }
      out.push_back({{"t_us", us(f.at)},
                     {"kind", sim::fault_kind_name(f.fault->kind)},
                     {"text", f.description},
                     {"lanes", std::move(lanes)},
                     {"skipped", f.skipped}});
    }
    return out;
  }

  Json verdicts(const Judgement& judgement) const {
    Json out = Json::array();
    for (const check::CheckResult& r : judgement.results) {
      Json violations = Json::array();
      for (const check::Violation& v : r.violations) {
        Json points = Json::array();
        for (const check::WitnessPoint& p : v.points) {
          points.push_back(Json::array({p.process == 0 ? -1 : lane(p.process), p.t_ns / 1'000, p.zxid >> 32,
                                        p.zxid & 0xffffffffULL, p.what}));
        }
        violations.push_back({{"property", v.property},
                              {"t_us", v.t_ns / 1'000},
                              {"witness", v.witness},
                              {"points", std::move(points)}});
      }
      out.push_back({{"checker", r.checker},
                     {"verdict", check::verdict_name(r.verdict)},
                     {"ok", r.ok()},
                     {"note", r.note},
                     {"suppressed", r.suppressed},
                     {"violations", std::move(violations)}});
    }
    return out;
  }

  const sim::ScenarioRun& run_;
  std::int64_t end_us_ = 0;
  Json lanes_ = Json::array();
  std::map<std::uint32_t, int> lane_of_;
  std::vector<LaneBand> bands_state_;
  std::map<int, std::int64_t> hung_since_;
  std::set<std::uint16_t> types_seen_;
  // (conn, from address, to address) -> the indices of its messages in flight, in send order.
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, std::deque<std::size_t>> in_flight_;
  std::vector<std::uint64_t> hashes_;  // per message: its payload hash, to pair the arrival
  std::vector<std::int64_t> msgs_, bands_, marks_, zx_;
};

}  // namespace

Json report_data(const sim::ScenarioRun& run, const Judgement& judgement, const Json& recovery) {
  return Extractor(run).extract(judgement, recovery);
}

std::string render_html_report(const Json& data) {
  const std::string_view page = report_template();
  static constexpr std::string_view kSlot = "/*ZABSIM_REPORT_DATA*/null";
  const std::size_t at = page.find(kSlot);
  ZAB_ASSERT(at != std::string_view::npos, "the report template has the data slot");
  // The data sits inside a <script>: "</" must not close it early.
  std::string json = data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string safe;
  safe.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += json[i];
    }
  }
  std::string out;
  out.reserve(page.size() + safe.size());
  out.append(page.substr(0, at));
  out.append(safe);
  out.append(page.substr(at + kSlot.size()));
  return out;
}

}  // namespace zab::tools
