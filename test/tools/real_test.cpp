// `zabsim real`'s pure parts: the ensemble's configuration from a scenario, the refusals, and
// the parsing of ZooKeeper 3.8's log lines and `srvr` answers (lines as ZooKeeper 3.8.0 wrote
// them on this machine).

#include <doctest/doctest.h>

#include <algorithm>
#include <variant>

#include "tools/real/observe.h"
#include "tools/real/real_recovery.h"
#include "tools/real/workload_client.h"
#include "tools/real/zoo_config.h"

using namespace zab;
using namespace zab::tools::real;

namespace {

sim::Scenario scenario_of(const std::string& json) {
  auto parsed = sim::parse_scenario(json, "t.json");
  REQUIRE(std::holds_alternative<sim::Scenario>(parsed));
  return std::get<sim::Scenario>(parsed);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("real: every server's zoo.cfg and system properties come from the scenario's cluster") {
  const auto sc = scenario_of(R"({"name": "x", "cluster": {"servers": 3, "tick_time_ms": 500, "init_limit": 7,
                                  "sync_limit": 3, "snap_count": 1000, "cnx_timeout_ms": 900}})");
  const std::vector<ServerPorts> ports = {{2181, 2881, 3881}, {2182, 2882, 3882}, {2183, 2883, 3883}};
  const auto setups = ensemble_setup(sc, ports, "/tmp/r");
  REQUIRE(setups.size() == 3);
  const std::string& cfg = setups[1].zoo_cfg;
  CHECK(setups[1].sid == 2);
  CHECK(contains(cfg, "tickTime=500\n"));
  CHECK(contains(cfg, "initLimit=7\n"));
  CHECK(contains(cfg, "syncLimit=3\n"));
  CHECK(contains(cfg, "dataDir=/tmp/r/s2/data\n"));
  CHECK(contains(cfg, "clientPort=2182\n"));
  CHECK(contains(cfg, "server.1=127.0.0.1:2881:3881\n"));
  CHECK(contains(cfg, "server.3=127.0.0.1:2883:3883\n"));
  const auto& p = setups[1].jvm_properties;
  CHECK(std::find(p.begin(), p.end(), "-Dzookeeper.snapCount=1000") != p.end());
  CHECK(std::find(p.begin(), p.end(), "-Dzookeeper.cnxTimeout=900") != p.end());
}

TEST_CASE("real: what cannot be done on a real ensemble is refused, one line naming each place") {
  CHECK(refusals(scenario_of(R"({"name": "x", "faults": [{"kind": "crash", "target": "leader", "at_ms": 5},
                                  {"kind": "hang", "target": 2, "at_ms": 6}, {"kind": "resume", "target": 2, "at_ms": 7}]})"))
            .empty());
  const auto r = refusals(scenario_of(R"({"name": "x", "cluster": {"mutations": ["no-epoch-files"], "finalize_wait_ms": 50},
      "network": {"out_of_model": {"enabled": true}}, "disk": {"crash_loss": "torn_tail"},
      "clients": {"count": 1, "in_flight": 2, "retry_unknown": true},
      "faults": [{"kind": "clock_drift", "target": 1, "ppm": 5, "at_ms": 1},
                 {"kind": "crash", "target": 1, "on": {"event": "logged"}},
                 {"kind": "partition", "isolate": "leader", "at_ms": 2},
                 {"kind": "corrupt", "target": 1, "file": "log.1", "at_ms": 3}]})"));
  const std::vector<std::string> places = {"/cluster/mutations:", "/cluster/finalize_wait_ms:", "/network/out_of_model:",
                                           "/clients/in_flight:", "/clients/retry_unknown:",
                                           "/disk/crash_loss:", "/faults/0/kind:", "/faults/1/on:",
                                           "/faults/3/kind:"};  // the partition goes through the proxies
  REQUIRE(r.size() == places.size());
  for (std::size_t i = 0; i < places.size(); ++i) {
    CAPTURE(r[i]);
    CHECK(r[i].starts_with(places[i]));
  }
}

