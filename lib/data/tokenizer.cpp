// Character classes and the single-pass tokenizer. Above ASCII the class comes from a small,
// sorted table of non-word ranges (spaces, punctuation, symbols); everything not listed is a
// word character. The table follows the Unicode general categories of the blocks that occur in
// biomedical text; it deliberately does not try to be a full Unicode database.
#include "data/tokenizer.h"

#include "core/error.h"
#include "data/sentence_splitter.h"
#include "data/utf8.h"

#include <algorithm>
#include <iterator>

namespace medner {
namespace {

struct ClassRange {
  char32_t first, last;  // inclusive
  CharClass cls;
};

constexpr CharClass S = CharClass::Space;
constexpr CharClass P = CharClass::Punct;

// Sorted, non-overlapping; code points above 0x7F not covered here are Word.
constexpr ClassRange kRanges[] = {
    {0x0080, 0x009F, S},  // C1 controls (NEL included)
    {0x00A0, 0x00A0, S},  // no-break space
    {0x00A1, 0x00A9, P},  // ¡ ¢ £ ¤ ¥ ¦ § ¨ ©
    {0x00AB, 0x00AC, P},  // « ¬   (U+00AA ª is a letter; U+00AD soft hyphen joins words)
    {0x00AE, 0x00B1, P},  // ® ¯ ° ±
    {0x00B4, 0x00B4, P},  // ´   (² ³ are digits, µ is a letter)
    {0x00B6, 0x00B8, P},  // ¶ · ¸
    {0x00BB, 0x00BB, P},  // »   (¹ º are word characters, ¼ ½ ¾ are numbers)
    {0x00BF, 0x00BF, P},  // ¿
    {0x00D7, 0x00D7, P},  // ×
    {0x00F7, 0x00F7, P},  // ÷
    {0x037E, 0x037E, P},  // Greek question mark
    {0x0387, 0x0387, P},  // Greek ano teleia
    {0x055A, 0x055F, P},  // Armenian punctuation
    {0x0589, 0x058A, P},
    {0x05BE, 0x05BE, P},  // Hebrew punctuation
    {0x05C0, 0x05C0, P},
    {0x05C3, 0x05C3, P},
    {0x05C6, 0x05C6, P},
    {0x05F3, 0x05F4, P},
    {0x0609, 0x060D, P},  // Arabic punctuation
    {0x061B, 0x061B, P},
    {0x061D, 0x061F, P},
    {0x066A, 0x066D, P},
    {0x06D4, 0x06D4, P},
    {0x0964, 0x0965, P},  // Devanagari danda
    {0x1680, 0x1680, S},  // Ogham space
    {0x180E, 0x180E, S},  // Mongolian vowel separator
    {0x2000, 0x200B, S},  // en quad .. zero width space
    {0x200E, 0x200F, S},  // LRM, RLM   (U+200C/D joiners stay inside words)
    {0x2010, 0x2027, P},  // dashes, quotes, bullets, ellipsis
    {0x2028, 0x202F, S},  // line/paragraph separators, bidi embeddings, narrow no-break space
    {0x2030, 0x205E, P},  // per mille, primes, misc punctuation
    {0x205F, 0x205F, S},  // medium mathematical space
    {0x2061, 0x206F, S},  // invisible operators, deprecated format characters
    {0x207A, 0x207E, P},  // superscript + - = ( )
    {0x208A, 0x208E, P},  // subscript + - = ( )
    {0x20A0, 0x20CF, P},  // currency
    {0x2100, 0x2101, P},  // letterlike symbols that are not letters
    {0x2103, 0x2106, P},
    {0x2108, 0x2109, P},
    {0x2114, 0x2114, P},
    {0x2116, 0x2118, P},
    {0x211E, 0x2123, P},
    {0x2125, 0x2125, P},
    {0x2127, 0x2127, P},
    {0x2129, 0x2129, P},
    {0x212E, 0x212E, P},
    {0x213A, 0x213B, P},
    {0x2140, 0x2144, P},
    {0x214A, 0x214D, P},
    {0x214F, 0x214F, P},
    {0x2190, 0x2BFF, P},  // arrows, math operators, technical, box drawing, shapes, dingbats
    {0x2E00, 0x2E7F, P},  // supplemental punctuation
    {0x3000, 0x3000, S},  // ideographic space
    {0x3001, 0x3003, P},  // CJK punctuation
    {0x3008, 0x3020, P},
    {0x3030, 0x3030, P},
    {0x303D, 0x303F, P},
    {0x30FB, 0x30FB, P},  // katakana middle dot
    {0xE000, 0xF8FF, P},  // private use
    {0xFD3E, 0xFD3F, P},  // ornate parentheses
    {0xFE10, 0xFE19, P},  // vertical forms
    {0xFE30, 0xFE6F, P},  // CJK compatibility forms, small form variants
    {0xFEFF, 0xFEFF, S},  // byte-order mark / zero width no-break space
    {0xFF01, 0xFF0F, P},  // fullwidth punctuation (digits and letters are Word)
    {0xFF1A, 0xFF20, P},
    {0xFF3B, 0xFF40, P},
    {0xFF5B, 0xFF65, P},
    {0xFFE0, 0xFFFF, P},  // fullwidth signs, specials, U+FFFD
    {0x1D100, 0x1D1FF, P},  // musical symbols
    {0x1F000, 0x1FAFF, P},  // mahjong .. emoji and pictographs
    {0xF0000, 0x10FFFF, P},  // supplementary private use
};

}  // namespace

CharClass char_class(char32_t cp) {
  if (cp < 0x80) {
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
      return CharClass::Word;
    if (cp <= 0x20 || cp == 0x7F) return CharClass::Space;
    return CharClass::Punct;
  }
  // First range whose last >= cp; it holds cp iff its first <= cp.
  const ClassRange* end = std::end(kRanges);
  auto below = [](const ClassRange& a, char32_t c) { return a.last < c; };
  const ClassRange* r = std::lower_bound(std::begin(kRanges), end, cp, below);
  if (r != end && r->first <= cp) return r->cls;
  return CharClass::Word;
}

// One pass: a Word character extends the open token or opens one; a Punct character closes the
// open token and is a token of its own; a Space character closes the open token.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  Token cur;
  bool open = false;
  std::size_t i = 0, cp_index = 0;
  while (i < text.size()) {
    std::size_t at = i;
    char32_t cp;
    bool valid = utf8_next(text, i, cp);
    if (!valid) cp = kReplacementChar;
    CharClass cls = char_class(cp);
    if (cls != CharClass::Word && open) {
      out.push_back(std::move(cur));
      open = false;
    }
    if (cls != CharClass::Space) {
      if (!open) {
        cur = Token();
        cur.begin = cp_index;
        cur.byte_begin = at;
        open = true;
      }
      if (valid)
        cur.text.append(text.substr(at, i - at));
      else
        utf8_append(cur.text, kReplacementChar);
      cur.end = cp_index + 1;
      cur.byte_end = i;
      if (cls == CharClass::Punct) {
        out.push_back(std::move(cur));
        open = false;
      }
    }
    ++cp_index;
  }
  if (open) out.push_back(std::move(cur));
  return out;
}

std::vector<std::vector<Token>> tokenize_sentences(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges = split_sentences(text);
  std::vector<Token> tokens = tokenize(text);
  std::vector<std::vector<Token>> out(ranges.size());
  // Tokens never contain whitespace and sentence ranges are separated by whitespace, so every
  // token falls inside exactly one range; both lists are sorted, so one merge pass assigns them.
  std::size_t s = 0;
  for (Token& t : tokens) {
    while (s < ranges.size() && ranges[s].second <= t.begin) ++s;
    MEDNER_CHECK(s < ranges.size() && ranges[s].first <= t.begin && t.end <= ranges[s].second,
                 "token at code points [{}, {}) is outside every sentence", t.begin, t.end);
    out[s].push_back(std::move(t));
  }
  return out;
}

}  // namespace medner
