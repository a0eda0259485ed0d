// make_batch: the padded time-major layout, and the distinct forms of the batch ordered longest
// first (the char LSTM computes only the words still running, a prefix of that order).
#include "model/batch.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

// Form f has f+1 chars... except as listed: lengths 2, 5, 1, 5, 3 for forms 0..4.
FormTable five_forms() {
  FormTable t;
  t.offsets = {0};
  const int lengths[5] = {2, 5, 1, 5, 3};
  for (int f = 0; f < 5; ++f) {
    for (int k = 0; k < lengths[f]; ++k) t.chars.push_back(10 * f + k + 1);
    t.offsets.push_back(static_cast<int>(t.chars.size()));
  }
  return t;
}

EncodedSentence sentence(const std::vector<int>& forms) {
  EncodedSentence s;
  s.forms = forms;
  for (int f : forms) {
    s.words.push_back(100 + f);
    s.casing.push_back(f % 3);
    s.tags.push_back(f % 2);
  }
  return s;
}

}  // namespace

TEST_CASE("make_batch: time-major positions, padding, and forms longest first with positions remapped") {
  const FormTable forms = five_forms();
  const EncodedSentence a = sentence({0, 1, 2}), b = sentence({3, 0}), c = sentence({4, 2, 2, 0});
  std::vector<int> seen(5, -1);
  Batch batch;
  make_batch({&a, &b, &c}, forms, seen, batch);
  REQUIRE(batch.B == 3);
  REQUIRE(batch.T == 4);
  CHECK(batch.lengths == std::vector<int>{3, 2, 4});
  CHECK(batch.tokens() == 9);
  // position t*B + b
  CHECK(batch.words == std::vector<int>{100, 103, 104, 101, 100, 102, 102, 0, 102, 0, 0, 100});
  CHECK(batch.tags == std::vector<int>{0, 1, 0, 1, 0, 0, 0, -1, 0, -1, -1, 0});
  // Forms first seen (sentence by sentence) in the order 0, 1, 2, 3, 4; lengths 2 5 1 5 3.
  // Longest first, ties by first appearance: 1, 3, then 4, 0, 2.
  const std::vector<int> expected_order = {1, 3, 4, 0, 2};
  REQUIRE(batch.form_offsets.size() == 6);
  for (std::size_t r = 0; r < expected_order.size(); ++r) {
    const int f = expected_order[r];
    const std::vector<int> want(forms.chars.begin() + forms.offsets[static_cast<std::size_t>(f)],
                                forms.chars.begin() + forms.offsets[static_cast<std::size_t>(f) + 1]);
    const std::vector<int> got(batch.form_chars.begin() + batch.form_offsets[r],
                               batch.form_chars.begin() + batch.form_offsets[r + 1]);
    CHECK(got == want);
  }
  for (std::size_t r = 1; r + 1 < batch.form_offsets.size(); ++r)  // non-increasing lengths
    CHECK(batch.form_offsets[r] - batch.form_offsets[r - 1] >= batch.form_offsets[r + 1] - batch.form_offsets[r]);
  // Every position points at its own form's chars; padding at -1.
  const std::vector<const EncodedSentence*> sents = {&a, &b, &c};
  for (int t = 0; t < batch.T; ++t)
    for (int s = 0; s < batch.B; ++s) {
      const int p = batch.position_form[static_cast<std::size_t>(t * batch.B + s)];
      if (t >= sents[static_cast<std::size_t>(s)]->size()) {
        CHECK(p == -1);
        continue;
      }
      const int f = sents[static_cast<std::size_t>(s)]->forms[static_cast<std::size_t>(t)];
      CHECK(expected_order[static_cast<std::size_t>(p)] == f);
    }
  CHECK(seen == std::vector<int>(5, -1));  // scratch restored
  // Reusing the batch gives the same result.
  Batch again = batch;
  make_batch({&a, &b, &c}, forms, seen, batch);
  CHECK(batch.form_chars == again.form_chars);
  CHECK(batch.position_form == again.position_form);
}
