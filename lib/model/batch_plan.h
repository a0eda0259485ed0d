// The order of a training epoch: sentences shuffled, then grouped into mini-batches of similar
// length (sorted within windows of 50 batches, so padding is small but batches still vary), then
// the batches shuffled. A pure function of (seed, epoch): a resumed run rebuilds the same plan.
// Sentences of several heads (corpora, model/ner_network.h) are batched head by head, a batch
// never mixes heads, and all batches are shuffled together: each epoch passes once over every
// corpus, so the corpora are mixed in proportion to their sentence counts. With one head the
// plan is what it always was.
#pragma once

#include "model/batch.h"

#include <cstdint>
#include <vector>

namespace medner {

struct BatchPlan {
  std::vector<int> order;   // sentence indices
  std::vector<int> starts;  // batch k is order[starts[k] .. starts[k+1])
  int batches() const { return static_cast<int>(starts.size()) - 1; }
};

BatchPlan plan_epoch(const std::vector<EncodedSentence>& sentences, int batch_size, uint64_t seed,
                     int epoch);

// Evaluation batches: sentences sorted by length and cut into batches of about `tokens` tokens
// (at most max_sentences each); order[] maps back to the input positions.
BatchPlan plan_by_length(const std::vector<EncodedSentence>& sentences, int tokens, int max_sentences);

// Splits sentences [begin, end) into `shards` contiguous, nearly equal ranges; shard i is
// [bounds[i], bounds[i+1]).
std::vector<int> shard_bounds(int begin, int end, int shards);

}  // namespace medner
