#include "pretrain/char_lm.h"

#include "core/error.h"
#include "data/utf8.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "ops/linalg.h"
#include "ops/loss.h"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <numeric>

namespace medner {

namespace {

const char* const kCharLmKind = "charlm";

}  // namespace

std::string char_lm_direction_name(int dir) { return dir == 0 ? "charlm/fwd" : "charlm/bwd"; }

CharLmEncoder::CharLmEncoder(ParamStore& store, const std::string& name, const CharLmConfig& config, Index chars,
                             Rng& init)
    : chars_(store, name + "/chars", config.char_dim, chars, init, /*sparse=*/false),
      lstm_(store, name + "/lstm", config.char_dim, config.hidden, init) {}

NodeId CharLmEncoder::states(Tape& tape, const ParamStore& store, const int* ids, Index T, Index B,
                             const int* lengths, LstmCarry* carry) const {
  // The input projection W_x e_c + b of every character once (4H x C), gathered per position.
  const NodeId table = lstm_.input_projection(tape, store, tape.param(store, chars_.table()));
  return lstm_.recurrence_gather(tape, store, table, T, B, lengths, ids, carry);
}

CharLm::CharLm(const CharLmConfig& config, std::vector<std::string> chars, Rng& init)
    : config_(config), chars_(std::move(chars)) {
  MEDNER_CHECK(config.char_dim > 0 && config.hidden > 0, "char LM sizes must be positive");
  MEDNER_CHECK(chars_.size() >= 3 && chars_[kCharLmUnk] == kCharLmUnkName && chars_[kCharLmBoundary] == "\n" &&
                   chars_[kCharLmSpace] == " ",
               "char LM characters must begin with <unk>, newline, space");
  for (std::size_t i = 1; i < chars_.size(); ++i) {
    const std::u32string cp = utf8_decode(chars_[i]);
    MEDNER_CHECK(cp.size() == 1, "char LM character {} is not one code point", i);
    MEDNER_CHECK(index_.emplace(cp[0], static_cast<int>(i)).second, "char LM character {} repeats", i);
  }
  const auto C = static_cast<Index>(chars_.size());
  for (int d = 0; d < 2; ++d) {
    const std::string n = char_lm_direction_name(d);
    dir_[d].encoder = CharLmEncoder(store_, n, config, C, init);
    dir_[d].out = Linear(store_, n + "/out", config.hidden, C, init);
  }
  store_.finalize();
}

int CharLm::char_id(char32_t cp) const {
  const auto it = index_.find(cp);
  return it == index_.end() ? kCharLmUnk : it->second;
}

std::vector<int> CharLm::encode_sentence(const std::vector<std::string>& tokens, std::vector<int>* last_char,
                                         std::vector<int>* first_char) const {
  std::vector<int> ids = {kCharLmBoundary};
  if (last_char != nullptr) last_char->clear();
  if (first_char != nullptr) first_char->clear();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) ids.push_back(kCharLmSpace);
    const std::size_t before = ids.size();
    std::size_t k = 0;
    char32_t cp = 0;
    while (k < tokens[i].size()) {
      utf8_next(tokens[i], k, cp);  // an invalid byte reads as U+FFFD, which is <unk>
      ids.push_back(char_id(cp));
    }
    if (ids.size() == before) ids.push_back(kCharLmUnk);  // an empty token still takes a place
    if (first_char != nullptr) first_char->push_back(static_cast<int>(before));
    if (last_char != nullptr) last_char->push_back(static_cast<int>(ids.size()) - 1);
  }
  return ids;
}

NodeId CharLm::loss(Tape& tape, int dir, const int* inputs, const int* targets, Index T, Index B,
                    LstmCarry* carry) const {
  MEDNER_CHECK(dir == 0 || dir == 1, "char LM direction {}", dir);
  const std::vector<int> lengths(static_cast<std::size_t>(B), static_cast<int>(T));
  const NodeId h = dir_[dir].encoder.states(tape, store_, inputs, T, B, lengths.data(), carry);
  const NodeId logits = dir_[dir].out(tape, store_, h);  // C x (T*B)
  return softmax_nll(tape, logits, targets, T * B);
}

