// The order of a training epoch: sentences shuffled, then grouped into mini-batches of similar
// length (sorted within windows of 50 batches, so padding is small but batches still vary), then
// the batches shuffled. A pure function of (seed, epoch): a resumed run rebuilds the same plan.
// Sentences of several heads (corpora, model/ner_network.h) are batched head by head, a batch
// never mixes heads, and all batches are shuffled together. With one head the plan is what it
// always was.
//
// How the corpora are mixed (issue 18). An epoch has as many batches as one pass over every
// corpus, M = sum_h ceil(n_h / B) for n_h sentences of head h and batches of B. With temperature
// T = 1 it is that pass: each corpus once, so head h has about the share n_h / N of the batches.
// With T != 1 head h gets m_h batches in proportion to n_h^(1/T) (temperature sampling over
// corpus sizes, as multilingual models mix languages), filled with m_h * B sentences drawn from
// fresh shuffles of its sentences as often as needed (one pass, as with T = 1, when m_h is that
// pass's batch count): T > 1 shows a small corpus more often than
// its size and a large one less (T -> infinity: every corpus alike), T < 1 the other way. The
// epoch's cost stays M batches whatever T is.
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
                     int epoch, double temperature = 1.0);

// m_h above for heads of sentences[h] sentences: ceil(n_h / B) for T = 1 or a single corpus; else
// round(M * n_h^(1/T) / sum_j n_j^(1/T)) by largest remainders (ties to the first head), at least
// one batch for a head with sentences and none for one without; the counts sum to M.
std::vector<int> mixed_batch_counts(const std::vector<int>& sentences, int batch_size, double temperature);

// Evaluation batches: sentences sorted by length and cut into batches of about `tokens` tokens
// (at most max_sentences each); order[] maps back to the input positions.
BatchPlan plan_by_length(const std::vector<EncodedSentence>& sentences, int tokens, int max_sentences);

// Splits sentences [begin, end) into `shards` contiguous, nearly equal ranges; shard i is
// [bounds[i], bounds[i+1]).
std::vector<int> shard_bounds(int begin, int end, int shards);

}  // namespace medner