TEST_CASE("real: role changes, establishment and sync modes are read from ZooKeeper 3.8's log lines") {
  const auto looking = parse_log_line(
      "2026-12-07 12:28:04,607 - INFO  [QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:21813)(secure=disabled):"
      "QuorumPeer@1455] - LOOKING");
  REQUIRE(looking);
  CHECK(looking->kind == LogEventKind::kLooking);
  const auto leading = parse_log_line(
      "2026-12-07 12:28:04,907 - INFO  [QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:21813)(secure=disabled):"
      "QuorumPeer@1549] - LEADING");
  REQUIRE(leading);
  CHECK(leading->kind == LogEventKind::kLeading);
  CHECK(leading->wall_ms - looking->wall_ms == 300);
  const auto established = parse_log_line(
      "2026-12-07 12:28:05,131 - INFO  [QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:21813)(secure=disabled):"
      "Leader@1519] - Have quorum of supporters, sids: [[1, 3]]; starting up and setting last processed zxid: 0x100000000");
  REQUIRE(established);
  CHECK(established->kind == LogEventKind::kEstablished);
  CHECK(established->zxid == 0x100000000ULL);
  const auto diff = parse_log_line(
      "2026-12-07 12:28:05,094 - INFO  [QuorumPeer[myid=1](plain=[0:0:0:0:0:0:0:0]:21811)(secure=disabled):"
      "Learner@565] - Getting a diff from the leader 0x0");
  REQUIRE(diff);
  CHECK(diff->kind == LogEventKind::kSyncDiff);
  CHECK(diff->zxid == 0u);
  const auto uptodate = parse_log_line(
      "2026-12-07 15:34:00,031 - INFO  [QuorumPeer[myid=1](plain=127.0.0.1:37239)(secure=disabled):Learner@721] - "
      "Learner received UPTODATE message");
  REQUIRE(uptodate);
  CHECK(uptodate->kind == LogEventKind::kUpToDate);
  // The leader's own "LEADING - LEADER ELECTION TOOK" line, a notification and a non-log line
  // are not role changes.
  CHECK_FALSE(parse_log_line("2026-12-07 12:28:04,985 - INFO  [QuorumPeer[myid=3](plain=[0:0:0:0:0:0:0:0]:21813)"
                             "(secure=disabled):Leader@588] - LEADING - LEADER ELECTION TOOK - 361 MS"));
  CHECK_FALSE(parse_log_line("2026-12-07 12:28:04,663 - INFO  [WorkerReceiver[myid=3]:FastLeaderElection$Messenger"
                             "$WorkerReceiver@391] - Notification: my state:LOOKING; n.sid:3"));
  CHECK_FALSE(parse_log_line("SLF4J: Defaulting to no-operation (NOP) logger implementation"));
  CHECK_FALSE(parse_log_line("2026-13-07 12:28:04 - INFO  [x:QuorumPeer@1] - LOOKING"));
}

TEST_CASE("real: srvr's mode and zxid; a server not serving gives none") {
  const auto s = parse_srvr(
      "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\nLatency min/avg/max: 0/0.0/0\n"
      "Received: 1\nSent: 0\nConnections: 1\nOutstanding: 0\nZxid: 0x100000000\nMode: leader\nNode count: 5\n");
  REQUIRE(s);
  CHECK(s->mode == "leader");
  CHECK(s->zxid == 0x100000000ULL);
  CHECK_FALSE(parse_srvr("This ZooKeeper instance is not currently serving requests\n"));
  CHECK_FALSE(parse_srvr("Zxid: 0xzz\nMode: leader\n"));
}