std::vector<std::vector<real>> CharLm::embed(const std::vector<std::vector<std::string>>& sentences,
                                             int threads) const {
  constexpr std::size_t kBatch = 32;
  const std::size_t n = sentences.size();
  std::vector<std::vector<int>> ids(n), first(n), last(n);
  for (std::size_t s = 0; s < n; ++s) ids[s] = encode_sentence(sentences[s], &last[s], &first[s]);
  // Batches of sentences of similar length, so the recurrence's live columns stay dense.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a].size() > ids[b].size(); });
  std::vector<std::vector<real>> out(n);
  const auto batches = static_cast<long>((n + kBatch - 1) / kBatch);
  const Index H = config_.hidden;
  std::exception_ptr error;
#pragma omp parallel num_threads(std::max(1, threads))
  {
    Tape tape;  // inference: no gradients
    CharLmInput in;
    std::vector<const std::vector<int>*> x, f, l;
#pragma omp for schedule(dynamic)
    for (long k = 0; k < batches; ++k) {
      try {
        const std::size_t begin = static_cast<std::size_t>(k) * kBatch, end = std::min(n, begin + kBatch);
        x.clear();
        f.clear();
        l.clear();
        Index slots = 0;
        for (std::size_t j = begin; j < end; ++j) {
          x.push_back(&ids[order[j]]);
          f.push_back(&first[order[j]]);
          l.push_back(&last[order[j]]);
          slots = std::max(slots, static_cast<Index>(last[order[j]].size()));
        }
        make_char_lm_input(x, f, l, slots, in);
        tape.clear();
        const NodeId hf = dir_[0].encoder.states(tape, store_, in.fwd.data(), in.T, in.B, in.lengths.data());
        const NodeId hb = dir_[1].encoder.states(tape, store_, in.bwd.data(), in.T, in.B, in.lengths.data());
        const auto F = tape.value(hf), Bk = tape.value(hb);
        for (Index b = 0; b < in.B; ++b) {
          const std::size_t s = order[begin + static_cast<std::size_t>(b)];
          const auto tokens = static_cast<Index>(last[s].size());
          std::vector<real>& e = out[s];
          e.resize(static_cast<std::size_t>(tokens * 2 * H));
          MatrixMap E(e.data(), 2 * H, tokens);
          for (Index i = 0; i < tokens; ++i) {
            const auto slot = static_cast<std::size_t>(i * in.B + b);
            E.col(i).head(H) = F.col(in.fwd_col[slot]);
            E.col(i).tail(H) = Bk.col(in.bwd_col[slot]);
          }
        }
      } catch (...) {
#pragma omp critical(charlm_embed_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

std::string char_lm_bytes(const CharLm& lm) {
  ModelFile mf;
  mf.kind = kCharLmKind;
  mf.config = {{"char-dim", std::to_string(lm.config().char_dim)}, {"hidden", std::to_string(lm.config().hidden)}};
  mf.vocabularies = {{"chars", lm.chars()}};
  store_params(lm.params(), mf);
  return encode_model_file(mf);
}

std::unique_ptr<CharLm> char_lm_from_bytes(std::string_view bytes, const std::string& path) {
  const ModelFile mf = decode_model_file(bytes, path);
  model_require_kind(mf, kCharLmKind, path);
  auto size = [&](const char* key) {
    const std::string* v = find_config(mf, key);
    if (v == nullptr) throw InputError(fmt::format("{}: missing setting '{}' of the character language model", path, key));
    std::size_t used = 0;
    long x = 0;
    try {
      x = std::stol(*v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v->size() || x <= 0 || x > 100000)
      throw InputError(fmt::format("{}: setting '{}' is '{}', expected a positive size", path, key, *v));
    return static_cast<Index>(x);
  };
  CharLmConfig c;
  c.char_dim = size("char-dim");
  c.hidden = size("hidden");
  const std::vector<std::string>& chars = get_vocabulary(mf, "chars", path);
  if (chars.size() < 3 || chars[kCharLmUnk] != kCharLmUnkName || chars[kCharLmBoundary] != "\n" ||
      chars[kCharLmSpace] != " ")
    throw InputError(fmt::format("{}: the characters of a character language model must begin with <unk>, "
                                 "newline and space",
                                 path));
  for (std::size_t i = 1; i < chars.size(); ++i)
    if (utf8_decode(chars[i]).size() != 1 || !utf8_valid(chars[i]))
      throw InputError(fmt::format("{}: character {} of the language model is not one code point", path, i));
  // The sizes the file's parameters must add up to, checked before anything is allocated, so a
  // corrupted size cannot cost gigabytes: per direction D x C + 4H x D + 4H x H + 4H + C x H + C.
  const auto C = static_cast<double>(chars.size()), D = static_cast<double>(c.char_dim),
             H = static_cast<double>(c.hidden);
  const double expected = 2 * (D * C + 4 * H * D + 4 * H * H + 4 * H + C * H + C);
  double in_file = 0;
  for (const ModelFile::Tensor& t : mf.params) in_file += static_cast<double>(t.data.size());
  if (in_file != expected)
    throw InputError(fmt::format("{}: the file holds {} parameter values, a language model of hidden size {}, "
                                 "character size {} and {} characters has {:.0f}",
                                 path, in_file, c.hidden, c.char_dim, chars.size(), expected));
  Rng init(1);
  std::unique_ptr<CharLm> lm;
  try {
    lm = std::make_unique<CharLm>(c, chars, init);
  } catch (const InternalError&) {
    throw InputError(fmt::format("{}: the language model's characters repeat", path));
  }
  load_params(mf, lm->params(), path);
  return lm;
}

void save_char_lm(const CharLm& lm, const std::string& path) { write_file_atomic(path, char_lm_bytes(lm)); }

std::unique_ptr<CharLm> load_char_lm(const std::string& path) { return char_lm_from_bytes(read_file(path), path); }

}  // namespace medner
