#include "checkers/history.h"

#include "checkers/json_input.h"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace zab::check {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::pair<OpType, const char*>, 14> kOpTypeNames = {{
    {OpType::kCreate, "create"},
    {OpType::kDelete, "delete"},
    {OpType::kSetData, "setData"},
    {OpType::kGetData, "getData"},
    {OpType::kExists, "exists"},
    {OpType::kGetChildren, "getChildren"},
    {OpType::kSync, "sync"},
    {OpType::kCloseSession, "closeSession"},
    {OpType::kRead, "read"},
    {OpType::kWrite, "write"},
    {OpType::kCas, "cas"},
    {OpType::kGet, "get"},
    {OpType::kPut, "put"},
    {OpType::kAppend, "append"},
}};

// A bad field, with the message the user sees after "FILE:LINE: ".
struct FieldError {
  std::string message;
};

const std::set<std::string, std::less<>> kTopLevelFields = {
    "id",    "client",   "session",  "server",  "invoke_ns", "complete_ns", "type",   "path",
    "key",   "value",    "expected", "version", "ephemeral", "sequential",  "outcome", "result"};
const std::set<std::string, std::less<>> kResultFields = {"err",      "zxid",  "path",  "data",
                                                          "version",  "cversion", "czxid", "mzxid",
                                                          "numChildren", "ephemeralOwner", "children", "stat"};

std::int64_t want_int(const Json& j, const char* name) {
  const Json& v = j.at(name);
  if (!v.is_number_integer()) throw FieldError{fmt::format("'{}' must be an integer", name)};
  return v.get<std::int64_t>();
}

std::uint64_t want_uint(const Json& j, const char* name, const char* where) {
  const Json& v = j.at(name);
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
    throw FieldError{fmt::format("'{}{}' must be a non-negative integer", where, name)};
  }
  return v.get<std::uint64_t>();
}

std::int32_t want_int32(const Json& j, const char* name, const char* where) {
  const Json& v = j.at(name);
  if (!v.is_number_integer()) throw FieldError{fmt::format("'{}{}' must be an integer", where, name)};
  const std::int64_t x = v.get<std::int64_t>();
  if (x < std::numeric_limits<std::int32_t>::min() || x > std::numeric_limits<std::int32_t>::max()) {
    throw FieldError{fmt::format("'{}{}' must fit in 32 bits", where, name)};
  }
  return static_cast<std::int32_t>(x);
}

std::string want_string(const Json& j, const char* name, const char* where) {
  const Json& v = j.at(name);
  if (!v.is_string()) throw FieldError{fmt::format("'{}{}' must be a string", where, name)};
  return v.get<std::string>();
}

bool want_bool(const Json& j, const char* name) {
  const Json& v = j.at(name);
  if (!v.is_boolean()) throw FieldError{fmt::format("'{}' must be true or false", name)};
  return v.get<bool>();
}

bool is_znode_type(OpType t) { return t <= OpType::kCloseSession; }
bool writes_value(OpType t) {
  return t == OpType::kCreate || t == OpType::kSetData || t == OpType::kWrite || t == OpType::kCas ||
         t == OpType::kPut || t == OpType::kAppend;
}

OpResult parse_result(const Json& r) {
  if (!r.is_object()) throw FieldError{"'result' must be an object"};
  for (const auto& [name, value] : r.items()) {
    if (kResultFields.count(name) == 0) throw FieldError{fmt::format("unknown field 'result.{}'", name)};
  }
  OpResult out;
  // A nested "stat" object (ZooKeeper's Stat) is accepted as well as flat fields.
  const Json* stat = nullptr;
  if (r.contains("stat")) {
    if (!r["stat"].is_object()) throw FieldError{"'result.stat' must be an object"};
    stat = &r["stat"];
  }
  auto from = [&](const char* name) -> const Json* {
    if (r.contains(name)) return &r;
    if (stat != nullptr && stat->contains(name)) return stat;
    return nullptr;
  };
  if (r.contains("err")) out.err = want_string(r, "err", "result.");
  if (r.contains("zxid")) out.zxid = want_uint(r, "zxid", "result.");
  if (r.contains("path")) out.path = want_string(r, "path", "result.");
  if (r.contains("data") && !r["data"].is_null()) out.data = want_string(r, "data", "result.");
  if (const Json* j = from("version")) out.version = want_int32(*j, "version", "result.");
  if (const Json* j = from("cversion")) out.cversion = want_int32(*j, "cversion", "result.");
  if (const Json* j = from("czxid")) out.czxid = want_uint(*j, "czxid", "result.");
  if (const Json* j = from("numChildren")) out.num_children = want_int32(*j, "numChildren", "result.");
  if (const Json* j = from("ephemeralOwner")) out.ephemeral_owner = want_uint(*j, "ephemeralOwner", "result.");
  if (const Json* j = from("mzxid")) out.mzxid = want_uint(*j, "mzxid", "result.");
  if (r.contains("children")) {
    const Json& c = r["children"];
    if (!c.is_array()) throw FieldError{"'result.children' must be an array of strings"};
    std::vector<std::string> children;
    for (const Json& e : c) {
      if (!e.is_string()) throw FieldError{"'result.children' must be an array of strings"};
      children.push_back(e.get<std::string>());
    }
    out.children = std::move(children);
  }
  return out;
}

