// The analytic cost model of the tagger network for medner_bench: FLOPs per token of every part
// (forward, backward, tagging), and the GEMM shapes the network runs, from the config and a few
// corpus statistics. Only multiply-adds of matrix products count (2 FLOPs each), plus the CRF's
// O(L^2) work per token; gate nonlinearities, dropout, lookups and copies are not FLOPs here, so
// "achieved GFLOP/s" is the rate of useful matrix work. Padding is not counted either.
//
// Names: H word hidden size per direction, D BiLSTM input size, Hc / Dc the char BiLSTM's, L labels.
#pragma once

#include "train/config.h"

#include <string>
#include <vector>

namespace medner_bench {

struct NetDims {
  int word_dim = 0, casing_dim = 0;  // casing_dim 0: no casing feature
  medner::CharEncoderKind chars = medner::CharEncoderKind::None;
  int char_dim = 0, char_hidden = 0, char_filters = 0, char_width = 0;
  int char_vocab = 0;
  int hidden = 0, layers = 1, labels = 0;
  bool crf = true;

  int char_out() const {
    if (chars == medner::CharEncoderKind::Lstm) return 2 * char_hidden;
    if (chars == medner::CharEncoderKind::Cnn) return char_filters;
    return 0;
  }
  int input_dim() const { return word_dim + casing_dim + char_out(); }
};

inline NetDims net_dims(const medner::ModelOptions& c, int labels, int char_vocab) {
  NetDims d;
  d.char_vocab = char_vocab;
  d.word_dim = static_cast<int>(c.word_dim);
  d.casing_dim = c.casing ? static_cast<int>(c.casing_dim) : 0;
  d.chars = c.char_encoder.kind;
  d.char_dim = static_cast<int>(c.char_encoder.char_dim);
  d.char_hidden = static_cast<int>(c.char_encoder.hidden);
  d.char_filters = static_cast<int>(c.char_encoder.filters);
  d.char_width = static_cast<int>(c.char_encoder.width);
  d.hidden = static_cast<int>(c.hidden);
  d.layers = c.layers;
  d.labels = labels;
  d.crf = c.crf;
  return d;
}

// Per-token averages over the batches the network actually sees (the char encoder runs once per
// distinct form of a batch, so its work per token depends on the batching).
struct BatchStats {
  double sentences_per_batch = 0;  // B
  double tokens_per_batch = 0;     // real tokens, N
  double tokens_per_sentence = 0;
  double forms_per_token = 0;      // distinct forms per batch / tokens
  double chars_per_token = 0;      // chars of those forms / tokens
};

struct FlopTerm {
  std::string name;
  double forward = 0;   // per token
  double backward = 0;  // per token, training only
  double tagging = 0;   // per token at inference (forward, Viterbi instead of the CRF forward)
};

// Per-token FLOPs by part of the network.
inline std::vector<FlopTerm> flop_model(const NetDims& d, const BatchStats& s) {
  std::vector<FlopTerm> terms;
  auto gemm = [&](const std::string& name, double fwd) {
    terms.push_back(FlopTerm{name, fwd, 2 * fwd, fwd});  // backward: d(input) and d(weight)
  };
  const double H = d.hidden, L = d.labels;
  if (d.chars == medner::CharEncoderKind::Lstm) {
    const double Dc = d.char_dim, Hc = d.char_hidden;
    // 2 directions; the recurrence for every char but a word's first. The input projection is
    // computed once per char-vocabulary entry and batch (layers/lstm.h final_states_over_table),
    // not per char, so that is what it costs.
    gemm("char BiLSTM", 2 * (2 * 4 * Hc * Dc * d.char_vocab / s.tokens_per_batch +
                             2 * 4 * Hc * Hc * (s.chars_per_token - s.forms_per_token)));
  } else if (d.chars == medner::CharEncoderKind::Cnn) {
    gemm("char CNN", 2.0 * d.char_filters * d.char_width * d.char_dim * s.chars_per_token);
  }
  double proj = 0, rec = 0;
  for (int l = 0; l < d.layers; ++l) {
    const double in = l == 0 ? d.input_dim() : 2 * H;
    proj += 2 * (2 * 4 * H * in);
    rec += 2 * (2 * 4 * H * H) * (1 - 1 / s.tokens_per_sentence);  // no W_h h_{-1} at t = 0
  }
  gemm("word BiLSTM input projection", proj);
  gemm("word BiLSTM recurrence", rec);
  gemm("output layer", 2 * L * 2 * H);
  if (d.crf) {
    // Scaled recursions (lib/crf/crf_scaled.h): alpha is one L x L product per token; backward the
    // beta product and the L x L Gram product of the pairwise marginals. Viterbi: add and max over
    // L x L (less under constraints, which leave some rows nearly empty).
    terms.push_back(FlopTerm{"CRF", 2 * L * L, 4 * L * L, 2 * L * L});
  } else {
    terms.push_back(FlopTerm{"softmax", 3 * L, 3 * L, 2 * L});
  }
  return terms;
}

inline double train_flops(const std::vector<FlopTerm>& t) {
  double f = 0;
  for (const FlopTerm& x : t) f += x.forward + x.backward;
  return f;
}

inline double tag_flops(const std::vector<FlopTerm>& t) {
  double f = 0;
  for (const FlopTerm& x : t) f += x.tagging;
  return f;
}

// C (M x N) = op(A) op(B) with K the inner size; op "nn", "tn" (A^T B) or "nt" (A B^T); a
// "packed" op packs A once (ops/packed_gemm.h) and times only the products.
struct GemmShape {
  std::string name, op;
  long M = 0, K = 0, N = 0;
  double flops() const { return 2.0 * static_cast<double>(M) * static_cast<double>(K) * static_cast<double>(N); }
};

// The products of one training step (per thread shard) and of one tagging batch.
inline std::vector<GemmShape> model_gemms(const NetDims& d, const BatchStats& train, const BatchStats& tag) {
  auto r = [](double x) { return static_cast<long>(x + 0.5); };
  const long H4 = 4L * d.hidden, H = d.hidden, D = d.input_dim();
  const long Nt = r(train.tokens_per_batch), Bt = r(train.sentences_per_batch);
  const long Ng = r(tag.tokens_per_batch), Bg = r(tag.sentences_per_batch);
  std::vector<GemmShape> g = {
      {"input projection, tagging batch", "nn", H4, D, Ng},
      {"input projection, training batch", "nn", H4, D, Nt},
      {"dWx = dA x^T, training batch", "nt", H4, Nt, D},
      {"dx = Wx^T dA, training batch", "tn", D, H4, Nt},
      {"recurrent step, tagging batch", "nn", H4, H, Bg},
      {"recurrent step, training batch", "nn", H4, H, Bt},
      {"dh = Wh^T da, training batch", "tn", H, H4, Bt},
      // The same with W_h packed once (ops/packed_gemm.h), as the LSTM runs them.
      {"recurrent step, tagging batch, packed W_h", "nn packed", H4, H, Bg},
      {"recurrent step, training batch, packed W_h", "nn packed", H4, H, Bt},
      {"dh = Wh^T da, training batch, packed W_h", "tn packed", H, H4, Bt},
  };
  if (d.chars == medner::CharEncoderKind::Lstm) {
    const long Hc4 = 4L * d.char_hidden, Hc = d.char_hidden, Dc = d.char_dim;
    const long words = r(tag.forms_per_token * tag.tokens_per_batch);
    g.push_back({"char table projection", "nn", Hc4, Dc, d.char_vocab});
    g.push_back({"char recurrent step, tagging batch", "nn", Hc4, Hc, words});
  }
  return g;
}

}  // namespace medner_bench
