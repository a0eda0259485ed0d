// How a token becomes model input: the normalised word form looked up in the word vocabulary,
// a casing category (so a lower-cased word embedding loses no capitalisation signal), and its
// characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medner {

struct WordOptions {
  bool lowercase = true;         // look words up lower-cased (GloVe 6B is uncased)
  bool normalize_digits = false; // map every digit to '0' before lookup
};

// ASCII letters are lower-cased; other bytes are kept (UTF-8 safe).
std::string normalize_word(std::string_view token, const WordOptions& options);

// Casing categories (Reimers & Gurevych 2017): 0 padding, 1 numeric, 2 mainly numeric (> 50%
// digits), 3 all lower, 4 all upper, 5 initial upper, 6 contains a digit, 7 other.
constexpr int kCasingCount = 8;
int casing_category(std::string_view token);

// Code points of a token (invalid UTF-8 bytes become U+FFFD).
std::vector<char32_t> token_chars(std::string_view token);

}  // namespace medner
