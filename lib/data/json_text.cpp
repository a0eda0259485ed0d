#include "data/json_text.h"

#include "data/utf8.h"

#include <fmt/format.h>

#include <cmath>

namespace medner {

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    char32_t c;
    if (!utf8_next(s, i, c)) {
      utf8_append(out, kReplacementChar);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F || c == 0x2028 || c == 0x2029) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.append(s.substr(at, i - at));
    }
  }
  out += '"';
  return out;
}

std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  return fmt::format("{}", x);
}

}  // namespace medner
