// Abbreviations defined in a document, and the entity types they carry.
//
// Biomedical text defines a short form in parentheses after its long form, "hereditary
// nonpolyposis colorectal cancer (HNPCC)", or the other way round, "HNPCC (hereditary
// nonpolyposis colorectal cancer)", and then uses the short form alone. A tagger that reads one
// sentence sees "HNPCC" without its definition; the document says what it is.
//
// Detection is Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation
// definitions in biomedical text", on tokens. Their candidate rules:
//   - the text inside a pair of parentheses, cut at the first ';' or ',' (and here at a nested
//     '('), is the short form if it is at most 2 words and 2 to 10 characters, its first character
//     is a letter or digit and it has a letter; the long form candidate is the
//     min(|SF| + 5, 2 |SF|) words before the '(' (|SF| in characters);
//   - if the parentheses hold more than 2 words (or, here, whenever the reading above finds no
//     definition), the word before '(' is the short form and the parentheses' text the long form
//     candidate, of at most min(|SF| + 5, 2 |SF|) words;
//   - the long form is the shortest end of the candidate that holds the short form's letters and
//     digits in order, right to left, the short form's first character at the start of a word;
//   - rejected: a long form no longer than the short form, or that holds the short form as a word.
// On tokens a "word" is a token with a letter or digit (the tokenizer splits "IL-2" into IL - 2,
// which counts 2 words), and the long form begins at a token. Two rules are added: a short form
// that is all lower-case letters ("(see)", "(type)") is an ordinary word, not an abbreviation, and
// a long form candidate does not reach back over another parenthesis.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace medner {

// One definition in a sentence: token spans [begin, end).
struct AbbreviationDefinition {
  std::size_t short_begin = 0, short_end = 0;
  std::size_t long_begin = 0, long_end = 0;
};

// The definitions of one tokenized sentence, in order of their parentheses.
std::vector<AbbreviationDefinition> find_abbreviations(const std::vector<std::string>& tokens);

// The Schwartz & Hearst match on text: where the long form of `short_form` starts in
// `candidate` (a word start, by the rule above), or npos if the characters do not match.
std::size_t long_form_start(const std::string& short_form, const std::string& candidate);

}  // namespace medner
