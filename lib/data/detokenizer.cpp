// Detokenization by per-token gluing: each token may refuse a space on its left and/or right;
// a space goes between two tokens unless either refuses it. Rules are listed in detokenizer.h.
#include "data/detokenizer.h"

#include "data/tokenizer.h"
#include "data/utf8.h"

#include <string_view>

namespace medner {
namespace {

bool is_word(std::string_view t) {
  if (t.empty()) return false;
  std::size_t i = 0;
  char32_t cp;
  if (!utf8_next(t, i, cp)) return false;
  return char_class(cp) == CharClass::Word;
}

bool is_digits(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool starts_with_digit(std::string_view t) { return !t.empty() && is_digit(t.front()); }
bool ends_with_digit(std::string_view t) { return !t.empty() && is_digit(t.back()); }

bool has_digit(std::string_view t) {
  for (char c : t)
    if (c >= '0' && c <= '9') return true;
  return false;
}

bool is_single_letter(std::string_view t) {
  return t.size() == 1 && ((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'));
}

bool is_opener(std::string_view t) { return t == "(" || t == "[" || t == "{"; }

struct Glue {
  bool left = false, right = false;  // refuses a space before / after itself
};

Glue glue_of(const std::vector<std::string>& tok, std::size_t i, bool& quote_open) {
  auto at = [&](std::size_t k) { return k < tok.size() ? std::string_view(tok[k]) : ""; };
  const std::string_view t = tok[i];
  const std::string_view prev = i > 0 ? at(i - 1) : std::string_view();
  const std::string_view next = at(i + 1);
  const std::string_view next2 = at(i + 2);
  Glue g;
  if (t == ")" || t == "]" || t == "}" || t == "," || t == ";" || t == "%" || t == "?" ||
      t == "!") {
    g.left = true;
  } else if (is_opener(t)) {
    g.right = true;
  } else if (t == "-" || t == "/" || t == "'") {
    g.left = g.right = true;
    // "12 +/- 3": the sign pair stands apart from the number after it.
    if (t == "-" && prev == "/" && i >= 2 && tok[i - 2] == "+") g.right = false;
  } else if (t == ".") {
    g.left = true;
    if (starts_with_digit(next) && ends_with_digit(prev)) {
      g.right = true;  // 0.05, D4.2, 11p15.5, 30.0mg
    } else if (starts_with_digit(next) && !prev.empty() && !is_word(prev)) {
      g.left = is_opener(prev);  // P < .001
      g.right = true;
    } else if (is_digits(next) && next.size() >= 2 && next[0] == '0' && !prev.empty()) {
      g.left = false;  // P less than .05: a sentence does not start with "05"
      g.right = true;
    } else if (is_single_letter(prev) && is_single_letter(next) && next2 == ".") {
      g.right = true;  // i.v., e.g.
    } else if ((prev == "c" || prev == "g" || prev == "p") && (i < 2 || tok[i - 2] != ".") &&
               has_digit(next)) {
      g.right = true;  // HGVS variant names: c.695T, p.Val204Asp
    }
  } else if (t == ":") {
    g.left = true;
    g.right = is_digits(prev) && is_digits(next);  // 4:00, 1:1
  } else if (t == "+") {
    g.left = is_word(prev) && !is_word(next) && next != "/";  // Ca2+, K+ channels
  } else if (t == "\"") {
    (quote_open ? g.left : g.right) = true;
    quote_open = !quote_open;
  }
  return g;
}

}  // namespace

Detokenized detokenize(const std::vector<std::string>& tokens) {
  Detokenized out;
  out.spans.reserve(tokens.size());
  bool quote_open = false, prev_right = true;
  std::size_t cp = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    Glue g = glue_of(tokens, i, quote_open);
    if (!prev_right && !g.left) {
      out.text += ' ';
      ++cp;
    }
    std::size_t len = utf8_length(tokens[i]);
    out.text += tokens[i];
    out.spans.emplace_back(cp, cp + len);
    cp += len;
    prev_right = g.right;
  }
  return out;
}

}  // namespace medner
