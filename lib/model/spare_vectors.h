// Pretrained vectors of words outside a model's vocabulary, kept in the model file
// (medner-train --keep-vectors) so that a word of new text that the vector files know is not
// <unk> when tagging.
//
// Why adding them when the model is loaded is exact: a vocabulary word that no training sentence
// holds (today's dev and test words with a vector, vocabulary extension) never gets a gradient,
// and the word table's updates are lazy (optim/optimizer.h: only touched columns move, L2 and
// clipping read only those), so such a column leaves training as the pretrained vector it
// started as. A spare word is one more such column; the model tags with it exactly as if it had
// been in the vocabulary during training, and training itself is unchanged by keeping them.
#pragma once

#include "core/tensor.h"
#include "data/embeddings_file.h"
#include "data/vocab.h"
#include "data/word_features.h"
#include "io/model_file.h"

#include <string>
#include <vector>

namespace medner {

// The model file's blob: u32 dim, u64 count, count words (str), then the vectors as one real
// array (count x dim, word i's at [i*dim, (i+1)*dim)).
constexpr const char* kSpareVectorsBlob = "spare-vectors";

struct SpareVectors {
  int dim = 0;
  std::vector<std::string> words;
  std::vector<real> values;
};

// The vectors the model could look up but its vocabulary lacks: for each word of `pretrained` in
// its order, the key the model looks it up by (normalize_word) where that key has a vector of
// its own in `pretrained` (the vector the word table would have got) and is not in `words`.
SpareVectors spare_vectors(const PretrainedEmbeddings& pretrained, const Vocab& words, const WordOptions& options);
std::string spare_vectors_bytes(const SpareVectors& spare);

// How many spare vectors a model file holds (0 without the blob); InputError naming `path` for a
// blob too short to say.
long spare_vector_count(const ModelFile& mf, const std::string& path);

// Moves a model file's spare vectors into it: their words are appended to vocabulary "words" and
// their vectors to parameter "words" as columns; the blob is dropped. A file without the blob is
// left as it is. InputError naming `path` for a blob that is corrupted or does not fit the table.
// Returns how many words were added.
long merge_spare_vectors(ModelFile& mf, const std::string& path);

}  // namespace medner
