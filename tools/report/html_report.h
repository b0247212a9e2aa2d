#pragma once
// `zabsim report`: a run as one self-contained HTML page — a space-time diagram with one lane
// per server and per client, the messages as arrows, roles and ZAB phases as bands, faults,
// recovery phases, and every checker's verdict with its witness highlighted.
//
// Two steps, so the tests can check the first without a browser: report_data() extracts what
// the page draws from a finished run into compact JSON (flat number arrays, a few objects),
// and render_html_report() puts that JSON into the page template (tools/report/page/report.html,
// embedded into the binary at build time).

#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/runner.h"
#include "tools/run/judge.h"

namespace zab::tools {

// Record widths of the flat arrays in report_data(); the page reads them with the same strides.
// The three long arrays keep the page small: their time is a delta from the previous record's
// (they are in time order), and an end is a duration (-1: never).
inline constexpr int kMsgFields = 6;   // msgs: Δsend_us, flight_us (-1 never), from lane, to lane, type, fate
inline constexpr int kBandFields = 5;  // bands: lane, start_us, end_us, phase (ReportPhase), epoch
inline constexpr int kMarkFields = 4;  // marks: lane, t_us, kind (ReportMark), value
inline constexpr int kZxidFields = 5;  // zx: lane, Δt_us, kind (0 logged, 1 committed, 2 applied, 3 truncated to), epoch, counter
inline constexpr int kOpFields = 7;    // ops: lane, Δinvoke_us, duration_us (-1 pending), outcome, is write, server lane, op id

// What became of a message (msgs' last field).
enum class MessageFate : int { kDelivered = 0, kDropped = 1, kNeverArrived = 2 };

// A server's role and, within FOLLOWING and LEADING, the ZAB phase (bands' phase field).
enum class ReportPhase : int {
  kDown = 0,
  kLooking = 1,
  kFollowingDiscovery = 2,
  kFollowingSync = 3,
  kFollowingBroadcast = 4,
  kLeadingDiscovery = 5,
  kLeadingSync = 6,
  kLeadingBroadcast = 7,
  kHung = 8,  // an overlay on the role band: the process is hung (its role is frozen)
};

// Point events on a lane (marks' kind field).
enum class ReportMark : int {
  kCrash = 0,             // value: disk operations lost (written but not yet durable)
  kStart = 1,             // value: incarnation
  kHang = 2,
  kResume = 3,
  kLinkCut = 4,           // value: the lane packets towards are lost
  kLinkHeal = 5,          // value: the lane
  kConnectionReset = 6,   // value: the peer's lane
  kLeaderEstablished = 7, // value: epoch
  kFollowerSynced = 8,    // value: epoch
  kLeaderShutdown = 9,    // value: LeaderShutdownReason
  kFollowerExit = 10,     // value: FollowerExitReason
  kElected = 11,          // value: the elected leader's sid
  kStartupRefused = 12,   // value: reason
  kNewLeaderAcked = 13,   // value: epoch
};

// Each verdict's violations carry the witness's points as [lane (-1: a time only), t_us, epoch,
// counter, what] (check::WitnessPoint).
//
// `recovery` is the run's recovery phases as JSON (recovery_to_json): drawn generically, each
// fault an object of key -> value, so fields added there appear without changes here.
nlohmann::ordered_json report_data(const sim::ScenarioRun& run, const Judgement& judgement,
                                   const nlohmann::ordered_json& recovery);

// The whole page: template + data. Nothing in it is fetched from the network.
std::string render_html_report(const nlohmann::ordered_json& data);

}  // namespace zab::tools
