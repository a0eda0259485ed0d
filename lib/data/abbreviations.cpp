#include "data/abbreviations.h"

#include <algorithm>

namespace medner {

namespace {

bool ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
unsigned char ascii_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; }

// A token with a letter or digit: what Schwartz & Hearst's space-separated words are made of.
bool is_word(const std::string& token) {
  return std::any_of(token.begin(), token.end(), [](char c) { return ascii_alnum(static_cast<unsigned char>(c)); });
}

std::size_t count_words(const std::vector<std::string>& tokens, std::size_t begin, std::size_t end) {
  std::size_t n = 0;
  for (std::size_t i = begin; i < end; ++i) n += is_word(tokens[i]) ? 1 : 0;
  return n;
}

// Tokens [begin, end) as the short form's text: joined without spaces, since "IL-2" arrives as
// IL - 2 and the match skips what is not a letter or digit anyway.
std::string joined(const std::vector<std::string>& tokens, std::size_t begin, std::size_t end) {
  std::string s;
  for (std::size_t i = begin; i < end; ++i) s += tokens[i];
  return s;
}

// Code points of UTF-8 text (continuation bytes not counted).
std::size_t code_points(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool valid_short_form(const std::string& sf) {
  const std::size_t n = code_points(sf);
  if (n < 2 || n > 10 || !ascii_alnum(static_cast<unsigned char>(sf[0]))) return false;
  bool letter = false, not_lower = false;
  for (char ch : sf) {
    const auto c = static_cast<unsigned char>(ch);
    letter = letter || ascii_letter(c) || c >= 0x80;
    not_lower = not_lower || !(c >= 'a' && c <= 'z');
  }
  return letter && not_lower;
}

// The long form of `sf` among tokens [begin, end) (the candidate), as its first token, or end if
// there is none; applies Schwartz & Hearst's rejections.
std::size_t match_long_form(const std::vector<std::string>& tokens, std::size_t begin, std::size_t end,
                            const std::string& sf) {
  std::string text;
  std::vector<std::size_t> starts;  // offset of each token in text
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) text += ' ';
    starts.push_back(text.size());
    text += tokens[i];
  }
  const std::size_t at = long_form_start(sf, text);
  if (at == std::string::npos) return end;
  // The token holding the match: the long form starts there.
  const std::size_t first =
      begin + static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), at) - starts.begin()) - 1;
  if (code_points(joined(tokens, first, end)) + (end - first - 1) <= code_points(sf)) return end;
  for (std::size_t i = first; i < end; ++i)
    if (tokens[i] == sf) return end;
  return first;
}

}  // namespace

// Right to left over the short form: each letter or digit is found further left in the
// candidate than the last, case-insensitively; the first character must also begin a word
// (nothing alphanumeric before it). What is left of the last match is not part of the long form.
std::size_t long_form_start(const std::string& short_form, const std::string& candidate) {
  std::size_t l = candidate.size();  // the next match lies in [0, l)
  for (std::size_t s = short_form.size(); s-- > 0;) {
    const unsigned char c = ascii_lower(static_cast<unsigned char>(short_form[s]));
    if (!ascii_alnum(c) && c < 0x80) continue;
    for (;;) {
      if (l == 0) return std::string::npos;
      --l;
      if (ascii_lower(static_cast<unsigned char>(candidate[l])) != c) continue;
      if (s == 0 && l > 0 && ascii_alnum(static_cast<unsigned char>(candidate[l - 1]))) continue;
      break;
    }
  }
  return l;
}

namespace {

// "long form ( short form )": the short form is tokens [open + 1, inner_end).
bool long_form_first(const std::vector<std::string>& tokens, std::size_t open, std::size_t inner_end,
                     AbbreviationDefinition& d) {
  const std::string sf = joined(tokens, open + 1, inner_end);
  if (!valid_short_form(sf)) return false;
  const std::size_t chars = code_points(sf);
  const std::size_t max_words = std::min(chars + 5, 2 * chars);
  std::size_t begin = open;  // the candidate: back to max_words words, not over a parenthesis
  for (std::size_t words = 0; begin > 0 && words < max_words;) {
    const std::string& t = tokens[begin - 1];
    if (t == "(" || t == ")") break;
    --begin;
    words += is_word(t) ? 1 : 0;
  }
  const std::size_t first = match_long_form(tokens, begin, open, sf);
  if (first == open) return false;
  d = {open + 1, inner_end, first, open};
  return true;
}

// "short form ( long form )": the short form is the token before the parenthesis.
bool short_form_first(const std::vector<std::string>& tokens, std::size_t open, std::size_t inner_end,
                      AbbreviationDefinition& d) {
  if (open == 0) return false;
  const std::string& sf = tokens[open - 1];
  if (!valid_short_form(sf)) return false;
  const std::size_t chars = code_points(sf);
  if (count_words(tokens, open + 1, inner_end) > std::min(chars + 5, 2 * chars)) return false;
  const std::size_t first = match_long_form(tokens, open + 1, inner_end, sf);
  if (first == inner_end) return false;
  d = {open - 1, open, first, inner_end};
  return true;
}

}  // namespace

// Schwartz & Hearst read parentheses of at most 2 words as a short form, and swap the reading
// when that fails their length test; here the other reading is tried whenever the first finds no
// definition ("ALD (adrenoleukodystrophy)" has a one-word long form in the parentheses).
std::vector<AbbreviationDefinition> find_abbreviations(const std::vector<std::string>& tokens) {
  std::vector<AbbreviationDefinition> out;
  const std::size_t n = tokens.size();
  for (std::size_t open = 0; open < n; ++open) {
    if (tokens[open] != "(") continue;
    std::size_t close = open + 1;
    for (int depth = 1; close < n; ++close) {
      if (tokens[close] == "(") ++depth;
      if (tokens[close] == ")" && --depth == 0) break;
    }
    if (close >= n) continue;  // unbalanced: no candidate
    std::size_t inner_end = open + 1;
    while (inner_end < close && tokens[inner_end] != ";" && tokens[inner_end] != "," && tokens[inner_end] != "(")
      ++inner_end;
    if (inner_end == open + 1) continue;
    AbbreviationDefinition d;
    const bool found = count_words(tokens, open + 1, inner_end) <= 2
                           ? long_form_first(tokens, open, inner_end, d) || short_form_first(tokens, open, inner_end, d)
                           : short_form_first(tokens, open, inner_end, d);
    if (found) out.push_back(d);
  }
  return out;
}

}  // namespace medner
