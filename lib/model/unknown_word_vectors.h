// Vectors for words of new text that neither a model's vocabulary nor its kept vectors hold:
// when medner-train read a subword model (medner-pretrain vectors PREFIX.bin) as one of its
// --embeddings, the model file keeps it, and such a word gets what the subword model gives it,
// the mean of its rows (pretrain/subword_vectors.h): its own row when the pretraining text had
// it, and its character n-grams' rows in any case. That is issue 17's "any word gets a vector".
//
// Why this is the vector the word would have had as a vocabulary word: the word table's columns
// are the --embeddings tables side by side (data/embeddings_file.h concat_embeddings), with zeros
// for a table that lacks the word; a column that no training sentence touches leaves training as
// it started (model/spare_vectors.h). So the word's vector is zeros with the subword model's
// vector at its place among the tables: `offset`, `dim` values.
#pragma once

#include "core/tensor.h"
#include "data/embeddings_file.h"
#include "pretrain/subword_vectors.h"

#include <memory>
#include <string>

namespace medner {

// The model file's blob: u32 offset, u32 word_dim, then the PREFIX.bin file's bytes (bytes()).
constexpr const char* kSubwordVectorsBlob = "subword-vectors";

struct UnknownWordVectors {
  int offset = 0;    // where the subword model's values sit in a word vector
  int word_dim = 0;  // the whole word vector (the sum of the --embeddings tables' dims)
  SubwordVectors table;

  // Writes token's word_dim values to `out` and returns true, or returns false (out untouched)
  // when the subword model has no row for it (a token without n-grams, e.g. with minn > its
  // length + 2, that the pretraining text did not have).
  bool fill(const std::string& token, real* out) const;
};

std::string unknown_word_vectors_bytes(int offset, int word_dim, const std::string& subword_file_bytes);
// InputError naming `path` for a blob that is truncated or damaged, or whose subword model does
// not fit inside word_dim at offset.
std::shared_ptr<const UnknownWordVectors> unknown_word_vectors(const std::string& blob, const std::string& path);

// The subword model's vocabulary as a vector table, each word's vector as `vector(word)` gives it
// (the values its PREFIX.vec holds, before that file's 5-digit rounding).
PretrainedEmbeddings subword_vocabulary_table(const SubwordVectors& table);

}  // namespace medner
