// Skip-gram with negative sampling over words and their character n-grams, as fastText trains
// it (Mikolov et al. 2013; Bojanowski et al. 2017). For a word w at position i and each context
// word c within b <= window words of it (b uniform per position), with h the mean of w's input
// rows (its own and its n-grams', pretrain/subword_vectors.h) and u_x the output vector of x:
//
//   loss = -log s(u_c . h) - sum over `negatives` words x drawn from counts^0.75 of log s(-u_x . h)
//
// with s the logistic function. Plain SGD with a learning rate falling linearly to 0 over the
// run; frequent words subsampled (kept with probability sqrt(t/f) + t/f, f the word's share of
// the text).
//
// Threads: each trains on its own contiguous share of the sentences, in blocks of
// `block_tokens` tokens. Within a block a thread sees the parameters as they were at the block's
// start plus its own updates (copies of the rows it touched); at the block's end every thread's
// change of each row is added in thread order. So the result is fixed by the seed and the thread
// count (one thread: exactly sequential SGD), unlike word2vec's and fastText's lock-free updates,
// at the price of other threads' updates arriving one block late.
#pragma once

#include "pretrain/subword_vectors.h"
#include "pretrain/text_corpus.h"

#include <cstdint>
#include <functional>
#include <string>

namespace medner {

struct SkipgramOptions {
  int dim = 100;
  int window = 5;
  int negatives = 5;
  int epochs = 5;
  double lr = 0.05;
  double sample = 1e-4;  // subsampling threshold t (0: off)
  SubwordOptions subwords;
  int threads = 1;
  int block_tokens = 20000;  // per thread between merges
  uint64_t seed = 1;
  // At each epoch's end the run's state is written to `checkpoint` (pretrain/skipgram_checkpoint.h;
  // empty: none); with `resume` a run continues from it when it exists, exactly as the
  // uninterrupted run would have gone on.
  std::string checkpoint;
  bool resume = false;
};

// What the trainer reports after each block and at the end of each epoch: epoch (1-based),
// tokens done in the run, of all, and the mean loss of the pairs of the block (of the whole
// epoch when epoch_end).
struct SkipgramProgress {
  int epoch = 0;
  int64_t done = 0, total = 0;
  int64_t resumed_at = 0;  // tokens done before this process started (a resumed run)
  double loss = 0;
  bool epoch_end = false;
};

// InputError naming the checkpoint when it is of another run (pretrain/skipgram_checkpoint.h);
// IoError when it cannot be written.
SubwordVectors train_skipgram(const TextCorpus& corpus, const SkipgramOptions& o,
                              const std::function<void(const SkipgramProgress&)>& report = {});

}  // namespace medner
