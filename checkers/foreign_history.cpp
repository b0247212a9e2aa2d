#include "checkers/foreign_history.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "protocol/base/assert.h"

namespace zab::check {

namespace {

// The part of EDN that Jepsen histories use: nil, booleans, integers, strings, keywords,
// symbols, vectors, lists, maps (sets read as vectors). Commas are whitespace; `;` comments.
struct Edn {
  enum class Kind : std::uint8_t { kNil, kBool, kInt, kFloat, kString, kKeyword, kSymbol, kVector, kMap };
  Kind kind = Kind::kNil;
  std::string text;         // the string's contents, the keyword's or symbol's name, the number's digits
  std::vector<Edn> items;   // vector / list / set items; a map's keys and values alternating
  std::size_t line = 0;     // the line it starts on

  // A map's value for keyword `key`, or nullptr.
  const Edn* get(const char* key) const {
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      if (items[i].kind == Kind::kKeyword && items[i].text == key) return &items[i + 1];
    }
    return nullptr;
  }
};

class EdnReader {
 public:
  EdnReader(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  // The next top-level form; false at the end of the text, or with error_ set.
  bool next(Edn& out) {
    skip_space();
    if (pos_ >= text_.size()) return false;
    return read(out, 0);
  }
  const std::string& error() const { return error_; }
  bool failed() const { return !error_.empty(); }
  // For one-line formats: where the reader stopped.
  std::size_t position() const { return pos_; }

 private:
  static constexpr int kDepthMax = 32;  // Jepsen's values nest two or three levels

  bool fail(const std::string& what) { return fail_at(line_, what); }
  bool fail_at(std::size_t line, const std::string& what) {
    if (error_.empty()) error_ = fmt::format("{}:{}: {}", source_, line, what);
    return false;
  }

  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
        ++pos_;
      } else {
        return;
      }
    }
  }

  static bool is_token_char(char c) {
    return !std::isspace(static_cast<unsigned char>(c)) && c != ',' && c != '(' && c != ')' && c != '[' &&
           c != ']' && c != '{' && c != '}' && c != '"' && c != ';';
  }

  bool read(Edn& out, int depth) {
    if (depth > kDepthMax) return fail("EDN nested too deeply");
    skip_space();
    if (pos_ >= text_.size()) return fail("unexpected end of input");
    out = Edn{};
    out.line = line_;
    const char c = text_[pos_];
    if (c == '{' || c == '[' || c == '(' || (c == '#' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '{')) {
      if (c == '#') ++pos_;  // a set: read as a vector
      const char open = text_[pos_++];
      const char close = open == '{' ? '}' : open == '[' ? ']' : ')';
      out.kind = open == '{' && c != '#' ? Edn::Kind::kMap : Edn::Kind::kVector;
      // Bounded by the text: each pass consumes at least one character or returns.
      for (;;) {
        skip_space();
        if (pos_ >= text_.size()) return fail_at(out.line, fmt::format("'{}' is never closed", open));
        if (text_[pos_] == close) {
          ++pos_;
          break;
        }
        Edn item;
        if (!read(item, depth + 1)) return false;
        out.items.push_back(std::move(item));
      }
      if (out.kind == Edn::Kind::kMap && out.items.size() % 2 != 0) return fail("a map with an odd number of forms");
      return true;
    }
    if (c == '"') {
      out.kind = Edn::Kind::kString;
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        char ch = text_[pos_++];
        if (ch == '\n') ++line_;
        if (ch == '\\') {
          if (pos_ >= text_.size()) break;
          const char e = text_[pos_++];
          ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        }
        out.text += ch;
      }
      if (pos_ >= text_.size()) return fail_at(out.line, "a string is never closed");
      ++pos_;
      return true;
    }
    if (c == ')' || c == ']' || c == '}') return fail(fmt::format("unexpected '{}'", c));
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_token_char(text_[pos_])) ++pos_;
    std::string token = text_.substr(start, pos_ - start);
    if (token.empty()) return fail(fmt::format("unexpected '{}'", c));
    if (token[0] == ':') {
      out.kind = Edn::Kind::kKeyword;
      out.text = token.substr(1);
      if (out.text.empty()) return fail("an empty keyword");
    } else if (token == "nil") {
      out.kind = Edn::Kind::kNil;
    } else if (token == "true" || token == "false") {
      out.kind = Edn::Kind::kBool;
      out.text = token;
    } else if (std::isdigit(static_cast<unsigned char>(token[0])) ||
               ((token[0] == '-' || token[0] == '+') && token.size() > 1 && std::isdigit(static_cast<unsigned char>(token[1])))) {
      if (token.back() == 'N' || token.back() == 'M') token.pop_back();  // BigInt / BigDecimal suffixes
      const bool integral = std::all_of(token.begin() + 1, token.end(), [](unsigned char d) { return std::isdigit(d); });
      out.kind = integral ? Edn::Kind::kInt : Edn::Kind::kFloat;
      out.text = token[0] == '+' ? token.substr(1) : token;
    } else {
      out.kind = Edn::Kind::kSymbol;
      out.text = token;
    }
    return true;
  }

  const std::string& text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string error_;
};

