#include "test/protocol/node_script_driver.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocol/persistence/data_dir.h"
#include "protocol/persistence/txn_log_file.h"
#include "test/protocol/node_script_render.h"

namespace zab::test {

namespace {
// Clients get addresses from 100 on, as in the simulator's scenarios.
constexpr std::uint32_t kFirstClientAddress = 100;

// What the node's one-line description of a quorum packet leaves out and a reader of the
// script needs: the epoch ACKEPOCH reports, who FOLLOWERINFO names, what a PROPOSAL proposes.
// Decoded with the protocol's own decoders.
std::string packet_detail(const Bytes& payload) {
  if (payload.empty() || payload[0] != kQuorumWireTag) return "";
  const auto p = decode_packet(payload);
  if (!p || !p->data) return "";
  switch (p->type) {
    case PacketType::kAckEpoch:
      if (const auto epoch = decode_int(*p->data)) return fmt::format(" currentEpoch={}", *epoch);
      return "";
    case PacketType::kFollowerInfo:
      if (const auto info = decode_learner_info(*p->data)) return fmt::format(" sid={}", info->sid.value);
      return "";
    case PacketType::kProposal:
      if (const auto txn = decode_txn(*p->data)) return " " + describe_txn(*txn);
      return "";
    default:
      return "";
  }
}

std::string text_or_size(const Bytes& bytes) {
  const bool printable = bytes.size() <= 32 && std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) {
                           return b >= 0x20 && b < 0x7f;
                         });
  if (printable) return "\"" + std::string(bytes.begin(), bytes.end()) + "\"";
  return fmt::format("<{} bytes>", bytes.size());
}
}  // namespace

PeerDriver::PeerDriver() = default;
PeerDriver::~PeerDriver() = default;

QuorumPeer& PeerDriver::node() const {
  if (!peer_) throw ScriptError("no node yet: the script must `start` first");
  return *peer_;
}

std::vector<std::string> PeerDriver::run(const std::string& line) {
  const Args args = parse_args(line);
  std::vector<std::string> lines;
  if (args.command == "start") {
    start(args, lines);
  } else if (args.command == "connection-up") {
    connection_up(args, lines);
  } else if (args.command == "connect-failed") {
    connect_failed(args, lines);
  } else if (args.command == "connection-down") {
    connection_down(args, lines);
  } else if (args.command == "deliver") {
    deliver(args, lines);
  } else if (args.command == "timer") {
    fire_timer(args, lines);
  } else if (args.command == "fsync-done") {
    fsync_done(args, lines);
  } else if (args.command == "advance-time") {
    move_clock_to(now_ + Duration::ms(args.number("ms")), lines);
  } else if (args.command == "state") {
    print_state(lines);
  } else if (args.command == "timers") {
    print_timers(lines);
  } else {
    throw ScriptError("unknown command `" + args.command + "`");
  }
  return lines;
}

// --- commands -----------------------------------------------------------------------------

void PeerDriver::start(const Args& args, std::vector<std::string>& lines) {
  if (peer_) throw ScriptError("`start` twice: one script drives one process");
  const auto sid = static_cast<std::uint64_t>(args.number("sid"));
  config_ = ServerConfig{};
  config_.my_id = ServerId{sid};
  for (std::uint64_t s = 1; s <= static_cast<std::uint64_t>(args.number("servers")); ++s) config_.voters.push_back(ServerId{s});
  config_.tick_time_ms = args.number_or("tick", config_.tick_time_ms);
  config_.init_limit = static_cast<std::int32_t>(args.number_or("init", config_.init_limit));
  config_.sync_limit = static_cast<std::int32_t>(args.number_or("sync", config_.sync_limit));
  config_.commit_log_count = static_cast<std::int32_t>(args.number_or("commit-log-count", config_.commit_log_count));
  if (args.has("snapshot-size-factor")) config_.snapshot_size_factor = std::stod(args.get("snapshot-size-factor"));
  peer_ = std::make_unique<QuorumPeer>(NodeContext{Address{static_cast<std::uint32_t>(sid)}, &random_}, config_);
  files_ = data_dir(args);
  step(in::Start{files_}, lines);
}

