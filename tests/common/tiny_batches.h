// Hand-made inputs for the network tests: a form table of n one-character forms, a batch of given
// sentences over it, and a network small enough for finite differences over every parameter.
#pragma once

#include "model/batch.h"
#include "model/ner_network.h"

#include <string>
#include <utility>
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

// 8 words, 5 chars, casing, a character LSTM, a CRF without constraints, head 0 over `tags`.
inline NetworkConfig tiny_network_config(std::vector<std::string> tags) {
  NetworkConfig c;
  c.word_dim = 3;
  c.casing = true;
  c.casing_dim = 2;
  c.char_encoder.kind = CharEncoderKind::Lstm;
  c.char_encoder.char_dim = 2;
  c.char_encoder.hidden = 2;
  c.hidden = 3;
  c.layers = 1;
  c.crf = true;
  c.constraints = false;
  c.words = 8;
  c.chars = 5;
  c.tags = std::move(tags);
  return c;
}

}  // namespace medner::test
