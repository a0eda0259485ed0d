// The options that shape a tagger: its input representation, network and output layer. Declared
// once in model_options(); the trainer's table includes them (train/config.h), a model file
// stores their values, and loading a model decodes them back into ModelOptions without knowing
// anything of training.
#pragma once

#include "core/tensor.h"
#include "data/tag_scheme.h"
#include "data/word_features.h"
#include "layers/char_encoder.h"
#include "options/option_table.h"

namespace medner {

struct ModelOptions {
  Index word_dim = 0;
  bool lowercase = false;  // words looked up lower-cased
  bool casing = false;     // a casing-feature embedding
  Index casing_dim = 0;
  Index lexicon_dim = 0;  // per lexicon type, when the model has a lexicon
  bool normalize_digits = false;
  CharEncoderConfig char_encoder;
  Index hidden = 0;  // word BiLSTM size per direction
  int layers = 0;
  int context = 0;  // neighbouring sentences per side in the input (model/context.h); data-side only
  real dropout = 0;
  bool crf = false;  // output: CRF, or a per-token softmax
  TagScheme tag_scheme = TagScheme::IOBES;  // internal scheme
  bool constraints = false;  // CRF: forbid transitions invalid for the scheme
  // The character language model (--charlm) is trained with the tagger: the network holds its
  // own copy, and computes its states per batch (model/ner_network.h).
  bool charlm_fine_tune = false;

  WordOptions word_options() const;
};

const OptionTable<ModelOptions>& model_options();

}  // namespace medner
