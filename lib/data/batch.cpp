#include "data/batch.h"

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
  int T = 0;
  for (const EncodedSentence* s : sentences) T = std::max(T, s->size());
  batch.B = B;
  batch.T = T;
  batch.lengths.resize(static_cast<std::size_t>(B));
  const auto n = static_cast<std::size_t>(T * B);
  batch.words.assign(n, 0);
  batch.casing.assign(n, 0);
  batch.tags.assign(n, -1);
  batch.position_form.assign(n, -1);
  batch.form_chars.clear();
  batch.form_offsets.assign(1, 0);
  std::vector<int>& used = batch.form_chars;  // appended below
  int n_forms = 0;
  for (int b = 0; b < B; ++b) {
    const EncodedSentence& s = *sentences[static_cast<std::size_t>(b)];
    batch.lengths[static_cast<std::size_t>(b)] = s.size();
    for (int t = 0; t < s.size(); ++t) {
      auto at = static_cast<std::size_t>(t * B + b);
      auto k = static_cast<std::size_t>(t);
      batch.words[at] = s.words[k];
      batch.casing[at] = s.casing[k];
      if (!s.tags.empty()) batch.tags[at] = s.tags[k];
      int f = s.forms[k];
      int& slot = seen[static_cast<std::size_t>(f)];
      if (slot < 0) {
        slot = n_forms++;
        auto first = forms.offsets[static_cast<std::size_t>(f)], last = forms.offsets[static_cast<std::size_t>(f) + 1];
        used.insert(used.end(), forms.chars.begin() + first, forms.chars.begin() + last);
        batch.form_offsets.push_back(static_cast<int>(used.size()));
      }
      batch.position_form[at] = slot;
    }
  }
  for (const EncodedSentence* s : sentences)
    for (int f : s->forms) seen[static_cast<std::size_t>(f)] = -1;
}

}  // namespace medner
