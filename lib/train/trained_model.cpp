#include "train/trained_model.h"

#include "core/error.h"

namespace medner {

NetworkConfig network_config(const TrainConfig& c, const Vocabularies& vocab) {
  NetworkConfig n;
  n.words = vocab.words.size();
  n.chars = vocab.chars.size();
  n.tags = vocab.tags.entries();
  n.tag_scheme = to_string(vocab.scheme);
  n.word_dim = c.word_dim;
  n.casing = c.casing;
  n.casing_dim = c.casing_dim;
  n.char_encoder = c.chars;
  n.hidden = c.hidden;
  n.layers = c.layers;
  n.dropout = static_cast<real>(c.dropout);
  n.crf = c.output == "crf";
  n.constraints = c.constraints;
  return n;
}

ModelFile to_model_file(const ConfigMap& config, const Vocabularies& vocab, const NerNetwork& net,
                        const std::string& kind) {
  ModelFile mf;
  mf.kind = kind;
  mf.config = config;
  mf.vocabularies = {{"words", vocab.words.entries()},
                     {"chars", vocab.chars.entries()},
                     {"tags", vocab.tags.entries()}};
  store_params(net.params(), mf);
  return mf;
}

TrainedModel from_model_file(const ModelFile& mf, const std::string& path) {
  TrainedModel m;
  // Options missing from the file keep their defaults; unknown ones are errors.
  ConfigMap stored;
  for (const auto& kv : mf.config) {
    const OptionSpec* spec = find_option(kv.first);
    if (spec == nullptr) throw InputError(fmt::format("{}: unknown config key '{}' in the model", path, kv.first));
    stored.push_back(kv);
  }
  m.config = mf.config;
  try {
    m.train_config = TrainConfig::from_map(merge_config({stored}));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: bad stored config: {}", path, e.what()));
  }
  m.vocab.words = Vocab(get_vocabulary(mf, "words", path));
  m.vocab.chars = Vocab(get_vocabulary(mf, "chars", path));
  m.vocab.tags = Vocab(get_vocabulary(mf, "tags", path));
  if (m.vocab.words.size() < 2 || m.vocab.chars.size() < 2 || m.vocab.tags.size() < 1)
    throw InputError(path + ": a vocabulary is empty");
  m.vocab.word_options.lowercase = m.train_config.lowercase;
  m.vocab.word_options.normalize_digits = m.train_config.normalize_digits;
  m.vocab.scheme = parse_tag_scheme(m.train_config.tag_scheme);
  Rng init(0);
  m.net = std::make_unique<NerNetwork>(network_config(m.train_config, m.vocab), init);
  load_params(mf, m.net->params(), path);
  return m;
}

TrainedModel load_trained_model(const std::string& path) {
  ModelFile mf = load_model_file(path);
  model_require_kind(mf, "model", path);
  return from_model_file(mf, path);
}

}  // namespace medner
