// Pre-tokenized text without tags (medner-tag --input-format tokens): one token a line, blank
// lines between sentences, -DOCSTART- lines between documents as in CoNLL files. The checks are
// the CoNLL reader's (UTF-8, NUL bytes, a CR inside a line; ConllScanner), plus one: a line
// holding more than one field is an error, since it is most likely a CoNLL file with its tags.
#pragma once

#include <iosfwd>
#include <string>

#include "data/conll.h"

namespace medner {

// The sentences with their tokens; tags stay empty. Leading and trailing tabs and spaces around
// a token are dropped; blank and whitespace-only lines end a sentence. An input without tokens
// gives a corpus without sentences (a tagger then writes nothing). InputError "path:line: ...":
//   in.txt:3: expected one token per line, got 2 fields ('BRCA1', 'B-Gene'); for token and tag
//   columns use --input-format conll
Corpus read_token_lines_text(std::string text, const std::string& name);
Corpus read_token_lines(std::istream& in, const std::string& name);

}  // namespace medner
