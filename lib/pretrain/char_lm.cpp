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
const char* const kDirName[2] = {"fwd", "bwd"};

}  // namespace

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
    const std::string n = std::string("charlm/") + kDirName[d];
    dir_[d].chars = Embedding(store_, n + "/chars", config.char_dim, C, init, /*sparse=*/false);
    dir_[d].lstm = Lstm(store_, n + "/lstm", config.char_dim, config.hidden, init);
    dir_[d].out = Linear(store_, n + "/out", config.hidden, C, init);
  }
  store_.finalize();
}

int CharLm::char_id(char32_t cp) const {
  const auto it = index_.find(cp);
  return it == index_.end() ? kCharLmUnk : it->second;
}

std::vector<int> CharLm::encode_sentence(const std::vector<std::string>& tokens, std::vector<int>* last_char) const {
  std::vector<int> ids = {kCharLmBoundary};
  if (last_char != nullptr) last_char->clear();
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
    if (last_char != nullptr) last_char->push_back(static_cast<int>(ids.size()) - 1);
  }
  return ids;
}

NodeId CharLm::states(Tape& tape, int dir, const int* ids, Index T, Index B, const int* lengths,
                      LstmCarry* carry) const {
  const Direction& d = dir_[dir];
  // The input projection W_x e_c + b of every character once (4H x C), gathered per position.
  const NodeId table = d.lstm.input_projection(tape, store_, tape.param(store_, d.chars.table()));
  return d.lstm.recurrence_gather(tape, store_, table, T, B, lengths, ids, carry);
}

NodeId CharLm::loss(Tape& tape, int dir, const int* inputs, const int* targets, Index T, Index B,
                    LstmCarry* carry) const {
  MEDNER_CHECK(dir == 0 || dir == 1, "char LM direction {}", dir);
  const std::vector<int> lengths(static_cast<std::size_t>(B), static_cast<int>(T));
  const NodeId h = states(tape, dir, inputs, T, B, lengths.data(), carry);
  const NodeId logits = dir_[dir].out(tape, store_, h);  // C x (T*B)
  return softmax_nll(tape, logits, targets, T * B);
}

std::vector<std::vector<real>> CharLm::embed(const std::vector<std::vector<std::string>>& sentences,
                                             int threads) const {
  constexpr std::size_t kBatch = 32;
  const std::size_t n = sentences.size();
  std::vector<std::vector<int>> ids(n), last(n);
  for (std::size_t s = 0; s < n; ++s) ids[s] = encode_sentence(sentences[s], &last[s]);
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
    std::vector<int> fwd, bwd, lengths;
#pragma omp for schedule(dynamic)
    for (long k = 0; k < batches; ++k) {
      try {
        const std::size_t first = static_cast<std::size_t>(k) * kBatch, end = std::min(n, first + kBatch);
        const auto B = static_cast<Index>(end - first);
        const auto T = static_cast<Index>(ids[order[first]].size());
        fwd.assign(static_cast<std::size_t>(T * B), kCharLmBoundary);
        bwd = fwd;
        lengths.assign(static_cast<std::size_t>(B), 0);
        // Backward reading: "\n" then the sentence's characters from its end; forward position
        // p >= 1 of a sequence of length L is backward position L - p.
        for (Index b = 0; b < B; ++b) {
          const std::vector<int>& x = ids[order[first + static_cast<std::size_t>(b)]];
          const auto L = static_cast<Index>(x.size());
          lengths[static_cast<std::size_t>(b)] = static_cast<int>(L);
          for (Index p = 0; p < L; ++p) fwd[static_cast<std::size_t>(p * B + b)] = x[static_cast<std::size_t>(p)];
          for (Index p = 1; p < L; ++p)
            bwd[static_cast<std::size_t>((L - p) * B + b)] = x[static_cast<std::size_t>(p)];
        }
        tape.clear();
        const NodeId hf = states(tape, 0, fwd.data(), T, B, lengths.data(), nullptr);
        const NodeId hb = states(tape, 1, bwd.data(), T, B, lengths.data(), nullptr);
        const auto F = tape.value(hf), Bk = tape.value(hb);
        for (Index b = 0; b < B; ++b) {
          const std::size_t s = order[first + static_cast<std::size_t>(b)];
          const std::vector<int>& lc = last[s];
          const Index L = lengths[static_cast<std::size_t>(b)];
          std::vector<real>& e = out[s];
          e.resize(lc.size() * static_cast<std::size_t>(2 * H));
          MatrixMap E(e.data(), 2 * H, static_cast<Index>(lc.size()));
          for (std::size_t i = 0; i < lc.size(); ++i) {
            const Index first_char = i == 0 ? 1 : lc[i - 1] + 2;  // after "\n", or after the space
            const auto col = static_cast<Index>(i);
            E.col(col).head(H) = F.col(lc[i] * B + b);
            E.col(col).tail(H) = Bk.col((L - first_char) * B + b);
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