HistoryOp parse_op(const Json& j) {
  if (!j.is_object()) throw FieldError{"each line must be a JSON object"};
  for (const auto& [name, value] : j.items()) {
    if (kTopLevelFields.count(name) == 0) throw FieldError{fmt::format("unknown field '{}'", name)};
  }
  for (const char* required : {"id", "client", "invoke_ns", "type", "outcome"}) {
    if (!j.contains(required)) throw FieldError{fmt::format("'{}' is missing", required)};
  }
  HistoryOp op;
  op.id = want_uint(j, "id", "");
  const Json& client = j["client"];
  if (client.is_string()) {
    op.client = client.get<std::string>();
  } else if (client.is_number_integer()) {
    op.client = client.dump();
  } else {
    throw FieldError{"'client' must be a string or an integer"};
  }
  if (j.contains("session")) op.session = want_int(j, "session");
  if (j.contains("server")) {
    if (j["server"].is_string()) {
      op.server = j["server"].get<std::string>();
    } else if (j["server"].is_number_integer()) {
      op.server = j["server"].dump();
    } else {
      throw FieldError{"'server' must be a string or an integer"};
    }
  }
  op.invoke_ns = want_int(j, "invoke_ns");
  if (j.contains("complete_ns")) {
    op.complete_ns = want_int(j, "complete_ns");
    if (*op.complete_ns < op.invoke_ns) throw FieldError{"'complete_ns' must not be before 'invoke_ns'"};
  }
  const std::string type = want_string(j, "type", "");
  const auto parsed_type = op_type_from_name(type);
  if (!parsed_type) {
    throw FieldError{
        "'type' must be one of create, delete, setData, getData, exists, getChildren, sync, "
        "closeSession, read, write, cas, get, put, append"};
  }
  op.type = *parsed_type;
  if (j.contains("path") && j.contains("key")) throw FieldError{"give 'path' or 'key', not both"};
  if (j.contains("path")) op.path = want_string(j, "path", "");
  if (j.contains("key")) op.path = want_string(j, "key", "");
  if (is_znode_type(op.type) && op.type != OpType::kCloseSession && op.path.empty()) {
    throw FieldError{fmt::format("'path' is required for {}", type)};
  }
  if (j.contains("value")) op.value = want_string(j, "value", "");
  if (writes_value(op.type) && !op.value && op.type != OpType::kCreate) {
    throw FieldError{fmt::format("'value' is required for {}", type)};
  }
  if (j.contains("expected")) op.expected = want_string(j, "expected", "");
  if (op.type == OpType::kCas && !op.expected) throw FieldError{"'expected' is required for cas"};
  if (j.contains("version")) op.version = want_int32(j, "version", "");
  if (j.contains("ephemeral")) op.ephemeral = want_bool(j, "ephemeral");
  if (j.contains("sequential")) op.sequential = want_bool(j, "sequential");
  const std::string outcome = want_string(j, "outcome", "");
  if (outcome == "ok") {
    op.outcome = Outcome::kOk;
  } else if (outcome == "failed") {
    op.outcome = Outcome::kFailed;
  } else if (outcome == "indeterminate") {
    op.outcome = Outcome::kIndeterminate;
  } else {
    throw FieldError{"'outcome' must be one of ok, failed, indeterminate"};
  }
  if (op.outcome != Outcome::kIndeterminate && !op.complete_ns) {
    throw FieldError{fmt::format("'complete_ns' is required when 'outcome' is {}", outcome)};
  }
  if (j.contains("result")) op.result = parse_result(j["result"]);
  if (op.outcome == Outcome::kOk && op.result.err != "ok") {
    throw FieldError{fmt::format("'outcome' is ok but 'result.err' is {}", op.result.err)};
  }
  if (op.outcome == Outcome::kFailed && op.result.err == "ok") {
    throw FieldError{"'outcome' is failed: 'result.err' must name the error"};
  }
  if (op.outcome == Outcome::kOk && op.type == OpType::kCreate && op.sequential && !op.result.path) {
    throw FieldError{"a successful sequential create needs 'result.path' (the created node)"};
  }
  return op;
}

}  // namespace

const char* op_type_name(OpType type) {
  for (const auto& [t, name] : kOpTypeNames) {
    if (t == type) return name;
  }
  return "?";
}

std::optional<OpType> op_type_from_name(const std::string& name) {
  for (const auto& [t, n] : kOpTypeNames) {
    if (name == n) return t;
  }
  return std::nullopt;
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kIndeterminate: return "indeterminate";
  }
  return "?";
}

