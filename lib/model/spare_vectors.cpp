#include "model/spare_vectors.h"

#include "core/error.h"
#include "io/binary.h"
#include "model/dataset.h"

#include <unordered_set>

namespace medner {

SpareVectors spare_vectors(const PretrainedEmbeddings& pretrained, const Vocab& words, const WordOptions& options) {
  SpareVectors s;
  s.dim = pretrained.dim;
  const auto dim = static_cast<std::size_t>(pretrained.dim);
  std::unordered_set<std::string> added;
  for (const std::string& w : pretrained.words) {
    // A token is looked up by the normalized form of its model_token cut; a key longer than
    // the cut could never be looked up.
    std::string key = normalize_word(w, options);
    if (model_token(key) != key || words.find(key) >= 0 || added.count(key) != 0) continue;
    const int p = pretrained.find(key);
    if (p < 0) continue;
    const float* v = pretrained.vector(p);
    for (std::size_t d = 0; d < dim; ++d) s.values.push_back(static_cast<real>(v[d]));
    added.insert(key);
    s.words.push_back(std::move(key));
  }
  return s;
}

std::string spare_vectors_bytes(const SpareVectors& spare) {
  MEDNER_CHECK(spare.values.size() == spare.words.size() * static_cast<std::size_t>(spare.dim),
               "spare vectors: values do not match words x dim");
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(spare.dim));
  w.u64(spare.words.size());
  for (const std::string& word : spare.words) w.str(word);
  w.reals(spare.values);
  return w.take();
}

long spare_vector_count(const ModelFile& mf, const std::string& path) {
  const std::string* blob = find_blob(mf, kSpareVectorsBlob);
  if (blob == nullptr) return 0;
  BinaryReader r(*blob, path);
  BinaryReader s = r.sub(blob->size(), fmt::format("blob '{}'", kSpareVectorsBlob));
  s.u32();
  return static_cast<long>(s.u64());
}

long merge_spare_vectors(ModelFile& mf, const std::string& path) {
  // Taken out of the file first: merged, its words are the table's, and on an error the load stops.
  std::string blob;
  if (!take_blob(mf, kSpareVectorsBlob, blob)) return 0;
  const std::string what = fmt::format("blob '{}'", kSpareVectorsBlob);
  BinaryReader r(blob, path);
  BinaryReader s = r.sub(blob.size(), what);
  const uint32_t dim = s.u32();
  const std::size_t count = s.count(s.u64(), 4, "spare words");
  std::vector<std::string> words;
  words.reserve(count);
  for (std::size_t i = 0; i < count; ++i) words.push_back(s.str());
  std::vector<real> values = s.reals();
  s.expect_end();

  ModelFile::Tensor* table = nullptr;
  for (ModelFile::Tensor& t : mf.params)
    if (t.name == "words") table = &t;
  std::vector<std::string>* vocab = nullptr;
  for (auto& [name, entries] : mf.vocabularies)
    if (name == "words") vocab = &entries;
  if (table == nullptr || vocab == nullptr)
    throw InputError(fmt::format("{}: {} without a word table", path, what));
  if (static_cast<Index>(dim) != table->rows || values.size() != count * dim ||
      table->cols != static_cast<Index>(vocab->size()))
    throw InputError(fmt::format("{}: corrupted {}: {} words of {} dims ({} values) for a word table of {} dims "
                                 "and {} columns over {} words",
                                 path, what, count, dim, values.size(), table->rows, table->cols, vocab->size()));
  // Column-major D x V: appending columns appends their values.
  table->data.insert(table->data.end(), values.begin(), values.end());
  table->cols += static_cast<Index>(count);
  vocab->insert(vocab->end(), std::make_move_iterator(words.begin()), std::make_move_iterator(words.end()));
  return static_cast<long>(count);
}

}  // namespace medner
