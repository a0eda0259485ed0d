// What medner-eval scores: a conlleval-format file (token [more columns] gold predicted), or a
// gold and a predicted CoNLL file that must hold the same sentences and tokens. Either way the
// result is two corpora with identical tokens, gold tags in one and predicted tags in the other.
#pragma once

#include <iosfwd>
#include <string>

#include "data/conll.h"
#include "eval/metrics.h"

namespace medner {

struct EvalInput {
  Corpus gold;
  Corpus pred;
};

// conlleval's input format, read the way conlleval reads it where that is well defined:
// at least 3 columns, the same number on every token line (InputError "path:line: expected 4
// columns like line 1, got 3"); a blank line or a line whose first column is "-X-" ends a
// sentence; a -DOCSTART- line with all columns is an ordinary token (conlleval counts it), a
// shorter one ends a sentence. Both tag columns are checked like read_conll checks tags.
EvalInput read_conlleval(const std::string& path);
EvalInput read_conlleval(std::istream& in, const std::string& name);
EvalInput read_conlleval_text(std::string text, const std::string& name);

// Throws InputError unless gold and pred have the same sentences with the same tokens; the
// message names both files and both lines: "g.tsv:12: token 'a' differs from token 'b' at
// p.tsv:14".
void check_aligned(const Corpus& gold, const Corpus& pred);

// read_conll both files, then check_aligned.
EvalInput read_gold_pred(const std::string& gold_path, const std::string& pred_path);

// check_aligned, then evaluate the tag sequences.
EvalReport evaluate(const Corpus& gold, const Corpus& pred);
EvalReport evaluate(const EvalInput& input);

}  // namespace medner
