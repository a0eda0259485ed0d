// Corpus statistics: one pass for sizes and chunks, scheme detection, one pass of validation.
#include "data/corpus_stats.h"

namespace medner {

CorpusStats corpus_stats(const Corpus& corpus) {
  CorpusStats st;
  st.path = corpus.path;
  st.scheme = detect_tag_scheme(corpus);
  for (const Sentence& s : corpus.sentences) {
    auto n = static_cast<long>(s.tokens.size());
    ++st.sentences;
    st.tokens += n;
    if (n > st.longest_sentence) {
      st.longest_sentence = n;
      st.longest_sentence_line = s.line;
    }
    for (const Span& sp : extract_spans(s.tags)) {
      ++st.chunks;
      ++st.chunks_by_type[sp.type];
    }
    int bad = find_invalid_tag(s.tags, st.scheme, nullptr);
    if (bad >= 0) {
      if (st.invalid_sentences == 0) st.first_invalid_line = s.line + bad;
      ++st.invalid_sentences;
    }
  }
  return st;
}

}  // namespace medner
