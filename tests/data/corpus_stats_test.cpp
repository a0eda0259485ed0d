// Corpus statistics on a small hand-made corpus: sizes, chunks per type, scheme, longest sentence
// and the count of sentences that break the detected scheme.
#include "data/corpus_stats.h"

#include <doctest/doctest.h>

#include "data/conll.h"

using namespace medner;

TEST_CASE("corpus_stats: counts of a small IOB2 corpus") {
  Corpus c = read_conll_text(
      "a\tB-Chemical\nb\tI-Chemical\nc\tO\n\n"      // line 1: one Chemical
      "d\tB-Disease\ne\tB-Disease\n\n"              // line 5: two Disease
      "f\tO\ng\tB-Chemical\nh\tO\ni\tI-Disease\n",  // line 8: a Chemical and an I- after O
      "f.tsv");
  CorpusStats st = corpus_stats(c);
  CHECK(st.path == "f.tsv");
  CHECK(st.sentences == 3);
  CHECK(st.tokens == 9);
  CHECK(st.chunks == 5);
  CHECK(st.chunks_by_type.at("Chemical") == 2);
  CHECK(st.chunks_by_type.at("Disease") == 3);
  CHECK(st.scheme == TagScheme::IOB2);
  CHECK(st.longest_sentence == 4);
  CHECK(st.longest_sentence_line == 8);
  CHECK(st.invalid_sentences == 1);
  CHECK(st.first_invalid_line == 11);
}

TEST_CASE("corpus_stats: IOBES corpus, first of equally long sentences wins") {
  Corpus c = read_conll_text("a\tS-X\nb\tS-X\n\nc\tB-Y\nd\tE-Y\n", "f.tsv");
  CorpusStats st = corpus_stats(c);
  CHECK(st.scheme == TagScheme::IOBES);
  CHECK(st.chunks_by_type.at("X") == 2);
  CHECK(st.chunks_by_type.at("Y") == 1);
  CHECK(st.longest_sentence == 2);
  CHECK(st.longest_sentence_line == 1);
  CHECK(st.invalid_sentences == 0);
  CHECK(st.first_invalid_line == 0);
}
