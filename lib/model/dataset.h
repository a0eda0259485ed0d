// From CoNLL corpora to model input: the vocabularies of a model (words, chars, tags), and a
// corpus encoded with them (ids, casing, char forms, internal-scheme tags).
#pragma once

#include "model/batch.h"
#include "model/unknown_word_vectors.h"
#include "data/conll.h"
#include "data/embeddings_file.h"
#include "data/lexicon.h"
#include "data/tag_scheme.h"
#include "data/vocab.h"
#include "data/word_features.h"
#include "pretrain/char_lm.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

class NerNetwork;

// A token as the network sees it, in training and in tagging alike: tokens longer than
// kMaxModelTokenChars code points are cut to their first and last kMaxModelTokenChars / 2 code
// points. The character encoder's memory grows with a token's length times the batch's distinct
// forms (a single 4 MB token took 4 GB), so a 10 MB "word" in a corpus or in a pipeline's text
// must not reach it whole. Vocabularies and encodings both use the cut form, so a long training
// token and the same token when tagging map to the same word and chars. No token of the bundled
// corpora is longer than 37 code points; tagging output (text, offsets, entities) is unchanged.
constexpr std::size_t kMaxModelTokenChars = 100;
std::string model_token(std::string_view token);

struct Vocabularies {
  Vocab words;  // 0 <pad>, 1 <unk>, then training words, then pretrained words of other files
  Vocab chars;  // 0 <pad>, 1 <unk>, then training characters (UTF-8 strings of one code point)
  Vocab tags;   // internal scheme labels, "O" first, then sorted (head 0's)
  // The labels of the heads after the first (model/ner_network.h), each under its name; a model
  // file stores them as vocabularies "tags.NAME".
  struct Head {
    std::string name;
    Vocab tags;
  };
  std::vector<Head> extra_heads;
  // The labels of head h (0: tags).
  const Vocab& head_tags(int h) const { return h == 0 ? tags : extra_heads.at(static_cast<std::size_t>(h - 1)).tags; }
  WordOptions word_options;
  // Typed names whose matches become token features (data/lexicon.h); null without --lexicon.
  // lexicon_blob: what the model file stores of it (its serialized() form, zlib-compressed),
  // made once, since every saved model and checkpoint writes it (model/trained_model.h).
  std::shared_ptr<const Lexicon> lexicon;
  std::shared_ptr<const std::string> lexicon_blob;
  // A character language model whose states are token features (pretrain/char_lm.h); null
  // without --charlm. charlm_blob: its bytes as the model file stores them. charlm_threads: the
  // threads that compute the features when sentences are encoded (0: all cores; the features do
  // not depend on it).
  std::shared_ptr<const CharLm> charlm;
  std::shared_ptr<const std::string> charlm_blob;
  int charlm_threads = 0;
  // The model's --charlm-fine-tune: sentences then carry the language model's input, not its
  // states (model/batch.h), and the network computes them with its own tuned copy.
  bool charlm_fine_tune = false;
  // Pretrained vectors of words outside `words` (model/spare_vectors.h) as the model file stores
  // them; null without --keep-vectors, and once load_trained_model has moved them into `words`.
  std::shared_ptr<const std::string> spare_vectors;
  // Vectors for the words that `words` lacks, from a subword model (model/unknown_word_vectors.h);
  // null unless medner-train read a PREFIX.bin as --embeddings. The blob: what the model stores.
  std::shared_ptr<const UnknownWordVectors> unknown_vectors;
  std::shared_ptr<const std::string> unknown_vectors_blob;
  TagScheme scheme = TagScheme::IOBES;
};

// Builds the vocabularies from the training corpus (tokens cut by model_token); words of `extra`
// corpora (dev/test) that the pretrained file knows are added too (vocabulary extension), so they
// keep their vectors.
Vocabularies build_vocabularies(const Corpus& train, const std::vector<const Corpus*>& extra,
                                const PretrainedEmbeddings* pretrained, const WordOptions& options,
                                TagScheme scheme);
// The labels of a corpus's tags in `scheme`: "O" first, then sorted (what a head predicts).
Vocab tag_vocabulary(const Corpus& corpus, TagScheme scheme);

struct Dataset {
  std::vector<EncodedSentence> sentences;
  FormTable forms;
  std::vector<int> word_counts;  // training frequency by word id (training set only)
  long tokens = 0;
};

// Encodes tokens as model_token cuts them (and tags, converted from the corpus's own scheme to
// vocab.scheme, if with_tags; labels of `head`, which every sentence names). Unknown words and chars map to <unk>; a tag not in the vocabulary
// is an InputError.
Dataset encode_corpus(const Corpus& corpus, const Vocabularies& vocab, bool with_tags, int head = 0);
// Appends `more` to `data`: its sentences (form ids moved past data's forms), forms, word counts
// and tokens. How the corpora of the heads become one training set.
void append_dataset(Dataset& data, const Dataset& more);
// Token sequences only (tagging raw text).
Dataset encode_tokens(const std::vector<std::vector<std::string>>& sentences, const Vocabularies& vocab);

// Copies pretrained vectors into the word table (D x V); returns how many words got one.
// Errors if the dimensions differ.
int load_pretrained_vectors(const PretrainedEmbeddings& pretrained, const Vocabularies& vocab,
                            NerNetwork& net, const std::string& path);

}  // namespace medner
