// JSON text: the one string escaper and number writer behind every JSON the project writes
// (medner-tag's JSON lines, medner-eval's reports, the training log, the benchmarks).
#pragma once

#include <string>
#include <string_view>

namespace medner {

// s as a JSON string literal, quotes included: \" \\ escaped, control characters (and U+007F,
// U+2028, U+2029) as \u00XX / \u2028, other UTF-8 passed through, invalid bytes as U+FFFD.
std::string json_quote(std::string_view s);

// A double as a JSON number that reads back to the same value; NaN and infinities as null.
std::string json_number(double x);

}  // namespace medner
