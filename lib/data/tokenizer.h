// Raw-text tokenizer that splits the way the bundled corpora (BC5CDR, NCBI-disease) are tokenized:
// a token is a maximal run of word characters (letters, digits, combining marks) or one single
// punctuation/symbol character; whitespace and control characters separate tokens. Offsets are
// Unicode code points (Python's str indexing). No normalisation: a token's text is exactly
// the slice of the input it covers (after UTF-8 repair). See docs/tokenizer.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

struct Token {
  std::string text;                          // UTF-8; invalid input bytes appear as U+FFFD
  std::size_t begin = 0, end = 0;            // code points into the text: text[begin:end]
  std::size_t byte_begin = 0, byte_end = 0;  // bytes into the text exactly as given
};

enum class CharClass { Space, Word, Punct };

// Space: ASCII/C1 control characters (NUL included), Unicode spaces, line/paragraph separators,
// invisible format characters (BOM, ZWSP, bidi marks). Word: ASCII letters and digits and, above
// ASCII, letters, digits, marks and joiners of any script (including micro sign, Greek, CJK).
// Punct: everything else (ASCII punctuation, '_', dashes, quotes, math, currency, arrows,
// emoji, private use, U+FFFD), each of which becomes a token of its own.
CharClass char_class(char32_t cp);

// Invalid UTF-8 is repaired first (each invalid byte counts as one U+FFFD code point, as in
// utf8_length), so it never throws; linear time and one pass over the input.
std::vector<Token> tokenize(std::string_view text);

// split_sentences (sentence_splitter.h) then tokenize: one token list per sentence, with offsets
// into the whole text (not into the sentence).
std::vector<std::vector<Token>> tokenize_sentences(std::string_view text);

}  // namespace medner