// One Jepsen history entry, whichever format it came from.
struct Entry {
  std::int64_t process = 0;
  std::string type;   // invoke, ok, fail, info
  std::string f;      // read, write, cas, get, put, append
  const Edn* key = nullptr;
  Edn value;
  std::size_t line = 0;
};

// A scalar value as the history's string, or nullopt for nil.
bool scalar_text(const Edn& v, std::optional<std::string>& out) {
  switch (v.kind) {
    case Edn::Kind::kNil: out.reset(); return true;
    case Edn::Kind::kInt:
    case Edn::Kind::kFloat:
    case Edn::Kind::kString:
    case Edn::Kind::kBool:
    case Edn::Kind::kSymbol: out = v.text; return true;
    case Edn::Kind::kKeyword: out = ":" + v.text; return true;
    default: return false;
  }
}

struct Pending {
  HistoryOp op;
  std::size_t line = 0;
};

// Pairs invocations with completions per process and applies the format's reading of :fail.
class Builder {
 public:
  Builder(const std::string& source, HistoryFormat format, ModelKind model, History& out, HistoryReadError& error)
      : source_(source), format_(format), model_(model), out_(out), error_(error) {}

  bool fail(std::size_t line, const std::string& what) {
    error_.message = fmt::format("{}:{}: {}", source_, line, what);
    return false;
  }

  bool add(const Entry& e) {
    time_ += kEntryNs;
    if (e.type == "invoke") return invoke(e);
    if (e.type != "ok" && e.type != "fail" && e.type != "info") {
      return fail(e.line, fmt::format(":type must be :invoke, :ok, :fail or :info (got :{})", e.type));
    }
    auto it = pending_.find(e.process);
    if (it == pending_.end()) {
      return fail(e.line, fmt::format("process {} completes an operation (:{}) it never invoked", e.process, e.type));
    }
    Pending p = std::move(it->second);
    pending_.erase(it);
    const std::string invoked_f = op_type_name(p.op.type);
    if (e.f != invoked_f) {
      return fail(e.line, fmt::format("process {} invoked :{} on line {} but completes :{}", e.process, invoked_f, p.line, e.f));
    }
    HistoryOp& op = p.op;
    op.complete_ns = time_;
    const bool is_read = op.type == OpType::kRead || op.type == OpType::kGet;
    if (e.type == "info") {
      if (is_read) return true;  // an indeterminate read observed nothing
      op.outcome = Outcome::kIndeterminate;
      op.complete_ns.reset();
    } else if (e.type == "fail") {
      // Knossos: it did not happen. Porcupine's etcd harness: a cas whose compare failed.
      if (format_ != HistoryFormat::kJepsenLog || op.type != OpType::kCas) return true;
      op.outcome = Outcome::kFailed;
      op.result.err = "mismatch";
    } else if (is_read) {
      std::optional<std::string> read;
      if (!scalar_text(e.value, read)) return fail(e.line, "a read's :value must be nil or a scalar");
      if (read) op.result.data = *read;
    }
    out_.ops.push_back(std::move(op));
    return true;
  }

