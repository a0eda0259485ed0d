// The tagger network: [word embedding; casing embedding; lexicon features; char encoder; char LM
// states] -> dropout -> BiLSTM (stacked) -> dropout -> linear emissions -> CRF (or softmax). Owns
// its ParamStore.
//
// The char LM states are fixed inputs computed once per sentence (Batch::charlm), or, with
// charlm_fine_tune, computed here from the batch's text (Batch::charlm_input) by the network's own
// copy of the language model's embedding and LSTM in each direction, which then trains with the
// rest. That copy is made last (after every head) under the language model's names
// ("charlm/fwd/...", pretrain/char_lm.h) and starts as the language model (copy_charlm), so a
// network that tunes it computes, before its first step, the emissions of one that reads the
// fixed states.
//
// Several heads (multi-corpus training, issue 18): the layers up to the BiLSTM are shared, and
// each head has its own linear emissions and CRF over its own tags, since corpora annotate
// different types by different guidelines. A batch is scored by the head it names. Head 0's
// parameters keep the names and the initialisation of a one-head network ("output", "crf"; the
// other heads' are made after every other parameter, "output.NAME", "crf.NAME"), so a one-head
// model file is a model with one head, and head 0 of a network with more starts as the one-head
// network of the same seed does.
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
#include "pretrain/char_lm.h"

#include <memory>
#include <string>
#include <vector>

namespace medner {

// A head after the first: its name (a corpus's) and its labels, internal scheme.
struct HeadConfig {
  std::string name;
  std::vector<std::string> tags;
};

// The network's shape: its options (model/model_options.h) and the vocabulary sizes.
struct NetworkConfig : ModelOptions {
  Index words = 0, chars = 0;     // vocabulary sizes
  int lexicon_types = 0;          // types of the model's lexicon (data/lexicon.h); 0: none
  Index charlm_dim = 0;           // size of the char LM embeddings (pretrain/char_lm.h); 0: none
  CharLmConfig charlm;            // with charlm_fine_tune: the language model's sizes
  Index charlm_chars = 0;         // and its characters
  std::vector<std::string> tags;  // labels of head 0, internal scheme
  std::vector<HeadConfig> extra_heads;  // heads 1, 2, ...
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

  int heads() const { return static_cast<int>(outputs_.size()); }
  // The labels of a head (internal scheme).
  const std::vector<std::string>& tags(int head) const;

  // Emission scores L x (T*B) of the batch's head (L: its labels). Dropout only when train is
  // set (rng then required).
  NodeId emissions(Tape& tape, const Batch& batch, Rng* rng, bool train) const;
  // Negative log-likelihood summed over the sentences of the batch (1 x 1).
  NodeId loss(Tape& tape, const Batch& batch, Rng& rng, bool train) const;
  // Best tag ids of each sentence (Viterbi, or per-token argmax for softmax). ws: optional
  // reusable CRF decoding memory.
  std::vector<std::vector<int>> decode(Tape& tape, const Batch& batch, CrfWorkspace* ws = nullptr) const;

  // Sets the network's copy of the language model (charlm_fine_tune) to lm's values.
  void copy_charlm(const CharLm& lm);

  bool has_crf() const { return !crfs_.empty(); }
  const Crf& crf(int head = 0) const;

 private:
  NetworkConfig config_;
  ParamStore store_;
  Embedding words_, casing_, lexicon_;
  CharEncoder chars_;
  BiLstm bilstm_;
  std::vector<Linear> outputs_;            // per head
  std::vector<std::unique_ptr<Crf>> crfs_;  // per head; empty for softmax output
  CharLmEncoder charlm_[2];                 // with charlm_fine_tune: forward, backward
};

}  // namespace medner
