#include "model/ner_network.h"

#include "core/error.h"
#include "data/lexicon.h"
#include "data/word_features.h"
#include "ops/concat_slice.h"
#include "ops/dropout.h"
#include "ops/elementwise.h"
#include "ops/loss.h"
#include "ops/lookup.h"

namespace medner {

NerNetwork::NerNetwork(const NetworkConfig& config, Rng& init) : config_(config) {
  MEDNER_CHECK(!config.tags.empty() && config.words > 0, "network needs tags and a word vocabulary");
  words_ = Embedding(store_, "words", config.word_dim, config.words, init, /*sparse=*/true);
  Index in = config.word_dim;
  if (config.casing) {
    casing_ = Embedding(store_, "casing", config.casing_dim, kCasingCount, init, /*sparse=*/false);
    in += config.casing_dim;
  }
  if (config.lexicon_types > 0) {
    // One table for all types (each type its own kLexiconPositions rows), looked up once per type.
    lexicon_ = Embedding(store_, "lexicon", config.lexicon_dim, kLexiconPositions * config.lexicon_types, init,
                         /*sparse=*/false);
    in += config.lexicon_dim * config.lexicon_types;
  }
  if (config.char_encoder.kind != CharEncoderKind::None) {
    chars_ = CharEncoder(store_, "chars", config.char_encoder, config.chars, init);
    in += chars_.output_dim();
  }
  in += config.charlm_dim;
  bilstm_ = BiLstm(store_, "bilstm", in, config.hidden, config.layers, init);
  auto add_head = [&](const std::string& suffix, const std::vector<std::string>& tags) {
    MEDNER_CHECK(!tags.empty(), "head '{}' has no tags", suffix);
    const auto labels = static_cast<Index>(tags.size());
    outputs_.push_back(Linear(store_, "output" + suffix, bilstm_.output_dim(), labels, init));
    if (!config.crf) return;
    crfs_.push_back(std::make_unique<Crf>(store_, "crf" + suffix, labels));
    if (config.constraints) crfs_.back()->set_constraints(crf_constraints(tags, to_string(config.tag_scheme)));
  };
  add_head("", config.tags);
  for (std::size_t h = 0; h < config.extra_heads.size(); ++h) {
    const std::string& name = config.extra_heads[h].name;
    MEDNER_CHECK(!name.empty(), "head {} has no name", h + 1);
    for (std::size_t k = 0; k < h; ++k)
      MEDNER_CHECK(config.extra_heads[k].name != name, "two heads are named '{}'", name);
    add_head("." + name, config.extra_heads[h].tags);
  }
  if (config.charlm_fine_tune) {
    MEDNER_CHECK(config.charlm_chars >= 3 && config.charlm_dim == 2 * config.charlm.hidden,
                 "a tuned char LM of {} characters and {} values per token, hidden size {}", config.charlm_chars,
                 config.charlm_dim, config.charlm.hidden);
    for (int d = 0; d < 2; ++d)
      charlm_[d] = CharLmEncoder(store_, char_lm_direction_name(d), config.charlm, config.charlm_chars, init);
  }
  store_.finalize();
}

const std::vector<std::string>& NerNetwork::tags(int head) const {
  MEDNER_CHECK(head >= 0 && head < heads(), "head {} of a network with {}", head, heads());
  return head == 0 ? config_.tags : config_.extra_heads[static_cast<std::size_t>(head - 1)].tags;
}

void NerNetwork::copy_charlm(const CharLm& lm) {
  MEDNER_CHECK(config_.charlm_fine_tune, "copy_charlm: the network does not tune a language model");
  const std::string prefix = "charlm/";
  int copied = 0;
  for (int i = 0; i < store_.count(); ++i) {
    const Param p = store_.param(i);
    const ParamInfo& info = store_.info(p);
    if (info.name.compare(0, prefix.size(), prefix) != 0) continue;
    const Param from = lm.params().find(info.name);
    MEDNER_CHECK(from.valid(), "the language model has no parameter '{}'", info.name);
    const ParamInfo& f = lm.params().info(from);
    MEDNER_CHECK(f.rows == info.rows && f.cols == info.cols, "'{}' is {} x {} in the language model, {} x {} here",
                 info.name, f.rows, f.cols, info.rows, info.cols);
    store_.value(p) = lm.params().value(from);
    ++copied;
  }
  MEDNER_CHECK(copied > 0, "copy_charlm: no language model parameters");
}

const Crf& NerNetwork::crf(int head) const {
  MEDNER_CHECK(has_crf() && head >= 0 && head < heads(), "no CRF for head {}", head);
  return *crfs_[static_cast<std::size_t>(head)];
}

NodeId NerNetwork::emissions(Tape& tape, const Batch& batch, Rng* rng, bool train) const {
  const Index N = static_cast<Index>(batch.input_T) * batch.B;
  std::vector<NodeId> parts;
  NodeId word = words_(tape, store_, batch.words.data(), N);
  if (!batch.vector_positions.empty()) {
    // Words outside the vocabulary with a vector from subwords: their columns of the lookup (the
    // <unk> column) are replaced, word * keep + vectors, keep being 0 there and 1 elsewhere.
    const Index D = config_.word_dim;
    MEDNER_CHECK(batch.word_vector_dim == D, "batch word vectors of {} values, the network's words have {}",
                 batch.word_vector_dim, D);
    const NodeId keep = tape.constant(D, N), vectors = tape.constant(D, N);
    tape.value(keep).setOnes();
    tape.value(vectors).setZero();
    for (std::size_t i = 0; i < batch.vector_positions.size(); ++i) {
      const Index at = batch.vector_positions[i];
      tape.value(keep).col(at).setZero();
      tape.value(vectors).col(at) = Eigen::Map<const Vector>(batch.word_vectors.data() + static_cast<Index>(i) * D, D);
    }
    word = add(tape, multiply(tape, word, keep), vectors);
  }
  parts.push_back(word);
  if (config_.casing) parts.push_back(casing_(tape, store_, batch.casing.data(), N));
  if (config_.lexicon_types > 0) {
    MEDNER_CHECK(batch.lexicon_types == config_.lexicon_types, "batch has {} lexicon types, the network {}",
                 batch.lexicon_types, config_.lexicon_types);
    for (int k = 0; k < config_.lexicon_types; ++k) parts.push_back(lexicon_(tape, store_, batch.lexicon.data() + k * N, N));
  }
  if (config_.char_encoder.kind != CharEncoderKind::None) {
    const Index forms = static_cast<Index>(batch.form_offsets.size()) - 1;
    NodeId per_form = chars_(tape, store_, batch.form_chars.data(), batch.form_offsets.data(), forms);
    parts.push_back(gather_columns(tape, per_form, batch.position_form.data(), N));  // padding -> 0
  }
  if (config_.charlm_fine_tune) {
    // The token columns of the two directions' states: [forward; backward], as CharLm::embed.
    const CharLmInput& in = batch.charlm_input;
    MEDNER_CHECK(in.B == batch.B && static_cast<Index>(in.fwd_col.size()) == N, "a batch without its char LM input");
    const NodeId hf = charlm_[0].states(tape, store_, in.fwd.data(), in.T, in.B, in.lengths.data());
    const NodeId hb = charlm_[1].states(tape, store_, in.bwd.data(), in.T, in.B, in.lengths.data());
    parts.push_back(gather_columns(tape, hf, in.fwd_col.data(), N));
    parts.push_back(gather_columns(tape, hb, in.bwd_col.data(), N));
  } else if (config_.charlm_dim > 0) {
    MEDNER_CHECK(batch.charlm_dim == config_.charlm_dim, "batch has {} char LM values per token, the network {}",
                 batch.charlm_dim, config_.charlm_dim);
    const NodeId lm = tape.constant(config_.charlm_dim, N);
    std::copy_n(batch.charlm.data(), config_.charlm_dim * N, tape.value(lm).data());
    parts.push_back(lm);
  }
  const int n = static_cast<int>(parts.size());
  NodeId x = n == 1 ? parts[0] : concat_rows(tape, parts.data(), n);
  const real p = config_.dropout;
  if (train) x = dropout(tape, x, p, *rng, true);
  NodeId h = bilstm_(tape, store_, x, batch.B, batch.input_lengths.data(), p, rng, train).states;
  // Document context: the encoder read the neighbouring sentences; only the targets go on.
  if (!batch.target_position.empty())
    h = gather_columns(tape, h, batch.target_position.data(), static_cast<Index>(batch.T) * batch.B);
  if (train) h = dropout(tape, h, p, *rng, true);
  MEDNER_CHECK(batch.head >= 0 && batch.head < heads(), "a batch for head {} of a network with {}", batch.head,
               heads());
  return outputs_[static_cast<std::size_t>(batch.head)](tape, store_, h);
}

NodeId NerNetwork::loss(Tape& tape, const Batch& batch, Rng& rng, bool train) const {
  NodeId e = emissions(tape, batch, &rng, train);
  if (has_crf()) return crf(batch.head).nll(tape, e, batch.B, batch.lengths.data(), batch.tags.data());
  return softmax_nll(tape, e, batch.tags.data(), static_cast<Index>(batch.tags.size()));
}

std::vector<std::vector<int>> NerNetwork::decode(Tape& tape, const Batch& batch, CrfWorkspace* ws) const {
  NodeId e = emissions(tape, batch, nullptr, false);
  auto E = tape.value(e);
  if (has_crf()) return crf(batch.head).viterbi_batch(E, batch.B, batch.lengths.data(), ws);
  std::vector<std::vector<int>> out(static_cast<std::size_t>(batch.B));
  for (int b = 0; b < batch.B; ++b)
    for (int t = 0; t < batch.lengths[static_cast<std::size_t>(b)]; ++t) {
      Index best;
      E.col(static_cast<Index>(t) * batch.B + b).maxCoeff(&best);
      out[static_cast<std::size_t>(b)].push_back(static_cast<int>(best));
    }
  return out;
}

}  // namespace medner