void PeerDriver::connection_up(const Args& args, std::vector<std::string>& lines) {
  const Port port = port_of(args);
  if (args.has("to")) {
    const Address peer{static_cast<std::uint32_t>(args.number("to"))};
    const PendingConnect c = take_connect(peer, port);
    const ConnId conn = add_conn(peer, port);
    step(in::ConnectionUp{conn, peer, port, true, c.tag}, lines);
    return;
  }
  const Address peer{static_cast<std::uint32_t>(args.number("from"))};
  const ConnId conn = add_conn(peer, port);
  step(in::ConnectionUp{conn, peer, port, false, 0}, lines);
}

void PeerDriver::connect_failed(const Args& args, std::vector<std::string>& lines) {
  const Address peer{static_cast<std::uint32_t>(args.number("to"))};
  const PendingConnect c = take_connect(peer, port_of(args));
  step(in::ConnectFailed{peer, c.tag}, lines);
}

void PeerDriver::connection_down(const Args& args, std::vector<std::string>& lines) {
  const std::string key = args.has("peer") ? "peer" : args.has("from") ? "from" : "to";
  const ConnId conn = open_conn(Address{static_cast<std::uint32_t>(args.number(key))}, port_of(args));
  conns_.at(conn.value).open = false;
  step(in::ConnectionDown{conn}, lines);
}

void PeerDriver::deliver(const Args& args, std::vector<std::string>& lines) {
  const Address from{static_cast<std::uint32_t>(args.number("from"))};
  const Port port = port_of(args);
  const ConnId conn = open_conn(from, port);
  Bytes payload;
  if (port == kQuorumPort) {
    payload = encode_packet(quorum_packet(args, ServerId::of(from)));
  } else if (port == kElectionPort) {
    payload = election_payload(args, ServerId::of(from));
  } else {
    payload = encode_client_message(client_message(args));
  }
  step(in::Message{conn, std::move(payload)}, lines);
}

void PeerDriver::fire_timer(const Args& args, std::vector<std::string>& lines) {
  const std::string& name = args.word(0);
  const auto namer = [this](std::uint64_t c) { return conn_name(c); };
  auto it = std::find_if(timers_.begin(), timers_.end(),
                         [&](const auto& t) { return timer_name(t.first, namer) == name; });
  if (it == timers_.end()) throw ScriptError("timer `" + name + "` is not set");
  const std::uint64_t id = it->first;
  // A timer fires at its deadline, never earlier: the node checks (FLE ignores early firings).
  if (it->second > now_) move_clock_to(it->second, lines);
  timers_.erase(id);
  step(in::TimerFired{id}, lines);
}

void PeerDriver::fsync_done(const Args& args, std::vector<std::string>& lines) {
  // Only the fsyncs pending now: those the completions cause are completed by the next command.
  std::deque<std::pair<std::uint64_t, std::string>> done;
  std::deque<std::pair<std::uint64_t, std::string>> keep;
  for (auto& f : fsyncs_) {
    if (!args.has("file") || f.second == args.get("file")) {
      done.push_back(f);
    } else {
      keep.push_back(f);
    }
  }
  if (done.empty()) throw ScriptError("no fsync pending" + (args.has("file") ? " for " + args.get("file") : ""));
  fsyncs_ = std::move(keep);
  for (const auto& [tag, file] : done) {
    lines.push_back("> fsync-done " + file);
    step(in::FsyncDone{tag}, lines);
  }
}

void PeerDriver::print_state(std::vector<std::string>& lines) const {
  const QuorumPeer& p = node();
  if (!p.running()) {
    lines.push_back("not running: " + p.startup_error());
    return;
  }
  lines.push_back(fmt::format("{} currentEpoch={} lastProcessedZxid=0x{}", state_name(p.state()), p.epoch(),
                              p.database().last_processed_zxid().hex()));
}

