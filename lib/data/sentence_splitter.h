// Rule-based sentence splitter for PubMed-style running text (titles and abstracts). It is
// tuned to agree with the sentence boundaries of the bundled corpora; it does not attempt
// abbreviation learning or statistical disambiguation. Rules: docs/tokenizer.md.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace medner {

// Sentences of text as [begin, end) code-point ranges, in order, trimmed of surrounding
// whitespace, never empty; whitespace-only text gives none. A boundary is
//  - a blank line (two or more line breaks with only whitespace between) or U+2029, always;
//  - a run of . ! ? (plus closing quotes or brackets right after it) followed by whitespace and
//    then an uppercase letter, a digit, a Greek letter, an opening bracket/quote or a lowercase
//    word with a later capital ("mRNA"), except when the run is a single '.' ending an
//    abbreviation: an initial or dotted abbreviation ("J. N.", "e.g.", "i.v.") or a listed word
//    ("et al.", "vs.", "Fig.", "Dr.", "approx.", journal words). "vitamin D." and "24 h." end
//    sentences.
// Invalid UTF-8 counts one code point per invalid byte (as tokenize does); linear time.
std::vector<std::pair<std::size_t, std::size_t>> split_sentences(std::string_view text);

}  // namespace medner