std::string HistoryOp::session_key() const {
  return session ? fmt::format("session {}", *session) : fmt::format("client {}", client);
}

bool read_history(std::istream& in, const std::string& source_name, History& out, HistoryReadError& error) {
  std::string text;
  std::size_t line = 0;
  std::set<std::uint64_t> ids;
  auto fail = [&](const std::string& what) {
    error.message = fmt::format("{}:{}: {}", source_name, line, what);
    return false;
  };
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json_input::JsonError json_error;
    const std::optional<Json> j = json_input::parse<Json>(text, json_error);
    if (!j) {
      if (json_error.pointer.empty()) return fail(json_error.message);
      return fail(fmt::format("{}: {}", json_error.pointer, json_error.message));
    }
    HistoryOp op;
    try {
      op = parse_op(*j);
    } catch (const FieldError& e) {
      return fail(e.message);
    } catch (const nlohmann::json::exception& e) {
      // Defensive: every access above is checked first, but a malformed line must never crash.
      return fail(fmt::format("unreadable operation ({})", e.what()));
    }
    if (!ids.insert(op.id).second) return fail(fmt::format("'id' {} is used twice", op.id));
    op.line = line;
    out.ops.push_back(std::move(op));
  }
  return true;
}

std::string history_op_json(const HistoryOp& op) {
  Json j;
  j["id"] = op.id;
  j["client"] = op.client;
  if (op.session) j["session"] = *op.session;
  if (op.server) j["server"] = *op.server;
  j["invoke_ns"] = op.invoke_ns;
  if (op.complete_ns) j["complete_ns"] = *op.complete_ns;
  j["type"] = op_type_name(op.type);
  const bool kv = op.type == OpType::kGet || op.type == OpType::kPut || op.type == OpType::kAppend;
  if (!op.path.empty()) j[kv ? "key" : "path"] = op.path;
  if (op.value) j["value"] = *op.value;
  if (op.expected) j["expected"] = *op.expected;
  if (op.version != -1) j["version"] = op.version;
  if (op.ephemeral) j["ephemeral"] = true;
  if (op.sequential) j["sequential"] = true;
  j["outcome"] = outcome_name(op.outcome);
  Json r = Json::object();
  const OpResult& res = op.result;
  if (res.err != "ok") r["err"] = res.err;
  if (res.zxid) r["zxid"] = *res.zxid;
  if (res.path) r["path"] = *res.path;
  if (res.data) r["data"] = *res.data;
  if (res.version) r["version"] = *res.version;
  if (res.cversion) r["cversion"] = *res.cversion;
  if (res.czxid) r["czxid"] = *res.czxid;
  if (res.mzxid) r["mzxid"] = *res.mzxid;
  if (res.num_children) r["numChildren"] = *res.num_children;
  if (res.ephemeral_owner) r["ephemeralOwner"] = *res.ephemeral_owner;
  if (res.children) r["children"] = *res.children;
  if (!r.empty()) j["result"] = std::move(r);
  // Data need not be UTF-8 (znode data is bytes): replace what JSON cannot carry rather than throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_history(std::ostream& out, const History& history) {
  for (const HistoryOp& op : history.ops) out << history_op_json(op) << '\n';
}

std::string describe_op(const HistoryOp& op) {
  std::string s = fmt::format("#{} {}", op.id, op.client);
  if (op.session) s += fmt::format("/s{}", *op.session);
  s += fmt::format(" {}", op_type_name(op.type));
  if (!op.path.empty()) s += " " + op.path;
  if (op.type == OpType::kCas) s += fmt::format(" \"{}\"->", op.expected.value_or(""));
  if (op.value) s += fmt::format(" \"{}\"", *op.value);
  if (op.version != -1) s += fmt::format(" v={}", op.version);
  if (op.ephemeral) s += " ephemeral";
  if (op.sequential) s += " sequential";
  const double invoke_ms = static_cast<double>(op.invoke_ns) / 1e6;
  if (op.complete_ns) {
    s += fmt::format(" [{:.3f} ms, {:.3f} ms]", invoke_ms, static_cast<double>(*op.complete_ns) / 1e6);
  } else {
    s += fmt::format(" [{:.3f} ms, never]", invoke_ms);
  }
  s += fmt::format(" {}", outcome_name(op.outcome));
  const OpResult& r = op.result;
  if (op.outcome == Outcome::kFailed) s += " " + r.err;
  if (op.outcome != Outcome::kIndeterminate) {
    if (r.path && op.type == OpType::kCreate) s += " -> " + *r.path;
    const bool reads_value = op.type == OpType::kGetData || op.type == OpType::kRead || op.type == OpType::kGet;
    if (reads_value && op.outcome == Outcome::kOk) s += r.data ? fmt::format(" -> \"{}\"", *r.data) : " -> nil";
    if (r.version) s += fmt::format(" version={}", *r.version);
    if (r.zxid) s += fmt::format(" zxid=0x{:x}", *r.zxid);
  }
  return s;
}

}  // namespace zab::check
