// Scoring inputs: the conlleval-format reader (boundaries, -DOCSTART-, column checks, tag
// errors) and the gold/pred alignment check with messages naming both files and lines.
#include "eval/eval_input.h"

#include <doctest/doctest.h>

#include <string>

#include "core/error.h"

using namespace medner;

namespace {

std::string conlleval_error(const std::string& text) {
  try {
    read_conlleval_text(text, "p.txt");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

Corpus corpus(const std::string& text, const std::string& name) {
  return read_conll_text(text, name);
}

std::string align_error(const std::string& gold, const std::string& pred) {
  try {
    check_aligned(corpus(gold, "g.tsv"), corpus(pred, "p.tsv"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(aligned)";
}

}  // namespace

TEST_CASE("eval_input: conlleval format, gold is second to last, prediction last") {
  EvalInput in = read_conlleval_text("a NN B-X I-X\nb NN I-X O\n\nc NN O B-Y\n", "p.txt");
  REQUIRE(in.gold.sentences.size() == 2);
  REQUIRE(in.pred.sentences.size() == 2);
  CHECK(in.gold.sentences[0].tags == std::vector<std::string>{"B-X", "I-X"});
  CHECK(in.pred.sentences[0].tags == std::vector<std::string>{"I-X", "O"});
  CHECK(in.pred.sentences[0].tokens == in.gold.sentences[0].tokens);
  CHECK(in.gold.sentences[1].line == 4);
  CHECK(in.pred.sentences[1].line == 4);
}

TEST_CASE("eval_input: -X- lines and blank lines end sentences; -DOCSTART- as conlleval") {
  EvalInput in = read_conlleval_text("a B-X B-X\n-X- O O\nb I-X I-X\n", "p.txt");
  REQUIRE(in.gold.sentences.size() == 2);
  // A full -DOCSTART- line is a token (conlleval counts it); a short one is a boundary.
  EvalInput doc = read_conlleval_text("-DOCSTART- O O\n\na O O\n-DOCSTART-\nb O O\n", "p.txt");
  REQUIRE(doc.gold.sentences.size() == 3);
  CHECK(doc.gold.sentences[0].tokens == std::vector<std::string>{"-DOCSTART-"});
  EvalReport r = evaluate(doc);
  CHECK(r.tokens == 3);
}

TEST_CASE("eval_input: conlleval-format errors") {
  CHECK(conlleval_error("a B-X\n") ==
        "p.txt:1: expected at least 3 columns (token, gold tag, predicted tag), got 2");
  CHECK(conlleval_error("a x B-X O\nb O O\n") == "p.txt:2: expected 4 columns as on line 1, found 3");
  CHECK(conlleval_error("a O O\nb B-X I_X\n") ==
        "p.txt:2: predicted tag (column 3): invalid tag 'I_X': expected O, B-X, I-X, E-X or S-X "
        "(X the entity type)");
  CHECK(conlleval_error("a NN B- O\n") ==
        "p.txt:1: gold tag (column 3): invalid tag 'B-': the type after 'B-' is empty");
  CHECK(conlleval_error("\n\n-X- O O\n") ==
        "p.txt:3: no sentences (only blank or boundary lines); expected lines 'token gold "
        "predicted'");
  CHECK(conlleval_error("") ==
        "p.txt:1: no sentences (the file is empty); expected lines 'token gold predicted'");
  CHECK(conlleval_error("a O O\r\nb\xFE O O\r\n") ==
        "p.txt:2: invalid UTF-8 at byte column 2 (byte 0xFE); expected UTF-8 text");
}

TEST_CASE("eval_input: a token mismatch names both files and both lines") {
  CHECK(align_error("a\tO\nb\tO\n", "a\tO\nb\tO\n") == "(aligned)");
  CHECK(align_error("a\tO\n\nb\tO\nc\tO\n", "\n\na\tO\n\nb\tO\nd\tO\n") ==
        "g.tsv:4: token 'c' differs from token 'd' at p.tsv:6");
}

TEST_CASE("eval_input: different sentence lengths and counts name both files") {
  CHECK(align_error("a\tO\nb\tO\n\nc\tO\n", "a\tO\nb\tO\nc\tO\n") ==
        "g.tsv:2: sentence 1 ends after 2 tokens, but at p.tsv:3 it goes on with token 'c'");
  CHECK(align_error("a\tO\nb\tO\nc\tO\n", "a\tO\nb\tO\n\nc\tO\n") ==
        "p.tsv:2: sentence 1 ends after 2 tokens, but at g.tsv:3 it goes on with token 'c'");
  CHECK(align_error("a\tO\n", "a\tO\n\nb\tO\nc\tO\n") ==
        "g.tsv:1: file ends after 1 sentences, but p.tsv has 2; its sentence 2 starts at p.tsv:3");
}

TEST_CASE("eval_input: evaluate(gold corpus, pred corpus) checks alignment, then scores") {
  Corpus g = corpus("a\tB-X\nb\tI-X\nc\tO\n", "g.tsv");
  Corpus p = corpus("a\tB-X\nb\tI-X\nc\tB-X\n", "p.tsv");
  EvalReport r = evaluate(g, p);
  CHECK(r.overall.gold == 1);
  CHECK(r.overall.predicted == 2);
  CHECK(r.overall.correct == 1);
  Corpus other = corpus("a\tB-X\nz\tI-X\nc\tO\n", "o.tsv");
  CHECK_THROWS_WITH_AS(evaluate(g, other), "g.tsv:2: token 'b' differs from token 'z' at o.tsv:2",
                       InputError);
}
