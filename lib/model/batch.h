// Sentences as model input, and padded time-major mini-batches of them (core/tensor.h layout:
// token t of sentence b is position t*B + b).
#pragma once

#include "core/tensor.h"
#include "pretrain/char_lm_input.h"

#include <vector>

namespace medner {

struct EncodedSentence {
  std::vector<int> words;   // word vocabulary ids (kUnkId for unknown)
  std::vector<int> casing;  // casing categories
  std::vector<int> forms;   // ids of the exact token strings in the dataset's form table
  std::vector<int> tags;    // tag ids (internal scheme) of the target tokens; empty when untagged
  // Lexicon feature ids (data/lexicon.h), token-major: token t, type k at t * K + k; empty
  // without a lexicon.
  std::vector<int> lexicon;
  // Contextual embeddings from the character language model (pretrain/char_lm.h): token t's
  // D values at t * D; empty without one.
  std::vector<real> charlm;
  // With a fine-tuned language model (--charlm-fine-tune) its input instead: the sentence as the
  // model reads it (CharLm::encode_sentence) and each token's first and last character there.
  std::vector<int> charlm_ids, charlm_first, charlm_last;
  // Words outside the vocabulary (kUnkId) that have a vector from the model's subword vectors
  // (model/unknown_word_vectors.h): their token indices, and their word vectors, D values each
  // in that order; empty without them.
  std::vector<int> vector_tokens;
  std::vector<real> word_vectors;
  // The tokens to tag are [target_begin, target_begin + targets()); with document context
  // (train/context.h) the others are neighbouring sentences the encoder reads but nothing scores.
  int target_begin = 0;
  int target_length = -1;  // -1: every token
  int head = 0;  // the network head whose tags these are (model/ner_network.h)
  int size() const { return static_cast<int>(words.size()); }
  int targets() const { return target_length < 0 ? size() : target_length; }
  bool has_context() const { return target_length >= 0 && target_length != size(); }
};

// Character ids of every distinct token string of a dataset (form id -> chars), so that a batch
// encodes each distinct word once.
struct FormTable {
  std::vector<int> chars;    // concatenated char ids
  std::vector<int> offsets;  // form f has chars[offsets[f] .. offsets[f+1]); offsets[0] = 0
  int size() const { return static_cast<int>(offsets.size()) - 1; }
};

// Two layouts: the encoder's input (input_T x B: every token, context included) and the targets
// (T x B: the tokens that are tagged and scored). Without context they are the same.
struct Batch {
  int head = 0;  // the network head that scores it: every sentence's
  int B = 0;  // sentences
  int T = 0;  // most target tokens of a sentence
  std::vector<int> lengths;  // B, target tokens
  std::vector<int> tags;     // T*B; padding -1
  int input_T = 0;                 // longest input
  std::vector<int> input_lengths;  // B
  std::vector<int> words, casing;  // input_T*B; padding: word 0, casing 0
  // Lexicon features, type-major: type k of position p at k * input_T*B + p; padding: type k's
  // "none" id. Empty without a lexicon.
  int lexicon_types = 0;
  std::vector<int> lexicon;
  // Character language model embeddings, D x input_T*B (column = position; padding 0).
  Index charlm_dim = 0;
  std::vector<real> charlm;
  // Or, with a fine-tuned language model, what it reads (slots: input positions); charlm_input.B
  // is 0 without one.
  CharLmInput charlm_input;
  // Input positions whose word vector is not the word table's <unk> column but the column of
  // word_vectors (word_vector_dim values each, in that order): words outside the vocabulary
  // with a vector from subwords.
  Index word_vector_dim = 0;
  std::vector<int> vector_positions;
  std::vector<real> word_vectors;
  // For each target position t*B + b, its input position; empty when no sentence has context.
  std::vector<int> target_position;
  // Distinct forms of the batch for the char encoder, longest first (so the char LSTM's live
  // columns are a prefix that shrinks as words end), and for each position the index of its form
  // in that list (-1 for padding).
  std::vector<int> form_chars, form_offsets;
  std::vector<int> position_form;  // input_T*B
  std::vector<int> form_ids, form_rank;  // scratch: dataset form ids in first-seen order, new index
  // Scratch: each sentence's language model ids, first and last character positions.
  std::vector<const std::vector<int>*> charlm_ids_of, charlm_first_of, charlm_last_of;
  int tokens() const;
};

// Fills `batch` (reusing its memory, so a steady state allocates nothing) from the given
// sentences, all of one head. `seen` is scratch of size forms.size(), all -1 on entry and on return.
void make_batch(const std::vector<const EncodedSentence*>& sentences, const FormTable& forms,
                std::vector<int>& seen, Batch& batch);

}  // namespace medner
