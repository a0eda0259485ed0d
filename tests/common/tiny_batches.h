// Hand-made batches for the network tests: a form table of n one-character forms, and a batch of
// given sentences over it.
#pragma once

#include "model/batch.h"

#include <vector>

namespace medner::test {

// Form i is the single char 2 + i % 3.
inline FormTable tiny_forms(int n) {
  FormTable f;
  f.offsets.push_back(0);
  for (int i = 0; i < n; ++i) {
    f.chars.push_back(2 + i % 3);
    f.offsets.push_back(static_cast<int>(f.chars.size()));
  }
  return f;
}

inline Batch batch_of(const std::vector<EncodedSentence>& sentences, const FormTable& table) {
  std::vector<const EncodedSentence*> ptrs;
  for (const EncodedSentence& s : sentences) ptrs.push_back(&s);
  std::vector<int> seen(static_cast<std::size_t>(table.size()), -1);
  Batch b;
  make_batch(ptrs, table, seen, b);
  return b;
}

}  // namespace medner::test