  // Invocations never completed are indeterminate (Knossos); then ids in order of invocation.
  void finish() {
    for (auto& [process, p] : pending_) {
      if (p.op.type == OpType::kRead || p.op.type == OpType::kGet) continue;
      p.op.outcome = Outcome::kIndeterminate;
      out_.ops.push_back(std::move(p.op));
    }
    pending_.clear();
    std::sort(out_.ops.begin(), out_.ops.end(), [](const HistoryOp& a, const HistoryOp& b) { return a.id < b.id; });
  }

 private:
  bool invoke(const Entry& e) {
    if (auto it = pending_.find(e.process); it != pending_.end()) {
      return fail(e.line, fmt::format("process {} invokes again while its operation from line {} is pending "
                                      "(Jepsen gives a process whose outcome is unknown a new number)",
                                      e.process, it->second.line));
    }
    HistoryOp op;
    op.id = next_id_++;
    op.client = fmt::format("p{}", e.process);
    op.invoke_ns = time_;
    op.line = e.line;
    const auto type = op_type_from_name(e.f);
    const bool register_op = type == OpType::kRead || type == OpType::kWrite || type == OpType::kCas;
    const bool kv_op = type == OpType::kGet || type == OpType::kPut || type == OpType::kAppend;
    if (model_ == ModelKind::kRegister && !register_op) {
      return fail(e.line, fmt::format(":f :{} is not a register operation (read, write, cas)", e.f));
    }
    if (model_ == ModelKind::kKeyValue && !kv_op) {
      return fail(e.line, fmt::format(":f :{} is not a kv operation (get, put, append)", e.f));
    }
    op.type = *type;
    if (kv_op) {
      std::optional<std::string> key;
      if (e.key == nullptr || !scalar_text(*e.key, key) || !key) return fail(e.line, "a kv operation needs a :key");
      op.path = *key;
    }
    if (op.type == OpType::kCas) {
      std::optional<std::string> expected, value;
      if (e.value.kind != Edn::Kind::kVector || e.value.items.size() != 2 || !scalar_text(e.value.items[0], expected) ||
          !scalar_text(e.value.items[1], value) || !expected || !value) {
        return fail(e.line, "a cas's :value must be [expected new]");
      }
      op.expected = expected;
      op.value = value;
    } else if (op.type == OpType::kWrite || op.type == OpType::kPut || op.type == OpType::kAppend) {
      std::optional<std::string> value;
      if (!scalar_text(e.value, value) || !value) return fail(e.line, fmt::format("a {}'s :value must be a scalar", e.f));
      op.value = value;
    }
    pending_.emplace(e.process, Pending{.op = std::move(op), .line = e.line});
    return true;
  }

  const std::string& source_;
  HistoryFormat format_;
  ModelKind model_;
  History& out_;
  HistoryReadError& error_;
  std::map<std::int64_t, Pending> pending_;  // by process
  // The entry's index as its time, one millisecond apiece, so that a witness's "[3.000 ms,
  // 5.000 ms]" reads as entries 3 to 5: real-time order is the order of the entries.
  static constexpr std::int64_t kEntryNs = 1'000'000;
  std::int64_t time_ = 0;
  std::uint64_t next_id_ = 1;
};

