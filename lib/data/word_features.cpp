#include "data/word_features.h"

#include "data/utf8.h"

namespace medner {

std::string normalize_word(std::string_view token, const WordOptions& options) {
  std::string out(token);
  for (char& c : out) {
    if (options.lowercase && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (options.normalize_digits && c >= '0' && c <= '9') c = '0';
  }
  return out;
}

int casing_category(std::string_view token) {
  std::size_t digits = 0, lower = 0, upper = 0;
  for (char c : token) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c >= 'a' && c <= 'z') ++lower;
    else if (c >= 'A' && c <= 'Z') ++upper;
  }
  const std::size_t n = token.size();
  if (n > 0 && digits == n) return 1;
  if (n > 0 && 2 * digits > n) return 2;
  if (n > 0 && lower == n) return 3;
  if (n > 0 && upper == n) return 4;
  if (n > 0 && token[0] >= 'A' && token[0] <= 'Z') return 5;
  if (digits > 0) return 6;
  return 7;
}

std::vector<char32_t> token_chars(std::string_view token) {
  std::u32string s = utf8_decode(token);
  return std::vector<char32_t>(s.begin(), s.end());
}

}  // namespace medner
