#pragma once
// Text for SVG (and any XML): the characters that would end a text node or a double-quoted
// attribute value, written as entities. Shared by the study's and the campaign's charts.

#include <string>
#include <string_view>

namespace zab::tools {

inline std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace zab::tools
