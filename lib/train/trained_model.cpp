#include "train/trained_model.h"

#include "core/error.h"
#include "data/word_features.h"

#include <new>
#include <string_view>
#include <unordered_set>

namespace medner {

namespace {

// A lower bound on the parameter values of the network `c` builds over `v`: each term is a
// parameter it certainly has (embedding tables, recurrent weights, output layer, transitions).
// Checked against the file before the network is allocated, so that a corrupted (or edited) file
// whose stored config says hidden = 2000000000 is refused instead of costing gigabytes.
double min_param_values(const TrainConfig& c, const Vocabularies& v) {
  const auto L = static_cast<double>(v.tags.size());
  const auto h = static_cast<double>(c.hidden);
  double n = static_cast<double>(c.word_dim) * v.words.size();
  if (c.casing) n += static_cast<double>(c.casing_dim) * kCasingCount;
  if (c.chars.kind != CharEncoderKind::None) {
    const auto cd = static_cast<double>(c.chars.char_dim);
    n += cd * v.chars.size();
    if (c.chars.kind == CharEncoderKind::Lstm) {
      const auto ch = static_cast<double>(c.chars.hidden);
      n += 2 * 4 * ch * (cd + ch);
    } else {
      n += static_cast<double>(c.chars.filters) * static_cast<double>(c.chars.width) * cd;
    }
  }
  n += static_cast<double>(c.layers) * 2 * 4 * h * h;  // Wh of each direction of each layer
  n += 2 * h * L;                                      // output layer
  if (c.output == "crf") n += L * L;
  return n;
}

// A vocabulary of the file; duplicates are corruption (Vocab itself treats them as a bug).
Vocab vocab_from(const ModelFile& mf, const std::string& name, const std::string& path) {
  const std::vector<std::string>& entries = get_vocabulary(mf, name, path);
  std::unordered_set<std::string_view> seen;
  for (const std::string& e : entries)
    if (!seen.insert(e).second)
      throw InputError(fmt::format("{}: vocabulary '{}' holds '{}' twice; the file is corrupted",
                                   path, name, message_excerpt(e)));
  return Vocab(entries);
}

}  // namespace

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
  n.context = c.context;
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
    if (spec == nullptr)
      throw InputError(
          fmt::format("{}: unknown config key '{}' in the model", path, message_excerpt(kv.first)));
    stored.push_back(kv);
  }
  m.config = mf.config;
  try {
    m.train_config = TrainConfig::from_map(merge_config({stored}));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: bad stored config: {}", path, e.what()));
  }
  m.vocab.words = vocab_from(mf, "words", path);
  m.vocab.chars = vocab_from(mf, "chars", path);
  m.vocab.tags = vocab_from(mf, "tags", path);
  if (m.vocab.words.size() < 2 || m.vocab.chars.size() < 2 || m.vocab.tags.size() < 1)
    throw InputError(path + ": a vocabulary is empty");
  m.vocab.word_options.lowercase = m.train_config.lowercase;
  m.vocab.word_options.normalize_digits = m.train_config.normalize_digits;
  m.vocab.scheme = parse_tag_scheme(m.train_config.tag_scheme);
  for (const std::string& tag : m.vocab.tags.entries())
    if (!parse_tag(tag))
      throw InputError(fmt::format("{}: tag vocabulary: {}", path, invalid_tag_reason(tag)));
  double in_file = 0;
  for (const ModelFile::Tensor& t : mf.params) in_file += static_cast<double>(t.data.size());
  const double needed = min_param_values(m.train_config, m.vocab);
  if (needed > in_file)
    throw InputError(
        fmt::format("{}: the stored configuration needs at least {:.0f} parameter values, the file "
                    "holds {:.0f}; the file is corrupted or was edited",
                    path, needed, in_file));
  Rng init(0);
  try {
    m.net = std::make_unique<NerNetwork>(network_config(m.train_config, m.vocab), init);
  } catch (const std::bad_alloc&) {
    throw InputError(
        fmt::format("{}: out of memory building the network of the stored configuration "
                    "(hidden = {}, word-dim = {}, {} words)",
                    path, m.train_config.hidden, m.train_config.word_dim, m.vocab.words.size()));
  }
  load_params(mf, m.net->params(), path);
  return m;
}

TrainedModel load_trained_model(const std::string& path) {
  ModelFile mf = load_model_file(path);
  model_require_kind(mf, "model", path);
  return from_model_file(mf, path);
}

}  // namespace medner
