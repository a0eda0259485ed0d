#include "model/batch.h"

#include "core/error.h"
#include "data/lexicon.h"

#include <algorithm>

namespace medner {

int Batch::tokens() const {
  int n = 0;
  for (int l : lengths) n += l;
  return n;
}

void make_batch(const std::vector<const EncodedSentence*>& sentences, const FormTable& forms,
                std::vector<int>& seen, Batch& batch) {
  const int B = static_cast<int>(sentences.size());
  int T = 0, input_T = 0;
  bool context = false;
  batch.head = sentences.empty() ? 0 : sentences.front()->head;
  for (const EncodedSentence* s : sentences) {
    MEDNER_CHECK(s->head == batch.head, "a batch of sentences of heads {} and {}", batch.head, s->head);
    T = std::max(T, s->targets());
    input_T = std::max(input_T, s->size());
    context = context || s->has_context();
  }
  batch.B = B;
  batch.T = T;
  batch.input_T = input_T;
  batch.lengths.resize(static_cast<std::size_t>(B));
  batch.input_lengths.resize(static_cast<std::size_t>(B));
  const auto n = static_cast<std::size_t>(input_T * B);
  batch.words.assign(n, 0);
  batch.casing.assign(n, 0);
  // Every sentence of a dataset has K features per token or none.
  const EncodedSentence* first = B > 0 ? sentences[0] : nullptr;
  const int K = first != nullptr && first->size() > 0 ? static_cast<int>(first->lexicon.size()) / first->size() : 0;
  batch.lexicon_types = K;
  batch.lexicon.resize(n * static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k) {
    const std::size_t from = static_cast<std::size_t>(k) * n;
    std::fill(batch.lexicon.begin() + static_cast<std::ptrdiff_t>(from),
              batch.lexicon.begin() + static_cast<std::ptrdiff_t>(from + n), k * kLexiconPositions);
  }
  const Index D = first != nullptr && first->size() > 0 ? static_cast<Index>(first->charlm.size()) / first->size() : 0;
  batch.charlm_dim = D;
  batch.charlm.assign(n * static_cast<std::size_t>(D), real(0));
  // A fine-tuned language model's readings, with its token columns in the input layout.
  batch.charlm_input.B = 0;
  if (first != nullptr && !first->charlm_ids.empty()) {
    batch.charlm_ids_of.clear();
    batch.charlm_first_of.clear();
    batch.charlm_last_of.clear();
    for (const EncodedSentence* s : sentences) {
      MEDNER_CHECK(static_cast<int>(s->charlm_last.size()) == s->size(), "a sentence without its char LM input");
      batch.charlm_ids_of.push_back(&s->charlm_ids);
      batch.charlm_first_of.push_back(&s->charlm_first);
      batch.charlm_last_of.push_back(&s->charlm_last);
    }
    make_char_lm_input(batch.charlm_ids_of, batch.charlm_first_of, batch.charlm_last_of, input_T, batch.charlm_input);
  }
  batch.word_vector_dim = 0;
  batch.vector_positions.clear();
  batch.word_vectors.clear();
  batch.position_form.assign(n, -1);
  batch.tags.assign(static_cast<std::size_t>(T * B), -1);
  if (context)
    batch.target_position.assign(static_cast<std::size_t>(T * B), -1);
  else
    batch.target_position.clear();
  // Distinct forms in order of first appearance; position_form holds that order for now.
  batch.form_ids.clear();
  for (int b = 0; b < B; ++b) {
    const EncodedSentence& s = *sentences[static_cast<std::size_t>(b)];
    batch.lengths[static_cast<std::size_t>(b)] = s.targets();
    batch.input_lengths[static_cast<std::size_t>(b)] = s.size();
    for (int t = 0; t < s.size(); ++t) {
      auto at = static_cast<std::size_t>(t * B + b);
      auto k = static_cast<std::size_t>(t);
      batch.words[at] = s.words[k];
      batch.casing[at] = s.casing[k];
      for (int j = 0; j < K; ++j) batch.lexicon[static_cast<std::size_t>(j) * n + at] =
          s.lexicon[k * static_cast<std::size_t>(K) + static_cast<std::size_t>(j)];
      if (D > 0) {
        MEDNER_CHECK(s.charlm.size() == static_cast<std::size_t>(D * s.size()), "a sentence without its char LM features");
        std::copy_n(s.charlm.begin() + static_cast<std::ptrdiff_t>(k * static_cast<std::size_t>(D)), D,
                    batch.charlm.begin() + static_cast<std::ptrdiff_t>(at * static_cast<std::size_t>(D)));
      }
      int& slot = seen[static_cast<std::size_t>(s.forms[k])];
      if (slot < 0) {
        slot = static_cast<int>(batch.form_ids.size());
        batch.form_ids.push_back(s.forms[k]);
      }
      batch.position_form[at] = slot;
    }
    if (!s.vector_tokens.empty()) {
      const Index dim = static_cast<Index>(s.word_vectors.size() / s.vector_tokens.size());
      MEDNER_CHECK(dim > 0 && s.word_vectors.size() == s.vector_tokens.size() * static_cast<std::size_t>(dim) &&
                       (batch.word_vector_dim == 0 || batch.word_vector_dim == dim),
                   "a sentence's word vectors do not match its tokens or the batch");
      batch.word_vector_dim = dim;
      for (int t : s.vector_tokens) batch.vector_positions.push_back(t * B + b);
      batch.word_vectors.insert(batch.word_vectors.end(), s.word_vectors.begin(), s.word_vectors.end());
    }
    for (int t = 0; t < s.targets(); ++t) {
      auto at = static_cast<std::size_t>(t * B + b);
      if (!s.tags.empty()) batch.tags[at] = s.tags[static_cast<std::size_t>(t)];
      if (context) batch.target_position[at] = (s.target_begin + t) * B + b;
    }
  }
  for (const EncodedSentence* s : sentences)
    for (int f : s->forms) seen[static_cast<std::size_t>(f)] = -1;
  // Longest first, ties in order of appearance (std::sort: no temporary buffer, unlike
  // stable_sort, and the index tie-break makes the order unique).
  auto length = [&](int i) {
    const auto f = static_cast<std::size_t>(batch.form_ids[static_cast<std::size_t>(i)]);
    return forms.offsets[f + 1] - forms.offsets[f];
  };
  std::vector<int>& order = batch.form_rank;  // order[r] = first-seen index of the form ranked r
  order.resize(batch.form_ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const int la = length(a), lb = length(b);
    return la != lb ? la > lb : a < b;
  });
  batch.form_chars.clear();
  batch.form_offsets.assign(1, 0);
  for (int i : order) {
    const auto f = static_cast<std::size_t>(batch.form_ids[static_cast<std::size_t>(i)]);
    batch.form_chars.insert(batch.form_chars.end(), forms.chars.begin() + forms.offsets[f],
                            forms.chars.begin() + forms.offsets[f + 1]);
    batch.form_offsets.push_back(static_cast<int>(batch.form_chars.size()));
  }
  // Renumber positions: first-seen index -> rank (form_ids is free scratch now).
  std::vector<int>& rank = batch.form_ids;
  for (std::size_t r = 0; r < order.size(); ++r) rank[static_cast<std::size_t>(order[r])] = static_cast<int>(r);
  for (int& p : batch.position_form)
    if (p >= 0) p = rank[static_cast<std::size_t>(p)];
}

}  // namespace medner
