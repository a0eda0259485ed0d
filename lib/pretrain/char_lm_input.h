// What a batch of sentences gives the character language model (pretrain/char_lm.h) to read:
// its two readings, time-major, and where each token's embedding is among the states. Apart from
// the model, so that a tagger's batch (model/batch.h) can hold it.
#pragma once

#include "core/tensor.h"

#include <vector>

namespace medner {

// The first three characters of every model: <unk>, the sentence boundary and the space.
inline constexpr int kCharLmUnk = 0, kCharLmBoundary = 1, kCharLmSpace = 2;

// The readings of a batch of B token sequences by both directions, time-major (position t*B + b),
// and where each token's embedding is among the states: forward state column fwd_col[i], backward
// bwd_col[i], for token i of sequence b at slot i*B + b of the caller's layout (-1 past a
// sequence's end: a zero column, as for padding).
struct CharLmInput {
  Index T = 0, B = 0;
  std::vector<int> fwd, bwd, lengths;
  std::vector<int> fwd_col, bwd_col;
};

// Builds `in` (reusing its memory) for sequences of character ids as encode_sentence() makes them:
// ids[b] with each token's first and last character positions (first[b], last[b]); slots: the
// caller's time steps (at least every sequence's token count). Backward reading: "\n" then the
// characters from the end, so forward position p >= 1 of a sequence of length L is backward
// position L - p.
void make_char_lm_input(const std::vector<const std::vector<int>*>& ids, const std::vector<const std::vector<int>*>& first,
                        const std::vector<const std::vector<int>*>& last, Index slots, CharLmInput& in);

}  // namespace medner
