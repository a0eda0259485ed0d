#include "model/trained_model.h"

#include "core/error.h"
#include "data/word_features.h"
#include "io/compression.h"
#include "model/model_card.h"
#include "model/shipped_models.h"
#include "model/spare_vectors.h"
#include "model/unknown_word_vectors.h"

#include <new>
#include <string_view>
#include <unordered_set>

namespace medner {

namespace {

// The lexicon's names (data/lexicon.h serialized()), zlib-compressed. All four lexicons of
// ../shared/lexicons together are about 12 MB of such text; a corrupted blob may not claim more.
const char* const kLexiconBlob = "lexicon";
constexpr std::size_t kMaxLexiconBytes = std::size_t{1} << 30;
// The character language model's file (pretrain/char_lm.h), as medner-pretrain wrote it.
const char* const kCharLmBlob = "charlm";

// A lower bound on the parameter values of the network `c` builds over `v`: each term is a
// parameter it certainly has (embedding tables, recurrent weights, output layer, transitions).
// Checked against the file before the network is allocated, so that a corrupted (or edited) file
// whose stored config says hidden = 2000000000 is refused instead of costing gigabytes.
double min_param_values(const ModelOptions& c, const Vocabularies& v) {
  const auto L = static_cast<double>(v.tags.size());
  const auto h = static_cast<double>(c.hidden);
  double n = static_cast<double>(c.word_dim) * v.words.size();
  if (c.casing) n += static_cast<double>(c.casing_dim) * kCasingCount;
  if (v.lexicon) n += static_cast<double>(c.lexicon_dim) * kLexiconPositions * v.lexicon->types();
  if (c.char_encoder.kind != CharEncoderKind::None) {
    const auto cd = static_cast<double>(c.char_encoder.char_dim);
    n += cd * v.chars.size();
    if (c.char_encoder.kind == CharEncoderKind::Lstm) {
      const auto ch = static_cast<double>(c.char_encoder.hidden);
      n += 2 * 4 * ch * (cd + ch);
    } else {
      n += static_cast<double>(c.char_encoder.filters) * static_cast<double>(c.char_encoder.width) * cd;
    }
  }
  n += static_cast<double>(c.layers) * 2 * 4 * h * h;  // Wh of each direction of each layer
  n += 2 * h * L;                                      // output layer
  if (c.crf) n += L * L;
  for (const Vocabularies::Head& head : v.extra_heads) {
    const auto l = static_cast<double>(head.tags.size());
    n += 2 * h * l + (c.crf ? l * l : 0);
  }
  if (c.charlm_fine_tune && v.charlm) {  // the tuned copy: embedding and LSTM per direction
    const auto lh = static_cast<double>(v.charlm->config().hidden), ld = static_cast<double>(v.charlm->config().char_dim);
    n += 2 * (ld * static_cast<double>(v.charlm->chars().size()) + 4 * lh * (ld + lh + 1));
  }
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

// The vocabulary of head NAME's tags.
const char* const kHeadTagsPrefix = "tags.";

// An option name: lower-case letters, digits and '-', as every option table spells them.
bool valid_config_key(const std::string& key) {
  if (key.empty() || key.size() > 64) return false;
  for (char ch : key)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

}  // namespace

NetworkConfig network_config(const ModelOptions& options, const Vocabularies& vocab) {
  NetworkConfig n;
  static_cast<ModelOptions&>(n) = options;
  n.words = vocab.words.size();
  n.chars = vocab.chars.size();
  n.lexicon_types = vocab.lexicon ? vocab.lexicon->types() : 0;
  n.charlm_dim = vocab.charlm ? vocab.charlm->embedding_dim() : 0;
  if (vocab.charlm && options.charlm_fine_tune) {
    n.charlm = vocab.charlm->config();
    n.charlm_chars = static_cast<Index>(vocab.charlm->chars().size());
  }
  n.tags = vocab.tags.entries();
  for (const Vocabularies::Head& h : vocab.extra_heads) n.extra_heads.push_back({h.name, h.tags.entries()});
  n.tag_scheme = vocab.scheme;
  return n;
}

void set_lexicon(Vocabularies& vocab, std::shared_ptr<const Lexicon> lexicon) {
  vocab.lexicon_blob = lexicon ? std::make_shared<const std::string>(zlib_compress(lexicon->serialized())) : nullptr;
  vocab.lexicon = std::move(lexicon);
}

void set_charlm(Vocabularies& vocab, std::string bytes, const std::string& path) {
  vocab.charlm = char_lm_from_bytes(bytes, path);
  vocab.charlm_blob = std::make_shared<const std::string>(std::move(bytes));
}

ModelFile to_model_file(const ConfigMap& config, const Vocabularies& vocab, const NerNetwork& net,
                        const std::string& kind) {
  ModelFile mf;
  mf.kind = kind;
  mf.config = config;
  mf.vocabularies = {{"words", vocab.words.entries()},
                     {"chars", vocab.chars.entries()},
                     {"tags", vocab.tags.entries()}};
  for (const Vocabularies::Head& h : vocab.extra_heads)
    mf.vocabularies.emplace_back(kHeadTagsPrefix + h.name, h.tags.entries());
  if (vocab.lexicon) {
    MEDNER_CHECK(vocab.lexicon_blob != nullptr, "a lexicon without its blob (set_lexicon)");
    put_blob(mf, kLexiconBlob, *vocab.lexicon_blob);
  }
  if (vocab.charlm) {
    MEDNER_CHECK(vocab.charlm_blob != nullptr, "a char LM without its blob (set_charlm)");
    put_blob(mf, kCharLmBlob, *vocab.charlm_blob);
  }
  if (vocab.spare_vectors) put_blob(mf, kSpareVectorsBlob, *vocab.spare_vectors);
  if (vocab.unknown_vectors) {
    MEDNER_CHECK(vocab.unknown_vectors_blob != nullptr, "subword vectors without their blob");
    put_blob(mf, kSubwordVectorsBlob, *vocab.unknown_vectors_blob);
  }
  store_params(net.params(), mf);
  return mf;
}

namespace {

void set_unknown_vectors(TrainedModel& m, const std::string& blob, const std::string& path) {
  m.vocab.unknown_vectors = unknown_word_vectors(blob, path);
  if (m.vocab.unknown_vectors->word_dim != m.options.word_dim)
    throw InputError(fmt::format("{}: blob '{}' is for word vectors of {} values, the model's have {}", path,
                                 kSubwordVectorsBlob, m.vocab.unknown_vectors->word_dim, m.options.word_dim));
}

}  // namespace

TrainedModel from_model_file(const ModelFile& mf, const std::string& path) {
  TrainedModel m;
  // The model's options are decoded (missing ones keep their defaults, as in a file written
  // before they existed); the others record how the model was trained and are kept as they are.
  ConfigMap own;
  for (const auto& kv : mf.config) {
    if (!valid_config_key(kv.first))
      throw InputError(fmt::format("{}: malformed config key '{}' in the model", path, message_excerpt(kv.first)));
    if (find_option(model_options(), kv.first) != nullptr) own.push_back(kv);
  }
  m.config = mf.config;
  try {
    m.options = parse_options(model_options(), own);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: bad stored config: {}", path, e.what()));
  }
  m.vocab.words = vocab_from(mf, "words", path);
  m.vocab.chars = vocab_from(mf, "chars", path);
  m.vocab.tags = vocab_from(mf, "tags", path);
  if (m.vocab.words.size() < 2 || m.vocab.chars.size() < 2 || m.vocab.tags.size() < 1)
    throw InputError(path + ": a vocabulary is empty");
  for (const auto& [name, entries] : mf.vocabularies) {
    if (name.rfind(kHeadTagsPrefix, 0) != 0) continue;
    const std::string head = name.substr(std::string_view(kHeadTagsPrefix).size());
    if (!valid_head_name(head))
      throw InputError(fmt::format("{}: malformed head name '{}' in the model", path, message_excerpt(head)));
    for (const Vocabularies::Head& h : m.vocab.extra_heads)
      if (h.name == head) throw InputError(fmt::format("{}: head '{}' is stored twice; the file is corrupted", path, head));
    Vocab tags = vocab_from(mf, name, path);
    if (tags.size() < 1) throw InputError(fmt::format("{}: head '{}' has no tags", path, head));
    m.vocab.extra_heads.push_back({head, std::move(tags)});
  }
  m.vocab.word_options = m.options.word_options();
  if (const std::string* blob = find_blob(mf, kLexiconBlob)) {
    const std::string what = fmt::format("{}: blob '{}'", path, kLexiconBlob);
    m.vocab.lexicon =
        std::make_shared<const Lexicon>(deserialize_lexicon(zlib_decompress(*blob, what, kMaxLexiconBytes), what));
    m.vocab.lexicon_blob = std::make_shared<const std::string>(*blob);
  }
  if (const std::string* blob = find_blob(mf, kCharLmBlob))
    set_charlm(m.vocab, *blob, fmt::format("{}: blob '{}'", path, kCharLmBlob));
  if (const std::string* blob = find_blob(mf, kSpareVectorsBlob))
    m.vocab.spare_vectors = std::make_shared<const std::string>(*blob);
  if (const std::string* blob = find_blob(mf, kSubwordVectorsBlob)) {
    set_unknown_vectors(m, *blob, path);
    m.vocab.unknown_vectors_blob = std::make_shared<const std::string>(*blob);
  }
  if (m.options.charlm_fine_tune && !m.vocab.charlm)
    throw InputError(fmt::format("{}: the model tunes a character language model (charlm-fine-tune) but holds none "
                                 "(blob '{}'); the file is corrupted or was edited",
                                 path, kCharLmBlob));
  m.vocab.charlm_fine_tune = m.options.charlm_fine_tune;
  m.vocab.scheme = m.options.tag_scheme;
  for (const std::string& tag : m.vocab.tags.entries())
    if (!parse_tag(tag))
      throw InputError(fmt::format("{}: tag vocabulary: {}", path, invalid_tag_reason(tag)));
  for (const Vocabularies::Head& h : m.vocab.extra_heads)
    for (const std::string& tag : h.tags.entries())
      if (!parse_tag(tag))
        throw InputError(fmt::format("{}: tag vocabulary of head '{}': {}", path, h.name, invalid_tag_reason(tag)));
  double in_file = 0;
  for (const ModelFile::Tensor& t : mf.params) in_file += static_cast<double>(t.data.size());
  const double needed = min_param_values(m.options, m.vocab);
  if (needed > in_file)
    throw InputError(
        fmt::format("{}: the stored configuration needs at least {:.0f} parameter values, the file "
                    "holds {:.0f}; the file is corrupted or was edited",
                    path, needed, in_file));
  Rng init(0);
  try {
    m.net = std::make_unique<NerNetwork>(network_config(m.options, m.vocab), init);
  } catch (const std::bad_alloc&) {
    throw InputError(
        fmt::format("{}: out of memory building the network of the stored configuration "
                    "(hidden = {}, word-dim = {}, {} words)",
                    path, m.options.hidden, m.options.word_dim, m.vocab.words.size()));
  }
  load_params(mf, m.net->params(), path);
  m.card = model_card(mf, path);
  return m;
}

TrainedModel load_trained_model(const std::string& model, int threads) {
  const std::string path = resolve_model_path(model);
  ModelFile mf = load_model_file(path);
  model_require_kind(mf, "model", path);
  // A model tags with its spare vectors as vocabulary words; a checkpoint keeps them aside.
  merge_spare_vectors(mf, path);
  // The subword vectors (often the largest part of such a model) are moved out, not copied: a
  // model loaded for tagging is never written again, so it needs no blob to store.
  std::string subwords;
  const bool has_subwords = take_blob(mf, kSubwordVectorsBlob, subwords);
  TrainedModel m = from_model_file(mf, path);
  if (has_subwords) set_unknown_vectors(m, subwords, path);
  m.vocab.charlm_threads = threads;
  return m;
}

bool valid_head_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
      return false;
  return true;
}

std::vector<std::string> head_names(const ConfigMap& config, const Vocabularies& vocab) {
  std::vector<std::string> names = {config_value(config, kHeadNameKey, kDefaultHeadName)};
  for (const Vocabularies::Head& h : vocab.extra_heads) names.push_back(h.name);
  return names;
}

int find_head(const TrainedModel& model, const std::string& name) {
  if (name.empty()) return 0;  // --head not given: the first
  const std::vector<std::string> names = head_names(model.config, model.vocab);
  for (std::size_t h = 0; h < names.size(); ++h)
    if (names[h] == name) return static_cast<int>(h);
  throw InputError(fmt::format("--head: the model has no head '{}'; its heads are {}", message_excerpt(name),
                               join_names(names, ", ")));
}

}  // namespace medner
