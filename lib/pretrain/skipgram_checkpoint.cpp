#include "pretrain/skipgram_checkpoint.h"

#include "core/error.h"
#include "io/binary.h"
#include "io/checksum.h"
#include "io/model_file.h"
#include "pretrain/run_identity.h"

#include <fmt/format.h>

namespace medner {
namespace {

const char* const kKind = "vectors-checkpoint";

std::string float_bytes(const std::vector<float>& v) {
  BinaryWriter w;
  w.reserve(8 + 4 * v.size());
  w.u64(v.size());
  for (float x : v) w.f32(x);
  return w.take();
}

std::vector<float> floats_of(const ModelFile& mf, const std::string& name, const std::string& path, std::size_t n) {
  const std::string& bytes = get_blob(mf, name, path);
  BinaryReader r(bytes, path);
  BinaryReader s = r.sub(bytes.size(), fmt::format("blob '{}'", name));
  const uint64_t count = s.u64();
  if (count != n)
    throw InputError(fmt::format("{}: blob '{}' holds {} values, this run needs {}", path, name, count, n));
  s.count(count, 4, "values");
  std::vector<float> v(n);
  for (float& x : v) x = s.f32();
  s.expect_end();
  return v;
}

}  // namespace

RunIdentity skipgram_identity(const TextCorpus& corpus, const SkipgramOptions& o) {
  uint32_t words_crc = 0;
  for (const std::string& w : corpus.words) words_crc = crc32(std::string_view(w.data(), w.size() + 1), words_crc);
  const uint32_t tokens_crc =
      crc32(std::string_view(reinterpret_cast<const char*>(corpus.tokens.data()), corpus.tokens.size() * sizeof(int)));
  return {{"dim", std::to_string(o.dim)},
          {"window", std::to_string(o.window)},
          {"negatives", std::to_string(o.negatives)},
          {"epochs", std::to_string(o.epochs)},
          {"lr", fmt::format("{}", o.lr)},
          {"sample", fmt::format("{}", o.sample)},
          {"minn", std::to_string(o.subwords.minn)},
          {"maxn", std::to_string(o.subwords.maxn)},
          {"buckets", std::to_string(o.subwords.buckets)},
          {"threads", std::to_string(o.threads)},
          {"block-tokens", std::to_string(o.block_tokens)},
          {"seed", std::to_string(o.seed)},
          {"words", std::to_string(corpus.words.size())},
          {"words-crc32", std::to_string(words_crc)},
          {"tokens", std::to_string(corpus.tokens.size())},
          {"tokens-crc32", std::to_string(tokens_crc)}};
}

void save_skipgram_checkpoint(const std::string& path, const RunIdentity& identity,
                              int epochs_done, int64_t done, const std::vector<float>& input,
                              const std::vector<float>& output) {
  ModelFile mf;
  mf.kind = kKind;
  mf.config = identity;
  put_blob_u64s(mf, "progress", {static_cast<uint64_t>(epochs_done), static_cast<uint64_t>(done)});
  put_blob(mf, "input", float_bytes(input));
  put_blob(mf, "output", float_bytes(output));
  save_model_file(path, mf);
}

SkipgramState load_skipgram_checkpoint(const std::string& path, const RunIdentity& identity,
                                       std::size_t input_values, std::size_t output_values) {
  const ModelFile mf = load_model_file(path);
  model_require_kind(mf, kKind, path);
  require_run_identity(mf, identity, path);
  const std::vector<uint64_t> p = get_blob_u64s(mf, "progress", path);
  if (p.size() != 2) throw InputError(fmt::format("{}: blob 'progress' holds {} values, expected 2", path, p.size()));
  SkipgramState s;
  s.epochs_done = static_cast<int>(p[0]);
  s.done = static_cast<int64_t>(p[1]);
  s.input = floats_of(mf, "input", path, input_values);
  s.output = floats_of(mf, "output", path, output_values);
  return s;
}

}  // namespace medner
