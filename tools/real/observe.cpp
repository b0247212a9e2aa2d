#include "tools/real/observe.h"

#include <charconv>
#include <ctime>

namespace zab::tools::real {

const char* log_event_name(LogEventKind kind) {
  switch (kind) {
    case LogEventKind::kLooking: return "LOOKING";
    case LogEventKind::kLeading: return "LEADING";
    case LogEventKind::kFollowing: return "FOLLOWING";
    case LogEventKind::kEstablished: return "established";
    case LogEventKind::kSyncDiff: return "sync DIFF";
    case LogEventKind::kSyncSnap: return "sync SNAP";
    case LogEventKind::kSyncTrunc: return "sync TRUNC";
    case LogEventKind::kUpToDate: return "up to date";
  }
  return "?";
}

namespace {

bool read_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "2026-12-07 12:28:04,907" -> ms since the epoch (local time, as log4j writes it).
std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  if (s.size() < 23 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != ',') {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, milli = 0;
  if (!read_int(s.substr(0, 4), year) || !read_int(s.substr(5, 2), month) || !read_int(s.substr(8, 2), day) ||
      !read_int(s.substr(11, 2), hour) || !read_int(s.substr(14, 2), minute) || !read_int(s.substr(17, 2), second) ||
      !read_int(s.substr(20, 3), milli)) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(t) * 1000 + milli;
}

// The hexadecimal number after `marker` (which ends in "0x").
std::optional<std::uint64_t> hex_after(std::string_view message, std::string_view marker) {
  const auto at = message.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view digits = message.substr(at + marker.size());
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (ec != std::errc() || end == digits.data()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<LogEvent> parse_log_line(std::string_view line) {
  const auto time = parse_timestamp(line);
  if (!time) return std::nullopt;
  // "[thread:Class@line] - message": the message follows the first "] - " after the thread.
  const auto open = line.find(" [");
  const auto close = open == std::string_view::npos ? open : line.find("] - ", open);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view where = line.substr(open + 2, close - open - 2);
  std::string_view message = line.substr(close + 4);
  while (!message.empty() && (message.back() == '\r' || message.back() == ' ')) message.remove_suffix(1);
  const auto colon = where.rfind(':');
  const std::string_view source = colon == std::string_view::npos ? where : where.substr(colon + 1);
  LogEvent e;
  e.wall_ms = *time;
  if (source.starts_with("QuorumPeer@")) {
    if (message == "LOOKING") e.kind = LogEventKind::kLooking;
    else if (message == "LEADING") e.kind = LogEventKind::kLeading;
    else if (message == "FOLLOWING") e.kind = LogEventKind::kFollowing;
    else return std::nullopt;
    return e;
  }
  if (source.starts_with("Leader@") && message.starts_with("Have quorum of supporters")) {
    e.kind = LogEventKind::kEstablished;
    e.zxid = hex_after(message, "last processed zxid: 0x");
    return e;
  }
  if (source.starts_with("Learner@")) {
    if (message.starts_with("Getting a diff from the leader")) {
      e.kind = LogEventKind::kSyncDiff;
    } else if (message.starts_with("Getting a snapshot from leader")) {
      e.kind = LogEventKind::kSyncSnap;
    } else if (message.starts_with("Truncating log to get in sync with the leader")) {
      e.kind = LogEventKind::kSyncTrunc;
    } else if (message == "Learner received UPTODATE message") {
      e.kind = LogEventKind::kUpToDate;
      return e;
    } else {
      return std::nullopt;
    }
    e.zxid = hex_after(message, "0x");
    return e;
  }
  return std::nullopt;
}

std::optional<ServerStatus> parse_srvr(std::string_view text) {
  ServerStatus s;
  bool mode = false, zxid = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.starts_with("Mode: ")) {
      s.mode = std::string(line.substr(6));
      mode = true;
    } else if (line.starts_with("Zxid: 0x")) {
      const std::string_view hex = line.substr(8);
      const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), s.zxid, 16);
      zxid = ec == std::errc() && end == hex.data() + hex.size();
    }
  }
  if (!mode || !zxid) return std::nullopt;
  return s;
}

}  // namespace zab::tools::real
