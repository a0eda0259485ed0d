// Joins a corpus sentence's tokens back into plausible running text ("Parkinson ' s" ->
// "Parkinson's", "( n = 12 )" -> "(n = 12)", "0 . 05" -> "0.05"). Used to measure how well the
// raw-text tokenizer and sentence splitter reproduce the corpora (experiments/bench/
// tokenizer_agreement.cpp, docs/tokenizer.md). It never glues two word tokens together, and it
// does not try to recover the original text exactly (that is unknowable from the tokens).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace medner {

struct Detokenized {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // per token: code points into text
};

// Spacing rules (prev = token before, next = token after):
//  - no space before ) ] } , . ; : % ? ! and no space after ( [ {
//  - - / ' are attached on both sides ("5-fluorouracil", "mg/kg", "Parkinson's")
//  - '.' is a decimal point between a token ending in a digit and one starting with a digit
//    ("0.05", "D4.2", "11p15.5"), and before digits after a non-word token or before "0…"
//    ("P < .001", "P less than .05"); between single letters it forms "i.v.", "e.g."; after
//    c/g/p before a token with a digit it forms HGVS names ("c.695T", "p.Val204Asp")
//  - ':' between digits is attached ("4:00"); '+' right after a word is attached ("Ca2+")
//  - '"' alternates between opening (no space after) and closing (no space before)
Detokenized detokenize(const std::vector<std::string>& tokens);

}  // namespace medner
