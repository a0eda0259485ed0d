// Character-level word encoder, two variants selected by config:
//   lstm: a character BiLSTM; the word vector is [final forward state; final backward state]
//         (Lample et al. 2016);
//   cnn:  a character CNN (window `width`, `filters` output channels) with max-pooling over the
//         characters of the word (Ma & Hovy 2016).
// All words of a batch are encoded together as one padded, time-major batch of char sequences.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"

#include <string>

namespace medner {

enum class CharEncoderKind { None, Lstm, Cnn };
CharEncoderKind parse_char_encoder(const std::string& name);  // "none" | "lstm" | "cnn"
std::string to_string(CharEncoderKind kind);

struct CharEncoderConfig {
  CharEncoderKind kind = CharEncoderKind::Lstm;
  Index char_dim = 25;
  Index hidden = 50;   // lstm: per direction
  Index filters = 50;  // cnn
  Index width = 3;     // cnn window (odd)
};

class CharEncoder {
 public:
  CharEncoder() = default;
  CharEncoder(ParamStore& store, const std::string& name, const CharEncoderConfig& config,
              Index char_vocab, Rng& rng);
  // Word w has the chars chars[offsets[w] .. offsets[w+1]) (char ids; id 0 is padding and is
  // never a real char). n_words words -> output_dim() x n_words.
  NodeId operator()(Tape& tape, const ParamStore& store, const int* chars, const int* offsets,
                    Index n_words) const;
  Index output_dim() const;
  const CharEncoderConfig& config() const { return config_; }

 private:
  CharEncoderConfig config_;
  Embedding chars_;
  BiLstm lstm_;
  Linear conv_;
};

}  // namespace medner
