#include "model/unknown_word_vectors.h"

#include "core/error.h"
#include "io/binary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace medner {

bool UnknownWordVectors::fill(const std::string& token, real* out) const {
  const std::vector<int> rows = table.rows_of(token);
  if (rows.empty()) return false;
  // The sums of SubwordVectors::vector, in float and in its order, so that a word of the
  // pretraining text gets here exactly what subword_vocabulary_table gave it.
  const int dim = table.dim();
  std::vector<float> v(static_cast<std::size_t>(dim), 0.0f);
  for (int r : rows) {
    const float* x = table.row(static_cast<std::size_t>(r));
    for (int d = 0; d < dim; ++d) v[static_cast<std::size_t>(d)] += x[d];
  }
  std::fill(out, out + word_dim, real(0));
  for (int d = 0; d < dim; ++d)
    out[offset + d] = static_cast<real>(v[static_cast<std::size_t>(d)] / static_cast<float>(rows.size()));
  return true;
}

std::string unknown_word_vectors_bytes(int offset, int word_dim, const std::string& subword_file_bytes) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(offset));
  w.u32(static_cast<uint32_t>(word_dim));
  w.bytes(subword_file_bytes);
  return w.take();
}

std::shared_ptr<const UnknownWordVectors> unknown_word_vectors(const std::string& blob, const std::string& path) {
  const std::string what = fmt::format("{}: blob '{}'", path, kSubwordVectorsBlob);
  BinaryReader r(blob, what);
  auto out = std::make_shared<UnknownWordVectors>();
  const uint32_t offset = r.u32(), word_dim = r.u32();
  out->table = subword_vectors_from_bytes(r.bytes(), what);
  r.expect_end();
  // In 64 bits: a damaged header's values must not overflow the sum.
  if (word_dim == 0 || word_dim > 1000000 ||
      static_cast<uint64_t>(offset) + static_cast<uint64_t>(out->table.dim()) > word_dim)
    throw InputError(fmt::format("{}: a subword model of {} dims at offset {} of {}-dim word vectors", what,
                                 out->table.dim(), offset, word_dim));
  out->offset = static_cast<int>(offset);
  out->word_dim = static_cast<int>(word_dim);
  return out;
}

PretrainedEmbeddings subword_vocabulary_table(const SubwordVectors& table) {
  PretrainedEmbeddings e;
  e.dim = table.dim();
  e.format = "medner-subword-vectors";
  e.words = table.words();
  e.values.reserve(e.words.size() * static_cast<std::size_t>(e.dim));
  for (std::size_t i = 0; i < e.words.size(); ++i) {
    const std::vector<float> v = table.vector(e.words[i]);
    e.values.insert(e.values.end(), v.begin(), v.end());
    e.index.emplace(e.words[i], static_cast<int>(i));
  }
  return e;
}

}  // namespace medner