TEST_CASE("real: the clients' records become one history in invocation order, as the simulator's") {
  // Two clients' records, each in its own order; ids follow the invocation times across both.
  std::vector<RecordedOp> ops;
  ops.push_back(RecordedOp{.client = 2, .session = 7, .server = 1, .invoke_ns = 30, .complete_ns = 40,
                           .request = Request{.type = OpCode::kGetData, .path = "/k0"},
                           .outcome = sim::Outcome::kOk,
                           .reply = Reply{.zxid = Zxid::from_raw(5), .err = Err::kOk, .type = OpCode::kGetData}});
  ops.push_back(RecordedOp{.client = 1, .session = 9, .server = 2, .invoke_ns = 10,
                           .request = Request{.type = OpCode::kSetData, .path = "/k0"},
                           .outcome = sim::Outcome::kIndeterminate});
  ops.push_back(RecordedOp{.client = 1, .session = 9, .server = 3, .invoke_ns = 50, .complete_ns = 60,
                           .request = Request{.type = OpCode::kDelete, .path = "/k1"},
                           .outcome = sim::Outcome::kFailed,
                           .reply = Reply{.zxid = Zxid::from_raw(6), .err = Err::kNoNode, .type = OpCode::kDelete}});
  const sim::History h = merge_histories(ops, 101);
  REQUIRE(h.ops().size() == 3);
  CHECK(h.op(1).client == 101);  // client 1, invoked first
  CHECK(h.op(1).outcome == sim::Outcome::kIndeterminate);
  CHECK(h.op(1).session.value == 9);
  CHECK(h.op(2).client == 102);
  CHECK(h.op(2).server == 1);
  CHECK(h.op(2).complete->ns() == 40);
  CHECK(h.op(2).reply.zxid.raw() == 5);
  CHECK(h.op(3).outcome == sim::Outcome::kFailed);
  CHECK(h.op(3).reply.err == Err::kNoNode);
}

