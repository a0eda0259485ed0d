#include "model/context.h"

#include "core/error.h"

#include <utility>

namespace medner {

void add_context(Dataset& data, int k, const std::vector<int>& document) {
  MEDNER_CHECK(k >= 0, "context must be >= 0");
  const std::vector<EncodedSentence>& in = data.sentences;
  const int n = static_cast<int>(in.size());
  MEDNER_CHECK(document.empty() || static_cast<int>(document.size()) == n, "one document id per sentence");
  if (k == 0 || n == 0) return;
  auto doc = [&](int i) { return document.empty() ? 0 : document[static_cast<std::size_t>(i)]; };
  std::vector<EncodedSentence> out(in.size());
  for (int i = 0; i < n; ++i) {
    const EncodedSentence& centre = in[static_cast<std::size_t>(i)];
    MEDNER_CHECK(!centre.has_context(), "add_context on a dataset that already has context");
    int lo = i, hi = i;
    while (lo > 0 && i - lo < k && doc(lo - 1) == doc(i)) --lo;
    while (hi + 1 < n && hi - i < k && doc(hi + 1) == doc(i)) ++hi;
    EncodedSentence& w = out[static_cast<std::size_t>(i)];
    for (int j = lo; j <= hi; ++j) {
      const EncodedSentence& s = in[static_cast<std::size_t>(j)];
      if (j == i) w.target_begin = w.size();
      for (int t : s.vector_tokens) w.vector_tokens.push_back(w.size() + t);
      w.word_vectors.insert(w.word_vectors.end(), s.word_vectors.begin(), s.word_vectors.end());
      w.words.insert(w.words.end(), s.words.begin(), s.words.end());
      w.casing.insert(w.casing.end(), s.casing.begin(), s.casing.end());
      w.forms.insert(w.forms.end(), s.forms.begin(), s.forms.end());
      w.lexicon.insert(w.lexicon.end(), s.lexicon.begin(), s.lexicon.end());
      w.charlm.insert(w.charlm.end(), s.charlm.begin(), s.charlm.end());
      // A fine-tuned language model reads the window as one text, its sentences one after the
      // other, each after its "\n", as it read its pretraining text.
      const int shift = static_cast<int>(w.charlm_ids.size());
      for (int p : s.charlm_first) w.charlm_first.push_back(shift + p);
      for (int p : s.charlm_last) w.charlm_last.push_back(shift + p);
      w.charlm_ids.insert(w.charlm_ids.end(), s.charlm_ids.begin(), s.charlm_ids.end());
    }
    w.target_length = centre.size();
    w.tags = centre.tags;
    w.head = centre.head;
  }
  data.sentences = std::move(out);
}

Dataset encode_in_context(const Corpus& corpus, const Vocabularies& vocab, bool with_tags, int k, int head) {
  Dataset data = encode_corpus(corpus, vocab, with_tags, head);
  add_context(data, k, document_ids(corpus));
  return data;
}

}  // namespace medner
