#include "model/model_options.h"

#include <algorithm>

namespace medner {

WordOptions ModelOptions::word_options() const {
  WordOptions w;
  w.lowercase = lowercase;
  w.normalize_digits = normalize_digits;
  return w;
}

namespace {

OptionTable<ModelOptions> make_model_options() {
  using M = ModelOptions;
  auto chars = [](auto member) { return [member](M& m) -> auto& { return m.char_encoder.*member; }; };
  OptionTable<M> t = {
      int_option<M>("word-dim", &M::word_dim, 100, 1, "word embedding size (must match --embeddings)"),
      bool_option<M>("lowercase", &M::lowercase, true, "look words up lower-cased"),
      bool_option<M>("casing", &M::casing, true, "add a casing-feature embedding"),
      int_option<M>("casing-dim", &M::casing_dim, 10, 1, "casing embedding size"),
      int_option<M>("lexicon-dim", &M::lexicon_dim, 10, 1, "lexicon feature embedding size per type (with --lexicon)"),
      bool_option<M>("normalize-digits", &M::normalize_digits, false, "map digits to 0 before word lookup"),
      choice_option<M>("char-encoder", chars(&CharEncoderConfig::kind),
                       std::vector<std::pair<std::string, CharEncoderKind>>{{"lstm", CharEncoderKind::Lstm},
                                                                            {"cnn", CharEncoderKind::Cnn},
                                                                            {"none", CharEncoderKind::None}},
                       "lstm", "character encoder"),
      int_option<M>("char-dim", chars(&CharEncoderConfig::char_dim), 25, 1, "character embedding size"),
      int_option<M>("char-hidden", chars(&CharEncoderConfig::hidden), 50, 1, "character BiLSTM size per direction"),
      int_option<M>("char-filters", chars(&CharEncoderConfig::filters), 50, 1, "character CNN filters"),
      int_option<M>("char-width", chars(&CharEncoderConfig::width), 3, 1, "character CNN window (odd)"),
      int_option<M>("hidden", &M::hidden, 200, 1, "word BiLSTM size per direction"),
      int_option<M>("layers", &M::layers, 1, 1, "stacked BiLSTM layers"),
      int_option<M>("context", &M::context, 0, 0,
                    "neighbouring sentences of the same document the BiLSTM reads on each side of the tagged one"),
      real_option<M>("dropout", &M::dropout, "0.5", 0, 0.95, false, "dropout on the BiLSTM input and output"),
      choice_option<M>("output", &M::crf, std::vector<std::pair<std::string, bool>>{{"crf", true}, {"softmax", false}},
                       "crf", "output layer"),
      choice_option<M>("tag-scheme", &M::tag_scheme,
                       std::vector<std::pair<std::string, TagScheme>>{{"iob2", TagScheme::IOB2},
                                                                      {"iobes", TagScheme::IOBES}},
                       "iobes", "internal tag scheme"),
      bool_option<M>("constraints", &M::constraints, true, "forbid tag transitions invalid for the scheme (CRF)"),
      // Last: a model file keeps its options in table order, and this one came last.
      bool_option<M>("charlm-fine-tune", &M::charlm_fine_tune, false,
                     "train the --charlm language model's embedding and LSTM with the tagger (the model file keeps "
                     "the tuned copy) instead of reading its states as fixed features"),
  };
  // The CNN's window is centred on each character, so it must be odd.
  Option<M>& width = *std::find_if(t.begin(), t.end(), [](const Option<M>& o) { return o.name == "char-width"; });
  width.parse = [parse = width.parse](M& m, const std::string& v) {
    parse(m, v);
    if (m.char_encoder.width % 2 == 0) bad_option_value("char-width", "an odd positive integer", v);
  };
  return t;
}

}  // namespace

const OptionTable<ModelOptions>& model_options() {
  static const OptionTable<ModelOptions> table = make_model_options();
  return table;
}

}  // namespace medner
