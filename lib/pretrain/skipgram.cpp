#include "pretrain/skipgram.h"

#include "core/error.h"
#include "core/fault_point.h"
#include "core/rng.h"
#include "pretrain/row_copies.h"
#include "pretrain/skipgram_checkpoint.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>

namespace medner {
namespace {

// Words drawn in proportion to count^0.75 (word2vec's smoothing) by indexing a table in which
// each word fills its share of the slots.
std::vector<int> negative_table(const std::vector<int64_t>& counts) {
  double z = 0;
  for (int64_t c : counts) z += std::pow(static_cast<double>(c), 0.75);
  const std::size_t size = std::clamp<std::size_t>(counts.size() * 1000, 100000, 10000000);
  std::vector<int> table;
  table.reserve(size + counts.size());
  for (std::size_t w = 0; w < counts.size(); ++w) {
    const auto n = static_cast<std::size_t>(std::ceil(std::pow(static_cast<double>(counts[w]), 0.75) / z * static_cast<double>(size)));
    table.insert(table.end(), n, static_cast<int>(w));
  }
  return table;
}

// Contiguous shares of the sentences with about equal token counts: [first, last) per thread.
std::vector<std::size_t> thread_shares(const TextCorpus& c, int threads) {
  std::vector<std::size_t> cut = {0};
  const std::size_t n = c.sentences();
  for (int t = 1; t < threads; ++t) {
    const std::size_t want = c.tokens.size() * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
    const auto it = std::lower_bound(c.line_start.begin(), c.line_start.end() - 1, want);
    cut.push_back(std::max(cut.back(), static_cast<std::size_t>(it - c.line_start.begin())));
  }
  cut.push_back(n);
  return cut;
}

struct Shared {
  const TextCorpus& corpus;
  const SkipgramOptions& o;
  std::vector<std::vector<int>> word_rows;  // input rows of each vocabulary word
  std::vector<int> negatives;
  std::vector<float> keep;  // subsampling: probability of keeping each word
  std::vector<float> out;   // output vectors, words x dim
  int64_t run_tokens = 0;   // epochs x tokens
};

// One thread's work on one block of sentences [first, last): SGD on its row copies.
struct BlockTrainer {
  const Shared& s;
  RowCopies& in;
  RowCopies& out;
  Rng& rng;
  std::vector<float> h, grad;
  double loss = 0;
  int64_t pairs = 0;

  // One (word, target) pair: the logistic loss of `label`, h's gradient into grad, u's update.
  void binary(int target, float label, float lr) {
    float* u = out.row(target);
    double dot = 0;
    for (std::size_t d = 0; d < h.size(); ++d) dot += static_cast<double>(u[d]) * h[d];
    const double p = 1.0 / (1.0 + std::exp(-dot));
    loss -= std::log(std::max(label > 0 ? p : 1.0 - p, 1e-12));
    const auto alpha = static_cast<float>(lr * (label - p));
    for (std::size_t d = 0; d < h.size(); ++d) {
      grad[d] += alpha * u[d];
      u[d] += alpha * h[d];
    }
  }

  // The pair (word at i, context word c): h from the word's rows, the positive and the negative
  // targets, then the same gradient added to every input row (as fastText does for skip-gram).
  void pair(int word, int context, float lr) {
    const std::vector<int>& rows = s.word_rows[static_cast<std::size_t>(word)];
    std::fill(h.begin(), h.end(), 0.0f);
    for (int r : rows) {
      const float* x = in.row(r);
      for (std::size_t d = 0; d < h.size(); ++d) h[d] += x[d];
    }
    for (float& x : h) x /= static_cast<float>(rows.size());
    std::fill(grad.begin(), grad.end(), 0.0f);
    binary(context, 1.0f, lr);
    for (int k = 0; k < s.o.negatives; ++k) {
      const int neg = s.negatives[rng.below(s.negatives.size())];
      if (neg != context) binary(neg, 0.0f, lr);
    }
    for (int r : rows) {
      float* x = in.row(r);
      for (std::size_t d = 0; d < h.size(); ++d) x[d] += grad[d];
    }
    ++pairs;
  }

  // Returns the tokens of the block (before subsampling), which drive the learning rate.
  int64_t run(std::size_t first, std::size_t last, int64_t done_before) {
    int64_t done = 0;
    std::vector<int> kept;
    for (std::size_t k = first; k < last; ++k) {
      const std::size_t b = s.corpus.line_start[k], e = s.corpus.line_start[k + 1];
      kept.clear();
      for (std::size_t i = b; i < e; ++i)
        if (rng.uniform() < s.keep[static_cast<std::size_t>(s.corpus.tokens[i])]) kept.push_back(s.corpus.tokens[i]);
      const auto lr = static_cast<float>(
          s.o.lr * std::max(0.0, 1.0 - static_cast<double>(done_before + done) / static_cast<double>(s.run_tokens)));
      const int n = static_cast<int>(kept.size());
      for (int i = 0; i < n; ++i) {
        const int b_i = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(s.o.window)));
        for (int c = std::max(0, i - b_i); c <= std::min(n - 1, i + b_i); ++c)
          if (c != i) pair(kept[static_cast<std::size_t>(i)], kept[static_cast<std::size_t>(c)], lr);
      }
      done += static_cast<int64_t>(e - b);
    }
    return done;
  }
};

void check_options(const SkipgramOptions& o) {
  MEDNER_CHECK(o.dim > 0 && o.window > 0 && o.negatives >= 0 && o.epochs > 0 && o.threads > 0 && o.block_tokens > 0,
               "skip-gram options out of range");
  MEDNER_CHECK(o.subwords.maxn <= 0 || (o.subwords.minn >= 1 && o.subwords.minn <= o.subwords.maxn),
               "subword lengths out of range");
}

}  // namespace

