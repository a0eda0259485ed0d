// The tagger network: [word embedding; casing embedding; lexicon features; char encoder] -> dropout -> BiLSTM
// (stacked) -> dropout -> linear emissions -> CRF (or softmax). Owns its ParamStore.
//
// Input is a Batch (data/batch.h): padded, time-major, N = T*B positions.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"
#include "crf/crf_layer.h"
#include "model/batch.h"
#include "layers/char_encoder.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "model/model_options.h"

#include <memory>
#include <string>
#include <vector>

namespace medner {

// The network's shape: its options (model/model_options.h) and the vocabulary sizes.
struct NetworkConfig : ModelOptions {
  Index words = 0, chars = 0;     // vocabulary sizes
  int lexicon_types = 0;          // types of the model's lexicon (data/lexicon.h); 0: none
  std::vector<std::string> tags;  // labels, internal scheme
};

class NerNetwork {
 public:
  NerNetwork(const NetworkConfig& config, Rng& init);
  NerNetwork(const NerNetwork&) = delete;
  NerNetwork& operator=(const NerNetwork&) = delete;

  ParamStore& params() { return store_; }
  const ParamStore& params() const { return store_; }
  const NetworkConfig& config() const { return config_; }
  const Embedding& word_embedding() const { return words_; }

  // Emission scores L x (T*B). Dropout only when train is set (rng then required).
  NodeId emissions(Tape& tape, const Batch& batch, Rng* rng, bool train) const;
  // Negative log-likelihood summed over the sentences of the batch (1 x 1).
  NodeId loss(Tape& tape, const Batch& batch, Rng& rng, bool train) const;
  // Best tag ids of each sentence (Viterbi, or per-token argmax for softmax). ws: optional
  // reusable CRF decoding memory.
  std::vector<std::vector<int>> decode(Tape& tape, const Batch& batch, CrfWorkspace* ws = nullptr) const;

  bool has_crf() const { return crf_ != nullptr; }
  const Crf& crf() const { return *crf_; }

 private:
  NetworkConfig config_;
  ParamStore store_;
  Embedding words_, casing_, lexicon_;
  CharEncoder chars_;
  BiLstm bilstm_;
  Linear output_;
  std::unique_ptr<Crf> crf_;
};

}  // namespace medner
