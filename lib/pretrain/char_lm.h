// A character language model in both directions, whose states at a word's boundaries are a
// contextual embedding of that word (contextual string embeddings, Akbik et al. 2018; HunFlair's
// biomedical taggers use them). The forward LSTM reads text left to right and predicts each next
// character; the backward LSTM reads it right to left and predicts each previous one.
//
// Text as the model reads it: a sentence is "\n" followed by its tokens joined by single spaces,
// and a text is its sentences one after the other; the backward model reads the same characters
// reversed, so each reversed sentence also follows a "\n". A token's embedding is
//   [ forward state after its last character ; backward state after its first character ]
// (2H values): the forward state has read the sentence up to and including the token, the
// backward state the rest of the sentence from its end back to the token's start.
//
// Per direction: a character embedding (D x C), one LSTM layer (H) and a softmax over the C
// characters. Characters outside the model's set read as <unk>. Not here: training
// (pretrain/char_lm_training.h).
//
// A tagger that fine-tunes the language model (medner-train --charlm-fine-tune) holds copies of
// the two directions' embedding and LSTM in its own network (CharLmEncoder, same parameter
// names), fed by CharLmInput: the same readings of its sentences that embed() builds.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "pretrain/char_lm_input.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medner {

struct CharLmConfig {
  Index char_dim = 32;
  Index hidden = 256;
};

inline const char* const kCharLmUnkName = "<unk>";

// The parameter prefix of direction dir (0 forward, 1 backward): "charlm/fwd", "charlm/bwd".
std::string char_lm_direction_name(int dir);

// One direction of the model without its softmax: the character embedding and the LSTM, as
// layers of a ParamStore. Adds NAME/chars (D x C) and NAME/lstm/...
class CharLmEncoder {
 public:
  CharLmEncoder() = default;
  CharLmEncoder(ParamStore& store, const std::string& name, const CharLmConfig& config, Index chars, Rng& init);
  // The states H x (T*B) over ids (time-major, lengths per sequence; past its length a sequence
  // holds its last state). carry: ops/lstm_recurrence.h (null: start from zero).
  NodeId states(Tape& tape, const ParamStore& store, const int* ids, Index T, Index B, const int* lengths,
                LstmCarry* carry = nullptr) const;

 private:
  Embedding chars_;
  Lstm lstm_;
};

class CharLm {
 public:
  // chars: the model's characters (UTF-8, one code point each), beginning <unk>, "\n", " ".
  CharLm(const CharLmConfig& config, std::vector<std::string> chars, Rng& init);
  CharLm(const CharLm&) = delete;
  CharLm& operator=(const CharLm&) = delete;

  const CharLmConfig& config() const { return config_; }
  const std::vector<std::string>& chars() const { return chars_; }
  Index embedding_dim() const { return 2 * config_.hidden; }
  ParamStore& params() { return store_; }
  const ParamStore& params() const { return store_; }

  int char_id(char32_t cp) const;
  // The ids of a sentence as the forward model reads it ("\n" + tokens joined by spaces);
  // last_char[i] gets the position of token i's last character, first_char[i] (when not null) of
  // its first. An empty token reads as one <unk>.
  std::vector<int> encode_sentence(const std::vector<std::string>& tokens, std::vector<int>* last_char,
                                   std::vector<int>* first_char = nullptr) const;

  // The summed negative log-likelihood of the targets of direction `dir` (0 forward, 1
  // backward) given the inputs: B sequences of T ids, time-major (position t*B + b), each target
  // the character that follows its input in that direction's reading. carry: the state carried
  // over from the previous piece of each sequence, updated to this piece's last state (null:
  // start from zero). -> 1 x 1
  NodeId loss(Tape& tape, int dir, const int* inputs, const int* targets, Index T, Index B, LstmCarry* carry) const;

  // The embeddings of the tokens of each sentence: out[s] holds 2H x n_s values, column-major
  // (token i's column is [forward; backward]). Sentences are run in batches of similar
  // length, the batches split over `threads`; the result does not depend on the thread count.
  std::vector<std::vector<real>> embed(const std::vector<std::vector<std::string>>& sentences, int threads) const;

 private:
  struct Direction {
    CharLmEncoder encoder;
    Linear out;
  };

  CharLmConfig config_;
  std::vector<std::string> chars_;
  std::unordered_map<char32_t, int> index_;
  ParamStore store_;
  Direction dir_[2];
};

// The model as bytes (a model file of kind "charlm": its config, characters and parameters) and
// back; `path` names the source in errors. save_char_lm writes atomically.
std::string char_lm_bytes(const CharLm& lm);
std::unique_ptr<CharLm> char_lm_from_bytes(std::string_view bytes, const std::string& path);
void save_char_lm(const CharLm& lm, const std::string& path);
std::unique_ptr<CharLm> load_char_lm(const std::string& path);

}  // namespace medner
