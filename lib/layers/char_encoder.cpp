#include "layers/char_encoder.h"

#include "core/error.h"
#include "ops/concat_slice.h"
#include "ops/lookup.h"
#include "ops/reduce.h"

#include <algorithm>

namespace medner {

CharEncoderKind parse_char_encoder(const std::string& name) {
  if (name == "none") return CharEncoderKind::None;
  if (name == "lstm") return CharEncoderKind::Lstm;
  if (name == "cnn") return CharEncoderKind::Cnn;
  throw InputError("char encoder: expected 'lstm', 'cnn' or 'none', got '" + name + "'");
}

std::string to_string(CharEncoderKind kind) {
  switch (kind) {
    case CharEncoderKind::None: return "none";
    case CharEncoderKind::Lstm: return "lstm";
    case CharEncoderKind::Cnn: return "cnn";
  }
  return "none";
}

CharEncoder::CharEncoder(ParamStore& store, const std::string& name, const CharEncoderConfig& config,
                         Index char_vocab, Rng& rng)
    : config_(config) {
  if (config.kind == CharEncoderKind::None) return;
  chars_ = Embedding(store, name + "/emb", config.char_dim, char_vocab, rng, /*sparse=*/false);
  if (config.kind == CharEncoderKind::Lstm)
    lstm_ = BiLstm(store, name + "/lstm", config.char_dim, config.hidden, 1, rng);
  else
    conv_ = Linear(store, name + "/conv", config.width * config.char_dim, config.filters, rng);
}

Index CharEncoder::output_dim() const {
  switch (config_.kind) {
    case CharEncoderKind::None: return 0;
    case CharEncoderKind::Lstm: return 2 * config_.hidden;
    case CharEncoderKind::Cnn: return config_.filters;
  }
  return 0;
}

NodeId CharEncoder::operator()(Tape& tape, const ParamStore& store, const int* chars,
                               const int* offsets, Index n_words) const {
  MEDNER_CHECK(config_.kind != CharEncoderKind::None, "char encoder is disabled");
  const Index W = n_words;
  int* lengths = tape.scratch<int>(static_cast<std::size_t>(W));
  Index T = 1;
  for (Index w = 0; w < W; ++w) {
    lengths[w] = offsets[w + 1] - offsets[w];
    T = std::max<Index>(T, lengths[w]);
  }
  // Time-major char ids: column t*W + w is char t of word w (padding id 0 past the end).
  int* ids = tape.scratch<int>(static_cast<std::size_t>(T * W));
  for (Index t = 0; t < T; ++t)
    for (Index w = 0; w < W; ++w) ids[t * W + w] = t < lengths[w] ? chars[offsets[w] + t] : 0;
  if (config_.kind == CharEncoderKind::Lstm)  // projects the char table once, not every position
    return lstm_.final_states_over_table(tape, store, tape.param(store, chars_.table()), ids, T, W, lengths);
  NodeId x = chars_(tape, store, ids, T * W);  // char_dim x (T*W)
  // CNN: im2col as `width` shifted gathers (zero outside the word), one GEMM, max over chars.
  const Index half = config_.width / 2;
  NodeId* shifted = tape.scratch<NodeId>(static_cast<std::size_t>(config_.width));
  for (Index k = -half; k <= half; ++k) {
    int* idx = tape.scratch<int>(static_cast<std::size_t>(T * W));
    for (Index t = 0; t < T; ++t)
      for (Index w = 0; w < W; ++w) {
        Index s = t + k;
        idx[t * W + w] = (t < lengths[w] && s >= 0 && s < lengths[w]) ? static_cast<int>(s * W + w) : -1;
      }
    shifted[k + half] = gather_columns(tape, x, idx, T * W);
  }
  NodeId windows = concat_rows(tape, shifted, static_cast<int>(config_.width));
  NodeId features = conv_(tape, store, windows);  // filters x (T*W)
  return max_over_time(tape, features, W, lengths);
}

}  // namespace medner
