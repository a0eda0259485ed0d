// From CoNLL corpora to model input: the vocabularies of a model (words, chars, tags), and a
// corpus encoded with them (ids, casing, char forms, internal-scheme tags).
#pragma once

#include "data/batch.h"
#include "data/conll.h"
#include "data/embeddings_file.h"
#include "data/tag_scheme.h"
#include "data/vocab.h"
#include "data/word_features.h"

#include <string>
#include <vector>

namespace medner {

class NerNetwork;

struct Vocabularies {
  Vocab words;  // 0 <pad>, 1 <unk>, then training words, then pretrained words of other files
  Vocab chars;  // 0 <pad>, 1 <unk>, then training characters (UTF-8 strings of one code point)
  Vocab tags;   // internal scheme labels, "O" first, then sorted
  WordOptions word_options;
  TagScheme scheme = TagScheme::IOBES;
};

// Builds the vocabularies from the training corpus; words of `extra` corpora (dev/test) that the
// pretrained file knows are added too (vocabulary extension), so they keep their vectors.
Vocabularies build_vocabularies(const Corpus& train, const std::vector<const Corpus*>& extra,
                                const PretrainedEmbeddings* pretrained, const WordOptions& options,
                                TagScheme scheme);

struct Dataset {
  std::vector<EncodedSentence> sentences;
  FormTable forms;
  std::vector<int> word_counts;  // training frequency by word id (training set only)
  long tokens = 0;
};

// Encodes tokens (and tags, converted from the corpus's own scheme to vocab.scheme, if
// with_tags). Unknown words and chars map to <unk>; a tag not in the vocabulary is an InputError.
Dataset encode_corpus(const Corpus& corpus, const Vocabularies& vocab, bool with_tags);
// Token sequences only (tagging raw text).
Dataset encode_tokens(const std::vector<std::vector<std::string>>& sentences, const Vocabularies& vocab);

// Copies pretrained vectors into the word table (D x V); returns how many words got one.
// Errors if the dimensions differ.
int load_pretrained_vectors(const PretrainedEmbeddings& pretrained, const Vocabularies& vocab,
                            NerNetwork& net, const std::string& path);

}  // namespace medner
