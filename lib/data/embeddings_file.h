// Pretrained word vectors: word2vec text ("N D" header line, then "word v1 .. vD"), GloVe text
// (no header) and word2vec binary ("N D\n", then per word: "word " + D float32 little-endian
// [+ optional '\n']). The format is detected from the content.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace medner {

struct PretrainedEmbeddings {
  int dim = 0;
  std::vector<std::string> words;
  std::vector<float> values;  // words.size() x dim, row-major: vector of word i at values[i*dim]
  std::unordered_map<std::string, int> index;
  std::string format;  // "word2vec-text" | "glove-text" | "word2vec-binary"
  const float* vector(int i) const { return values.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(dim); }
  int find(const std::string& w) const {
    auto it = index.find(w);
    return it == index.end() ? -1 : it->second;
  }
};

// Throws InputError "path:line: ..." for a wrong dimension, a header count that disagrees with
// the lines, a malformed number, a value that is not finite (nan, inf, or beyond float's range:
// such a vector would make the first loss NaN), a duplicate word, a truncated binary file;
// IoError if the file cannot be read.
PretrainedEmbeddings read_embeddings(const std::string& path);
// The same on the file's bytes (`path` names it in messages); for tests and the fuzzer.
PretrainedEmbeddings read_embeddings_bytes(const std::string& bytes, const std::string& path);

// Several tables side by side: each word's vector is the concatenation of its vectors in the
// tables, in order, with zeros for a table that lacks it (GloVe's general English beside vectors
// pretrained on PubMed: dim = the sum of the dims). Words are keyed by `key` (the model's
// normalize_word, e.g. lower-casing); where several words of one table share a key the first
// wins, which for a file written by frequency (word2vec, fastText, medner-pretrain) is the most
// frequent casing. Words are in order of first appearance, the first table's first.
PretrainedEmbeddings concat_embeddings(const std::vector<PretrainedEmbeddings>& tables,
                                       const std::function<std::string(const std::string&)>& key);

}  // namespace medner