void PeerDriver::print_timers(std::vector<std::string>& lines) const {
  const auto namer = [this](std::uint64_t c) { return conn_name(c); };
  std::vector<std::string> set;
  for (const auto& [id, deadline] : timers_) {
    set.push_back(fmt::format("{} in {}ms", timer_name(id, namer), (deadline - now_).count_ms()));
  }
  std::sort(set.begin(), set.end());  // by name, not by packed id
  lines.insert(lines.end(), set.begin(), set.end());
}

// --- the node's inputs and outputs --------------------------------------------------------

void PeerDriver::step(Input input, std::vector<std::string>& lines) {
  std::vector<Output> out;
  node().step(Clocks{now_, now_}, std::move(input), out);
  for (const Output& o : out) {
    // Rendered before tracking: an Append is described against the files as they were.
    lines.push_back(render(o));
    track(o);
  }
}

void PeerDriver::track(const Output& output) {
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, out::SetTimer>) {
          timers_[o.id] = now_ + o.after;
        } else if constexpr (std::is_same_v<T, out::CancelTimer>) {
          timers_.erase(o.id);
        } else if constexpr (std::is_same_v<T, out::Connect>) {
          connects_.push_back(PendingConnect{o.peer, o.port, o.tag});
        } else if constexpr (std::is_same_v<T, out::Close>) {
          if (auto it = conns_.find(o.conn.value); it != conns_.end()) it->second.open = false;
        } else if constexpr (std::is_same_v<T, out::Fsync>) {
          fsyncs_.emplace_back(o.tag, o.file);
        } else if constexpr (std::is_same_v<T, out::Append>) {
          Bytes& f = files_[o.file];
          f.insert(f.end(), o.bytes.begin(), o.bytes.end());
        } else if constexpr (std::is_same_v<T, out::WriteFile>) {
          files_[o.file] = o.bytes;
        } else if constexpr (std::is_same_v<T, out::Truncate>) {
          files_[o.file].resize(o.size);
        } else if constexpr (std::is_same_v<T, out::Rename>) {
          files_[o.to] = files_[o.from];
          files_.erase(o.from);
        } else if constexpr (std::is_same_v<T, out::Remove>) {
          files_.erase(o.file);
        }
      },
      output);
}

std::string PeerDriver::render(const Output& output) const {
  const auto namer = [this](std::uint64_t c) { return conn_name(c); };
  return std::visit(
      [&](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, out::Connect>) {
          return fmt::format("Connect {}:{} timeout={}ms", peer_name(o.peer), port_name(o.port), o.timeout.count_ms());
        } else if constexpr (std::is_same_v<T, out::Send>) {
          return fmt::format("Send {} {}{}", conn_name(o.conn.value), node().describe_message(o.payload),
                             packet_detail(o.payload));
        } else if constexpr (std::is_same_v<T, out::Close>) {
          return "Close " + conn_name(o.conn.value);
        } else if constexpr (std::is_same_v<T, out::Listen>) {
          return "Listen " + port_name(o.port);
        } else if constexpr (std::is_same_v<T, out::Unlisten>) {
          return "Unlisten " + port_name(o.port);
        } else if constexpr (std::is_same_v<T, out::SetTimer>) {
          return fmt::format("SetTimer {} {}ms", timer_name(o.id, namer), o.after.count_ms());
        } else if constexpr (std::is_same_v<T, out::CancelTimer>) {
          return "CancelTimer " + timer_name(o.id, namer);
        } else if constexpr (std::is_same_v<T, out::Append>) {
          return render_append(o);
        } else if constexpr (std::is_same_v<T, out::WriteFile>) {
          // A new txn log file starts with its 16-byte header, written on its own.
          if (zxid_from_name(o.file, kLogFilePrefix) && o.bytes == encode_log_file_header()) {
            return fmt::format("WriteFile {} header", o.file);
          }
          return fmt::format("WriteFile {} {}", o.file, text_or_size(o.bytes));
        } else if constexpr (std::is_same_v<T, out::Truncate>) {
          return fmt::format("Truncate {} to {} bytes", o.file, o.size);
        } else if constexpr (std::is_same_v<T, out::Rename>) {
          return fmt::format("Rename {} -> {}", o.from, o.to);
        } else if constexpr (std::is_same_v<T, out::Remove>) {
          return "Remove " + o.file;
        } else if constexpr (std::is_same_v<T, out::Fsync>) {
          return "Fsync " + o.file;
        } else {
          static_assert(std::is_same_v<T, out::Trace>);
          return render_trace(o, namer);
        }
      },
      output);
}