bool process_number(const Edn& v, std::int64_t& out) {
  if (v.kind != Edn::Kind::kInt) return false;
  try {
    out = std::stoll(v.text);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

bool read_edn(const std::string& text, const std::string& source, Builder& builder, HistoryReadError& error) {
  EdnReader reader(text, source);
  std::vector<Edn> forms;
  Edn form;
  while (reader.next(form)) forms.push_back(std::move(form));
  if (reader.failed()) {
    error.message = reader.error();
    return false;
  }
  // A history is a sequence of maps, or one vector (or list) of them.
  if (forms.size() == 1 && forms[0].kind == Edn::Kind::kVector) forms = std::move(forms[0].items);
  for (const Edn& m : forms) {
    if (m.kind != Edn::Kind::kMap) return builder.fail(m.line, "expected an operation map {:process ... :type ... :f ...}");
    const Edn* process = m.get("process");
    const Edn* type = m.get("type");
    const Edn* f = m.get("f");
    if (process == nullptr || type == nullptr || f == nullptr) return builder.fail(m.line, "an operation needs :process, :type and :f");
    Entry e;
    if (!process_number(*process, e.process)) {
      if (process->kind == Edn::Kind::kKeyword) continue;  // :nemesis and the like: not a client
      return builder.fail(m.line, ":process must be an integer or a keyword");
    }
    if (type->kind != Edn::Kind::kKeyword || f->kind != Edn::Kind::kKeyword) {
      return builder.fail(m.line, ":type and :f must be keywords");
    }
    e.type = type->text;
    e.f = f->text;
    e.key = m.get("key");
    if (const Edn* value = m.get("value")) e.value = *value;
    e.line = m.line;
    if (!builder.add(e)) return false;
  }
  return true;
}

bool read_log(const std::string& text, const std::string& source, Builder& builder, HistoryReadError& error) {
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  constexpr std::string_view kMarker = "jepsen.util - ";
  while (std::getline(in, line)) {
    ++number;
    const auto at = line.find(kMarker);
    if (at == std::string::npos) continue;  // other log output
    // "P\t:type\t:f\tVALUE": the fields are EDN forms separated by whitespace.
    const std::string rest = line.substr(at + kMarker.size());
    const std::string where = fmt::format("{}:{}", source, number);
    EdnReader reader(rest, where);
    Edn process, type, f, value;
    if (!reader.next(process) || !reader.next(type) || !reader.next(f) || !reader.next(value)) {
      error.message = reader.failed() ? reader.error() : where + ": expected PROCESS :TYPE :F VALUE after 'jepsen.util - '";
      return false;
    }
    Entry e;
    if (!process_number(process, e.process)) {
      if (process.kind == Edn::Kind::kKeyword || process.kind == Edn::Kind::kSymbol) continue;  // :nemesis
      return builder.fail(number, "the process must be an integer");
    }
    if (type.kind != Edn::Kind::kKeyword || f.kind != Edn::Kind::kKeyword) {
      return builder.fail(number, "expected PROCESS :TYPE :F VALUE, with :TYPE and :F keywords");
    }
    e.type = type.text;
    e.f = f.text;
    e.value = std::move(value);
    e.line = number;
    if (!builder.add(e)) return false;
  }
  return true;
}

}  // namespace

std::optional<HistoryFormat> history_format_from_name(const std::string& name) {
  if (name == "jsonl") return HistoryFormat::kJsonLines;
  if (name == "jepsen-edn") return HistoryFormat::kJepsenEdn;
  if (name == "jepsen-log") return HistoryFormat::kJepsenLog;
  return std::nullopt;
}

bool read_history_as(std::istream& in, const std::string& source_name, HistoryFormat format, ModelKind model,
                     History& out, HistoryReadError& error) {
  if (format == HistoryFormat::kJsonLines) return read_history(in, source_name, out, error);
  if (model == ModelKind::kZnode) {
    error.message = fmt::format("{}: Jepsen histories are read for the register or kv model (--model register|kv)", source_name);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  Builder builder(source_name, format, model, out, error);
  const bool ok = format == HistoryFormat::kJepsenEdn ? read_edn(text.str(), source_name, builder, error)
                                                      : read_log(text.str(), source_name, builder, error);
  if (!ok) return false;
  builder.finish();
  return true;
}

void add_initial_value(History& history, ModelKind model, const std::string& value) {
  ZAB_ASSERT(model != ModelKind::kZnode, "an initial value is given only to the register and kv models");
  std::set<std::string> keys;
  std::int64_t first_ns = std::numeric_limits<std::int64_t>::max();
  std::uint64_t next_id = 0;
  for (const HistoryOp& op : history.ops) {
    keys.insert(model == ModelKind::kRegister ? std::string() : op.path);
    first_ns = std::min(first_ns, op.invoke_ns);
    next_id = std::max(next_id, op.id + 1);
  }
  if (history.ops.empty()) return;
  ZAB_ASSERT(first_ns > std::numeric_limits<std::int64_t>::min(), "an invocation time leaves room before it");
  for (const std::string& key : keys) {
    HistoryOp op;
    op.id = next_id++;
    op.client = "initial";
    op.type = model == ModelKind::kRegister ? OpType::kWrite : OpType::kPut;
    op.path = key;
    op.value = value;
    // Completed before the first invocation, so that everything sees it.
    op.invoke_ns = first_ns - 1;
    op.complete_ns = first_ns - 1;
    history.ops.push_back(std::move(op));
  }
}

}  // namespace zab::check
