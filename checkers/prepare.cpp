#include "checkers/prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

namespace zab::check {

const char* consistency_name(Consistency c) {
  switch (c) {
    case Consistency::kLinearizable: return "linearizable";
    case Consistency::kZooKeeper: return "zk";
  }
  return "?";
}

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool fits_model(OpType t, ModelKind model) {
  switch (model) {
    case ModelKind::kRegister: return t == OpType::kRead || t == OpType::kWrite || t == OpType::kCas;
    case ModelKind::kKeyValue: return t == OpType::kGet || t == OpType::kPut || t == OpType::kAppend;
    case ModelKind::kZnode: return t <= OpType::kCloseSession;
  }
  return false;
}

bool is_sequential_name(const std::string& prefix, const std::string& path) {
  // ZooKeeper appends the parent's cversion as 10 digits (%010d) to a sequential node's name.
  if (path.size() != prefix.size() + 10 || path.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(path.begin() + static_cast<std::ptrdiff_t>(prefix.size()), path.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

class Builder {
 public:
  Builder(const History& history, ModelKind model, Consistency consistency, Prepared& out)
      : history_(history), model_(model), consistency_(consistency), out_(out) {}

  bool run(PrepareError& error) {
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      const HistoryOp& op = history_.ops[i];
      if (!fits_model(op.type, model_)) {
        error.message = fmt::format("line {}: operation #{} is a {}, which the {} model does not have", op.line,
                                    op.id, op_type_name(op.type), model_name(model_));
        return false;
      }
      intern_paths(op);
    }
    for (std::size_t i = 0; i < history_.ops.size(); ++i) add(i);
    add_session_ends();
    finish();
    return true;
  }

 private:
  void note(const std::string& what) { notes_.insert(what); }

  std::int64_t session_id(const HistoryOp& op) {
    if (op.session) return *op.session;
    // No session recorded: one per client, with ids no real session has (negative).
    auto [it, inserted] = client_ids_.emplace(op.client, -1 - static_cast<std::int64_t>(client_ids_.size()));
    return it->second;
  }

  int session_index(const HistoryOp& op) {
    const std::string key = op.session_key();
    auto [it, inserted] = session_index_.emplace(key, static_cast<int>(out_.session_names.size()));
    if (inserted) out_.session_names.push_back(key);
    return it->second;
  }

  std::uint32_t key_of(const HistoryOp& op) {
    return out_.keys.intern(model_ == ModelKind::kRegister ? std::string() : op.path);
  }

  void intern_paths(const HistoryOp& op) {
    key_of(op);
    if (op.result.path && op.type == OpType::kCreate) out_.keys.intern(*op.result.path);
    // Remember which zxid wrote each (path, data) when a read's Stat says so: an
    // indeterminate write whose unique value was read is then tried at that zxid first.
    if (op.type == OpType::kGetData && op.outcome == Outcome::kOk && op.result.data && op.result.mzxid) {
      written_at_.emplace(std::make_pair(op.path, *op.result.data), *op.result.mzxid);
    }
  }

  Step base(std::size_t i) {
    const HistoryOp& op = history_.ops[i];
    Step s;
    s.source = i;
    s.key = key_of(op);
    s.invoke_ns = op.invoke_ns;
    s.determinate = op.outcome != Outcome::kIndeterminate;
    s.complete_ns = s.determinate ? *op.complete_ns : std::numeric_limits<std::int64_t>::max();
    s.session = session_index(op);
    if (op.result.zxid) s.hint = *op.result.zxid;
    return s;
  }

  void observe(std::size_t i, Observation o) {
    Step s = base(i);
    s.effect = Effect::kObserve;
    s.observed = o;
    push(std::move(s), is_write(history_.ops[i].type));
  }

  static bool is_write(OpType t) {
    return t == OpType::kCreate || t == OpType::kDelete || t == OpType::kSetData || t == OpType::kCloseSession ||
           t == OpType::kWrite || t == OpType::kCas || t == OpType::kPut || t == OpType::kAppend;
  }

  // `write_request`: in ZooKeeper every write request, even one that fails on the state it
  // finds (BADVERSION, NODEEXISTS...), is ordered by the leader as a txn, so it is ordered in
  // real time like an update (PrepRequestProcessor turns it into an error txn).
  void push(Step s, bool write_request) {
    s.real_time = consistency_ == Consistency::kLinearizable || write_request || s.effect == Effect::kSync;
    out_.steps.push_back(std::move(s));
  }

  Observation badversion(const HistoryOp& op) {
    Observation o{.presence = Observation::Presence::kPresent};
    if (op.version == -1) {
      o.presence = Observation::Presence::kImpossible;
    } else {
      o.version_not = op.version;
    }
    return o;
  }

  void add(std::size_t i) {
    const HistoryOp& op = history_.ops[i];
    const std::string err = upper(op.result.err);
    const bool ok = op.outcome == Outcome::kOk;
    const bool failed = op.outcome == Outcome::kFailed;
    const bool indeterminate = op.outcome == Outcome::kIndeterminate;
    using P = Observation::Presence;
    switch (op.type) {
      case OpType::kGetChildren:
        note("getChildren results are not checked (a children list spans paths; the models are per path)");
        return;
      case OpType::kGetData:
      case OpType::kExists:
      case OpType::kRead:
      case OpType::kGet: {
        if (ok) {
          Observation o;
          if (op.type == OpType::kRead || op.type == OpType::kGet) {
            o.data = op.result.data ? out_.values.intern(*op.result.data) : 0;
          } else {
            o.presence = P::kPresent;
            if (op.result.data) o.data = out_.values.intern(*op.result.data);
            o.version = op.result.version;
          }
          observe(i, o);
        } else if (failed && err == "NONODE") {
          observe(i, Observation{.presence = P::kAbsent});
        }
        return;  // other failures and indeterminate reads observed nothing
      }
      case OpType::kSync: {
        if (!ok) return;
        Step s = base(i);
        s.effect = Effect::kSync;
        push(std::move(s), true);
        return;
      }
      case OpType::kCreate: return add_create(i, err);
      case OpType::kDelete:
      case OpType::kSetData: {
        if (failed) {
          if (err == "NONODE") observe(i, Observation{.presence = P::kAbsent});
          if (err == "BADVERSION") observe(i, badversion(op));
          if (err == "NOTEMPTY") {
            note("NOTEMPTY is checked only as 'the node existed' (children are not modelled)");
            observe(i, Observation{.presence = P::kPresent});
          }
          return;
        }
        Step s = base(i);
        s.effect = op.type == OpType::kDelete ? Effect::kDelete : Effect::kSetData;
        s.expected_version = op.version;
        if (op.type == OpType::kSetData) s.value = out_.values.intern(op.value.value_or(""));
        if (ok && op.type == OpType::kSetData) s.result_version = op.result.version;
        if (indeterminate) hint_from_reads(s, op);
        push(std::move(s), true);
        return;
      }
      case OpType::kCloseSession: {
        if (failed) return;
        Step s = base(i);
        s.effect = Effect::kCloseSession;
        s.session_id = session_id(op);
        push(std::move(s), true);
        return;
      }
      case OpType::kWrite:
      case OpType::kPut:
      case OpType::kAppend:
      case OpType::kCas: {
        if (failed) {
          if (op.type == OpType::kCas && err == "MISMATCH") {
            observe(i, Observation{.data_not = out_.values.intern(*op.expected)});
          }
          return;
        }
        Step s = base(i);
        s.effect = op.type == OpType::kCas      ? Effect::kCas
                   : op.type == OpType::kAppend ? Effect::kAppend
                                                : Effect::kWrite;
        s.value = out_.values.intern(*op.value);
        if (op.expected) s.expected_value = out_.values.intern(*op.expected);
        push(std::move(s), true);
        return;
      }
    }
  }

  void hint_from_reads(Step& s, const HistoryOp& op) {
    if (!op.value) return;
    auto it = written_at_.find(std::make_pair(op.path, *op.value));
    if (it != written_at_.end()) s.hint = it->second;
  }

  void add_create(std::size_t i, const std::string& err) {
    const HistoryOp& op = history_.ops[i];
    if (op.outcome == Outcome::kFailed) {
      if (err == "NODEEXISTS" && !op.sequential) observe(i, Observation{.presence = Observation::Presence::kPresent});
      if (err == "NONODE") note("a create that failed NONODE (no parent) is not checked (parents are not modelled)");
      if (err == "NOCHILDRENFOREPHEMERALS") note("NOCHILDRENFOREPHEMERALS is not checked (parents are not modelled)");
      return;
    }
    Step s = base(i);
    s.effect = Effect::kCreate;
    s.value = out_.values.intern(op.value.value_or(""));
    s.ephemeral = op.ephemeral;
    s.session_id = session_id(op);
    if (op.outcome == Outcome::kIndeterminate) hint_from_reads(s, op);
    if (!op.sequential) {
      if (op.ephemeral) ephemerals_[s.session_id].insert(s.key);
      push(std::move(s), true);
      return;
    }
    note("sequence numbers of sequential creates are not checked (they come from the parent's cversion)");
    if (op.outcome == Outcome::kOk) {
      s.key = out_.keys.intern(*op.result.path);
      if (op.ephemeral) ephemerals_[s.session_id].insert(s.key);
      push(std::move(s), true);
      return;
    }
    // An indeterminate sequential create made a node we cannot name; it may be any node of its
    // name pattern that the history mentions. Each candidate becomes a possible create (this
    // is lenient: several of them could be placed).
    note("an indeterminate sequential create may have created any mentioned node of its name pattern");
    for (std::uint32_t k = 1; k < out_.keys.size(); ++k) {
      if (!is_sequential_name(op.path, out_.keys.str(k))) continue;
      Step c = s;
      c.key = k;
      if (op.ephemeral) ephemerals_[c.session_id].insert(k);
      push(std::move(c), true);
    }
  }

  // A session's ephemerals go when the session ends, which the history may not show (expiry):
  // each session that owned ephemerals gets one indeterminate "session end" after its first
  // ephemeral create. (One suffices: after it the session can create nothing more.)
  void add_session_ends() {
    for (const auto& [sid, keys] : ephemerals_) {
      std::int64_t first = std::numeric_limits<std::int64_t>::max();
      for (const Step& s : out_.steps) {
        if (s.effect == Effect::kCreate && s.ephemeral && s.session_id == sid) first = std::min(first, s.invoke_ns);
      }
      Step e;
      e.source = SIZE_MAX;
      e.effect = Effect::kCloseSession;
      e.session_id = sid;
      e.determinate = false;
      e.synthetic = true;
      e.invoke_ns = first;
      e.complete_ns = std::numeric_limits<std::int64_t>::max();
      e.session = -1;
      e.real_time = true;
      out_.steps.push_back(std::move(e));
    }
  }

  void finish() {
    for (Step& s : out_.steps) {
      if (s.effect != Effect::kCloseSession) continue;
      auto it = ephemerals_.find(s.session_id);
      if (it != ephemerals_.end()) s.ephemeral_keys.assign(it->second.begin(), it->second.end());
    }
    out_.sessions = static_cast<int>(out_.session_names.size());
    out_.notes.assign(notes_.begin(), notes_.end());
    if (model_ == ModelKind::kZnode) {
      // ZooKeeper's DataTree() starts with these nodes, empty and at version 0, so a create of
      // one fails NODEEXISTS and a read finds it (a model without them reported a correct
      // "create / -> NODEEXISTS" as a violation).
      for (const char* path : {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
        const auto key = out_.keys.find(path);
        if (key) out_.initial.emplace_back(*key, KeyState{.exists = true, .data = out_.values.intern(""), .version = 0});
      }
    }
  }

  const History& history_;
  ModelKind model_;
  Consistency consistency_;
  Prepared& out_;
  std::set<std::string> notes_;
  std::map<std::string, std::int64_t> client_ids_;
  std::map<std::string, int> session_index_;
  std::map<std::int64_t, std::set<std::uint32_t>> ephemerals_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> written_at_;
};

}  // namespace

bool prepare(const History& history, ModelKind model, Consistency consistency, Prepared& out, PrepareError& error) {
  Builder b(history, model, consistency, out);
  return b.run(error);
}

}  // namespace zab::check