std::string PeerDriver::render_append(const out::Append& append) const {
  const auto start = zxid_from_name(append.file, kLogFilePrefix);
  if (!start) return fmt::format("Append {} <{} bytes>", append.file, append.bytes.size());
  // Which txns the bytes carry: the file's records after the append, minus those before it.
  auto it = files_.find(append.file);
  const Bytes before = it == files_.end() ? Bytes{} : it->second;
  Bytes after = before;
  after.insert(after.end(), append.bytes.begin(), append.bytes.end());
  const std::size_t old_records = before.empty() ? 0 : parse_log_file(append.file, *start, before).records.size();
  const LogFileView view = parse_log_file(append.file, *start, after);
  std::string text = "Append " + append.file + (before.empty() ? " header" : "");  // header and txns at once
  for (std::size_t i = old_records; i < view.records.size(); ++i) text += " 0x" + view.records[i].txn.header.zxid.hex();
  return text;
}

// --- connections and time -----------------------------------------------------------------

Port PeerDriver::port_of(const Args& args) const {
  const std::string p = args.get_or("port", "quorum");
  if (p == "quorum") return kQuorumPort;
  if (p == "election") return kElectionPort;
  if (p == "client") return kClientPort;
  throw ScriptError("unknown port `" + p + "`");
}

ConnId PeerDriver::open_conn(Address peer, Port port) const {
  for (auto it = conns_.rbegin(); it != conns_.rend(); ++it) {
    if (it->second.open && it->second.peer == peer && it->second.port == port) return ConnId{it->first};
  }
  throw ScriptError(fmt::format("no open {} connection with {}", port_name(port), peer_name(peer)));
}

ConnId PeerDriver::add_conn(Address peer, Port port) {
  std::string name = peer_name(peer) + ":" + port_name(port);
  const int n = ++conn_names_used_[name];
  if (n > 1) name += fmt::format("#{}", n);
  const ConnId id{next_conn_++};
  conns_[id.value] = Conn{peer, port, name, true};
  return id;
}

std::string PeerDriver::conn_name(std::uint64_t id) const {
  auto it = conns_.find(id);
  return it == conns_.end() ? fmt::format("conn{}", id) : it->second.name;
}

std::string PeerDriver::peer_name(Address peer) {
  return fmt::format("{}{}", peer.value >= kFirstClientAddress ? "c" : "s", peer.value);
}

PeerDriver::PendingConnect PeerDriver::take_connect(Address peer, Port port) {
  auto it = std::find_if(connects_.begin(), connects_.end(),
                         [&](const PendingConnect& c) { return c.peer == peer && c.port == port; });
  if (it == connects_.end()) {
    throw ScriptError(fmt::format("the node has no pending Connect to {}:{}", peer_name(peer), port_name(port)));
  }
  const PendingConnect c = *it;
  connects_.erase(it);
  return c;
}

void PeerDriver::move_clock_to(LocalTime t, std::vector<std::string>& lines) {
  if (t < now_) throw ScriptError("time does not go backwards");
  // A script may not skip a timer: a schedule where a due timer has not fired is not one the
  // node can meet, so its outputs would tell a story that cannot happen.
  const auto namer = [this](std::uint64_t c) { return conn_name(c); };
  for (const auto& [id, deadline] : timers_) {
    if (deadline < t) {
      throw ScriptError(fmt::format("timer `{}` is due at {}ms, before {}ms: fire it first", timer_name(id, namer),
                                    deadline.ms(), t.ms()));
    }
  }
  now_ = t;
  lines.push_back(fmt::format("clock {}ms", now_.ms()));
}

}  // namespace zab::test
