// Trained word and subword vectors (the input side of skip-gram): a row per vocabulary word,
// then `buckets` rows of character n-grams (pretrain/subwords.h). A word's vector is the mean of
// its own row and its n-gram rows; a word outside the vocabulary gets the mean of its n-gram rows
// alone, so every word has one (zero only when it has no n-gram and no row).
#pragma once

#include "pretrain/subwords.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace medner {

class SubwordVectors {
 public:
  SubwordVectors() = default;
  SubwordVectors(std::vector<std::string> words, int dim, SubwordOptions subwords);

  int dim() const { return dim_; }
  const std::vector<std::string>& words() const { return words_; }
  const SubwordOptions& subwords() const { return subwords_; }
  int find(const std::string& w) const;  // -1 when not in the vocabulary
  std::size_t rows() const { return words_.size() + static_cast<std::size_t>(subwords_.buckets); }

  // The input rows that make up a word: its own (if in the vocabulary), then its n-grams'.
  std::vector<int> rows_of(const std::string& word) const;
  std::vector<float> vector(const std::string& word) const;

  float* row(std::size_t r) { return values_.data() + r * static_cast<std::size_t>(dim_); }
  const float* row(std::size_t r) const { return values_.data() + r * static_cast<std::size_t>(dim_); }
  std::vector<float>& values() { return values_; }
  const std::vector<float>& values() const { return values_; }

  // The k vocabulary words whose vectors have the highest cosine with `word`'s (itself left out).
  std::vector<std::pair<std::string, float>> neighbours(const std::string& word, int k) const;

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, int> index_;
  int dim_ = 0;
  SubwordOptions subwords_;
  std::vector<float> values_;  // rows() x dim, row-major
};

// The vectors as word2vec text ("N D", then "word v1 .. vD" per vocabulary word, each the mean of
// its rows), which medner-train --embeddings reads; and the whole model (vocabulary, n-gram rows,
// options) in medner's binary layout, which --neighbours and later the tagger read. Both are
// written atomically (io/atomic_file.h).
void write_word2vec_text(const SubwordVectors& v, const std::string& path);
void write_subword_vectors(const SubwordVectors& v, const std::string& path);
// InputError "path: ..." for a file that is not one, truncated or damaged.
SubwordVectors read_subword_vectors(const std::string& path);
// The same on the file's bytes (`path` names them in messages: a file, or a model's blob).
SubwordVectors subword_vectors_from_bytes(const std::string& bytes, const std::string& path);
// Whether the bytes begin as a PREFIX.bin does (medner-train --embeddings tells it from vector
// files by this).
bool is_subword_vectors_bytes(std::string_view bytes);

}  // namespace medner