TEST_CASE("real: recovery after each fault is read from the servers' events and the clients' history") {
  RealRun run;
  run.end_ms = 20'000;
  run.faults = {FiredRealFault{.ms = 8'000, .kind = sim::FaultKind::kCrash, .targets = {3}, .text = "FAULT crash s3",
                               .probe_write_ms = 480},
                FiredRealFault{.ms = 15'000, .kind = sim::FaultKind::kStart, .targets = {3}, .text = "FAULT start s3"}};
  run.events = {
      ServerEvent{.ms = 7'000, .sid = 1, .kind = LogEventKind::kLooking},       // before the fault: not counted
      ServerEvent{.ms = 8'010, .sid = 3, .kind = LogEventKind::kLooking},       // the killed server itself: not counted
      ServerEvent{.ms = 8'020, .sid = 1, .kind = LogEventKind::kLooking},
      ServerEvent{.ms = 8'230, .sid = 2, .kind = LogEventKind::kLeading},
      ServerEvent{.ms = 8'330, .sid = 1, .kind = LogEventKind::kUpToDate},
      ServerEvent{.ms = 8'360, .sid = 2, .kind = LogEventKind::kEstablished},
      ServerEvent{.ms = 15'400, .sid = 3, .kind = LogEventKind::kLooking},      // the started server's own
      ServerEvent{.ms = 15'430, .sid = 3, .kind = LogEventKind::kFollowing},
      ServerEvent{.ms = 15'460, .sid = 3, .kind = LogEventKind::kUpToDate},
  };
  const std::uint64_t w = run.history.invoke(101, SessionId{5}, 1, sim::SimTime::from_ms(8'100),
                                             Request{.type = OpCode::kSetData, .path = "/k0"});
  run.history.complete(w, sim::SimTime::from_ms(9'250), sim::Outcome::kOk, Reply{.err = Err::kOk, .type = OpCode::kSetData});
  const auto r = real_recovery(run);
  REQUIRE(r.size() == 2);
  CHECK(r[0].noticed_ms == 20);
  CHECK(r[0].elected_ms == 230);
  CHECK(r[0].all_synced_ms == 330);
  CHECK(r[0].established_ms == 360);
  CHECK(r[0].leader == 2);
  CHECK(r[0].first_write_ms == 1'250);
  CHECK(r[0].first_read_ms == -1);
  CHECK(r[0].probe_write_ms == 480);
  CHECK(r[1].noticed_ms == 400);
  CHECK(r[1].elected_ms == 430);
  CHECK(r[1].all_synced_ms == 460);
  CHECK(r[1].established_ms == -1);
}

namespace {

std::string be(std::uint64_t v, int width) {
  std::string out;
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
  return out;
}

std::uint64_t adler(const std::string& s) {
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : s) {
    a = (a + c) % 65521u;
    b = (b + a) % 65521u;
  }
  return (static_cast<std::uint64_t>(b) << 16) | a;
}

// A transaction as FileTxnLog writes it: TxnHeader (clientId, cxid, zxid, time, type) + a body.
std::string txn(std::uint64_t zxid, const std::string& body) {
  return be(0x77, 8) + be(1, 4) + be(zxid, 8) + be(1'700'000'000'000ULL, 8) + be(5, 4) + body;
}
std::string record(const std::string& t) { return be(adler(t), 8) + be(t.size(), 4) + t + "B"; }
std::string log_file(const std::vector<std::string>& txns) {
  std::string f = be(0x5a4b4c47, 4) + be(2, 4) + be(0, 8);
  for (const auto& t : txns) f += record(t);
  return f + std::string(64, '\0');  // preallocated
}

}  // namespace

TEST_CASE("real: a server's transaction log is read record by record, up to the first damaged one") {
  ServerDisk disk{.sid = 1};
  std::string f = log_file({txn(0x100000001, "set /k0 a"), txn(0x100000002, "set /k1 b")});
  CHECK(read_txn_log(f, "log.100000001", disk));
  REQUIRE(disk.txns.size() == 2);
  CHECK(disk.txns.at(0x100000002).ends_with("set /k1 b"));
  CHECK(disk.problems.empty());
  // A record whose checksum fails ends the reading, and says where.
  ServerDisk torn{.sid = 2};
  std::string bad = log_file({txn(0x100000001, "set /k0 a"), txn(0x100000002, "set /k1 b")});
  bad[16 + 12 + 20] ^= 0x01;  // a byte inside the first record's transaction
  CHECK(read_txn_log(bad, "log.100000001", torn));
  CHECK(torn.txns.empty());
  REQUIRE(torn.problems.size() == 1);
  CHECK(contains(torn.problems[0], "log.100000001: the record at byte 16 fails its checksum"));
  // Not a log at all.
  ServerDisk other{.sid = 3};
  CHECK_FALSE(read_txn_log("hello", "log.1", other));
  CHECK(contains(other.problems.at(0), "not a ZooKeeper transaction log"));
}

TEST_CASE("real: log agreement over the servers' disks catches a different transaction and a lost acknowledged write") {
  auto disk = [](std::uint32_t sid, std::vector<std::pair<std::uint64_t, std::string>> txns, std::uint64_t snapshot = 0) {
    ServerDisk d{.sid = sid, .snapshot_zxid = snapshot};
    for (auto& [z, body] : txns) d.txns[z] = txn(z, body);
    return d;
  };
  const std::vector<ServerDisk> agree = {disk(1, {{0x100000001, "a"}, {0x100000002, "b"}}),
                                         disk(2, {{0x100000001, "a"}, {0x100000002, "b"}}),
                                         disk(3, {}, 0x100000002)};  // synced by SNAP: covered by its snapshot
  CHECK(check_disk_agreement(agree, {0x100000001, 0x100000002}, 3).empty());
  // Two servers with different transactions at one zxid.
  const std::vector<ServerDisk> differ = {disk(1, {{0x100000001, "a"}}), disk(2, {{0x100000001, "x"}}), disk(3, {})};
  const auto d = check_disk_agreement(differ, {}, 3);
  REQUIRE(d.size() == 1);
  CHECK(contains(d[0], "s1 and s2 logged different transactions at zxid <1,1>"));
  // An acknowledged write on one disk of three.
  const std::vector<ServerDisk> lost = {disk(1, {{0x100000001, "a"}}), disk(2, {}), disk(3, {})};
  const auto l = check_disk_agreement(lost, {0x100000001}, 3);
  REQUIRE(l.size() == 1);
  CHECK(contains(l[0], "acknowledged write at zxid <1,1> is on the disk of 1 server(s), fewer than a quorum of 2"));
}