SubwordVectors train_skipgram(const TextCorpus& corpus, const SkipgramOptions& o,
                              const std::function<void(const SkipgramProgress&)>& report) {
  check_options(o);
  SubwordVectors v(corpus.words, o.dim, o.subwords);
  Shared s{corpus, o, {}, negative_table(corpus.counts), {}, {}, 0};
  for (const std::string& w : corpus.words) s.word_rows.push_back(v.rows_of(w));
  for (int64_t c : corpus.counts) {
    const double f = static_cast<double>(c) / static_cast<double>(corpus.total_tokens);
    s.keep.push_back(o.sample > 0 ? static_cast<float>(std::min(1.0, std::sqrt(o.sample / f) + o.sample / f)) : 1.0f);
  }
  s.out.assign(corpus.words.size() * static_cast<std::size_t>(o.dim), 0.0f);
  s.run_tokens = static_cast<int64_t>(corpus.tokens.size()) * o.epochs;
  Rng init(o.seed);
  for (float& x : v.values()) x = static_cast<float>(init.uniform(-1.0 / o.dim, 1.0 / o.dim));
  int64_t done = 0;
  int first_epoch = 1;
  const RunIdentity identity = o.checkpoint.empty() ? RunIdentity{} : skipgram_identity(corpus, o);
  if (o.resume && !o.checkpoint.empty() && std::ifstream(o.checkpoint).good()) {
    SkipgramState st = load_skipgram_checkpoint(o.checkpoint, identity, v.values().size(), s.out.size());
    if (st.epochs_done < 1 || st.epochs_done > o.epochs || st.done < 0 || st.done > s.run_tokens)
      throw InputError(fmt::format("{}: damaged progress ({} epochs, {} tokens done)", o.checkpoint, st.epochs_done,
                                   st.done));
    v.values() = std::move(st.input);
    s.out = std::move(st.output);
    done = st.done;
    first_epoch = st.epochs_done + 1;
  }
  const int64_t resumed_at = done;

  const std::vector<std::size_t> share = thread_shares(corpus, o.threads);
  std::vector<int64_t> block_done(static_cast<std::size_t>(o.threads), 0);
  std::vector<double> block_loss(static_cast<std::size_t>(o.threads), 0);
  std::vector<int64_t> block_pairs(static_cast<std::size_t>(o.threads), 0);
  std::vector<std::unique_ptr<RowCopies>> in_copies(static_cast<std::size_t>(o.threads)),
      out_copies(static_cast<std::size_t>(o.threads));
  bool more = true;
  std::exception_ptr failed;  // a checkpoint that could not be written, rethrown after the threads
  double epoch_loss = 0;
  int64_t epoch_pairs = 0;
#pragma omp parallel num_threads(o.threads)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const auto parts = static_cast<std::size_t>(o.threads);
    in_copies[t] = std::make_unique<RowCopies>(v.values().data(), v.rows(), o.dim);
    out_copies[t] = std::make_unique<RowCopies>(s.out.data(), corpus.words.size(), o.dim);
    for (int epoch = first_epoch; epoch <= o.epochs && !failed; ++epoch) {
      Rng rng(stream_seed(o.seed, static_cast<uint64_t>(epoch), t));
      std::size_t next = share[t];  // this thread's next sentence
#pragma omp barrier
#pragma omp single
      {
        more = true;
        epoch_loss = 0;
        epoch_pairs = 0;
      }
      while (more) {
        // Train: the sentences of this thread's next block.
        std::size_t last = next;
        while (last < share[t + 1] &&
               corpus.line_start[last] - corpus.line_start[next] < static_cast<std::size_t>(o.block_tokens))
          ++last;
        BlockTrainer bt{s, *in_copies[t], *out_copies[t], rng, std::vector<float>(static_cast<std::size_t>(o.dim)),
                        std::vector<float>(static_cast<std::size_t>(o.dim))};
        block_done[t] = bt.run(next, last, done);
        block_loss[t] = bt.loss;
        block_pairs[t] = bt.pairs;
        next = last;
#pragma omp barrier
        in_copies[t]->to_changes();
        out_copies[t]->to_changes();
#pragma omp barrier
        // Merge: every thread's change of a row added in thread order, rows split among threads.
        for (std::size_t u = 0; u < parts; ++u) {
          in_copies[u]->add_changes(t, parts);
          out_copies[u]->add_changes(t, parts);
        }
#pragma omp barrier
        in_copies[t]->clear();
        out_copies[t]->clear();
#pragma omp single
        {
          SkipgramProgress p;
          p.epoch = epoch;
          double loss = 0;
          int64_t pairs = 0, round = 0;
          for (std::size_t u = 0; u < parts; ++u) {
            round += block_done[u];
            loss += block_loss[u];
            pairs += block_pairs[u];
          }
          done += round;
          epoch_loss += loss;
          epoch_pairs += pairs;
          more = round > 0;
          p.done = done;
          p.total = s.run_tokens;
          p.resumed_at = resumed_at;
          p.epoch_end = !more;
          p.loss = p.epoch_end ? epoch_loss / static_cast<double>(std::max<int64_t>(epoch_pairs, 1))
                               : loss / static_cast<double>(std::max<int64_t>(pairs, 1));
          if (report) report(p);
          fault_point("step");
          if (p.epoch_end && !o.checkpoint.empty()) {
            try {
              save_skipgram_checkpoint(o.checkpoint, identity, epoch, done, v.values(), s.out);
            } catch (...) {
              failed = std::current_exception();
            }
          }
        }
      }
    }
  }
  if (failed) std::rethrow_exception(failed);
  return v;
}

}  // namespace medner
