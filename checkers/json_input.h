#pragma once
// Reading JSON that a user wrote: every file zabsim reads (scenarios, study specs, run records,
// histories, campaign lines) goes through here, so that bad input is always a located message
// and never an exception, a crash or unbounded memory. Stricter than nlohmann's defaults:
//   - a key repeated in one object is an error (nlohmann keeps the last one, silently);
//   - nesting deeper than kJsonDepthMax is an error (dump() and copies recurse, and a
//     100,000-level value would overflow the stack there);
//   - a number outside double's range (1e400) is an error with its JSON pointer, where
//     nlohmann throws out_of_range, which is not a parse_error;
//   - a file is read only if it is a regular file (or a pipe) of at most kInputBytesMax.
// Header-only, and depends on nlohmann alone, so that the checkers (which depend on nothing
// of ours) and the simulator's scenario parser share it.

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace zab::json_input {

inline constexpr std::size_t kJsonDepthMax = 64;                     // objects and arrays inside each other
inline constexpr std::uintmax_t kInputBytesMax = 256ULL * 1024 * 1024;  // one input file

// Where and what: `pointer` is a JSON pointer ("/faults/3/at_ms"), "" for the document or when
// the place is a line and column (then inside `message`).
struct JsonError {
  std::string pointer;
  std::string message;
  // "/faults/3: a key repeated..." or the message alone.
  std::string text() const { return pointer.empty() ? message : pointer + ": " + message; }
};

namespace detail {

// nlohmann's what() without its "[json.exception.parse_error.101] " prefix.
inline std::string short_what(const nlohmann::json::exception& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return what.starts_with("[json.exception.") && end != std::string::npos ? what.substr(end + 2) : what;
}

inline std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Follows the parser through the document, so that an error can name the JSON pointer of the
// value being read.
class Walker {
 public:
  struct Refused {
    JsonError error;
  };

  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      if (f.array) {
        out += "/" + std::to_string(f.index);
      } else if (f.has_key) {
        out += "/" + escape_token(f.key);
      }
    }
    return out;
  }

  template <typename Json>
  bool on_event(nlohmann::detail::parse_event_t event, const Json& parsed) {
    using E = nlohmann::detail::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (frames_.size() >= kJsonDepthMax) {
          throw Refused{{pointer(), fmt::format("nested deeper than {} levels", kJsonDepthMax)}};
        }
        frames_.push_back(Frame{.array = event == E::array_start});
        break;
      case E::key: {
        Frame& f = frames_.back();
        f.key = parsed.template get<std::string>();
        f.has_key = true;
        if (!f.keys.insert(f.key).second) throw Refused{{pointer(), "this key appears twice in the object"}};
        break;
      }
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        advance();
        break;
      case E::value:
        advance();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;       // array: the element being read
    bool has_key = false;        // object: a key has been read
    std::string key;             // object: the member being read
    std::set<std::string> keys;  // object: the keys read so far
  };
  void advance() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::vector<Frame> frames_;
};

}  // namespace detail

// Parses `text` strictly (see above). Never throws.
template <typename Json = nlohmann::json>
std::optional<Json> parse(const std::string& text, JsonError& error) {
  detail::Walker walker;
  typename Json::parser_callback_t callback = [&walker](int, nlohmann::detail::parse_event_t event, Json& parsed) {
    return walker.on_event(event, parsed);
  };
  try {
    return Json::parse(text, callback);
  } catch (const detail::Walker::Refused& refused) {
    error = refused.error;
  } catch (const nlohmann::json::parse_error& e) {
    error = {"", fmt::format("not valid JSON: {}", detail::short_what(e))};
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: a number that does not fit in a double.
    error = {walker.pointer(), fmt::format("a number out of range ({})", detail::short_what(e))};
  } catch (const nlohmann::json::exception& e) {
    error = {walker.pointer(), fmt::format("not valid JSON: {}", detail::short_what(e))};
  }
  return std::nullopt;
}

// Reads a whole input file: nullopt with `error` ("cannot be read", "is a directory, not a
// file", "is larger than 256 MiB") if it cannot be.
inline std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    error = "cannot be read (no such file)";
    return std::nullopt;
  }
  if (std::filesystem::is_directory(status)) {
    error = "is a directory, not a file";
    return std::nullopt;
  }
  if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(path, ec) > kInputBytesMax) {
    error = fmt::format("is larger than {} MiB", kInputBytesMax / (1024 * 1024));
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot be read";
    return std::nullopt;
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kInputBytesMax) {
      error = fmt::format("is larger than {} MiB", kInputBytesMax / (1024 * 1024));
      return std::nullopt;
    }
  }
  if (in.bad()) {
    error = "cannot be read";
    return std::nullopt;
  }
  return text;
}

}  // namespace zab::json_input
