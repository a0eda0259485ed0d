// Training the character language model (pretrain/char_lm.h) on unlabelled text, one tokenized
// sentence a line (pretrain/text_corpus.h checks it is UTF-8 text).
//
// The text becomes one character stream per direction (the backward one reversed), cut into
// `streams` contiguous parts read side by side: optimizer step k reads characters
// [k*bptt, (k+1)*bptt) of every part, each piece starting from the state the previous piece
// ended in (truncated backpropagation through time: gradients stop at the piece's start). So a
// step's LSTM products are GEMMs over `streams` columns. The loss is the mean negative
// log-likelihood per character of both directions; Adam, with the gradient norm clipped.
//
// Held out: the last `heldout` share of the lines (at least one line), scored in bits per
// character after each epoch. Threads: the work items are the two directions times
// ceil(threads / 2) groups of streams, each with its own tape and gradients, summed in item order,
// so a seed and a thread count fix the result. A checkpoint (model, Adam's moments, carried states,
// position) is written atomically every `checkpoint_steps` steps and at each epoch's end; a
// resumed run continues exactly as the uninterrupted one.
#pragma once

#include "pretrain/char_lm.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace medner {

struct CharLmTrainOptions {
  CharLmConfig net;
  int streams = 32;  // parts of the text read side by side, per direction
  int bptt = 250;    // characters per step and stream
  int epochs = 1;
  double lr = 0.002;
  double clip = 1.0;        // largest gradient norm (of the per-character mean); 0: off
  double heldout = 0.005;   // share of the lines held out for bits per character
  int min_char_count = 10;  // rarer characters read as <unk>
  int max_chars = 300;      // at most this many characters besides <unk>, newline and space
  int threads = 1;
  uint64_t seed = 1;
  std::string checkpoint;    // path; empty: none
  int checkpoint_steps = 500;
  bool resume = false;       // continue from `checkpoint` when it exists
};

// The text as character ids, split into training and held-out streams (forward order).
struct CharLmText {
  std::vector<std::string> chars;  // the model's characters: <unk>, "\n", " ", then by count
  std::vector<int> train, heldout;
  std::size_t train_lines = 0, heldout_lines = 0;
};
// InputError "path:line: ..." for text that is not UTF-8 (pretrain/text_corpus.h), "path:1: no
// words" for an empty file, and one naming the options when the text is too short for them.
CharLmText read_char_lm_text(const std::string& text, const std::string& name, const CharLmTrainOptions& o);

struct CharLmProgress {
  int epoch = 0;              // 1-based
  int64_t step = 0, steps = 0;  // steps done in this epoch, of all
  double bpc = 0;             // mean bits per character of the epoch so far (both directions)
  double chars_per_second = 0;  // training characters (both directions) per second, this process
  bool epoch_end = false;
  double heldout_bpc[2] = {0, 0};  // at epoch_end: forward, backward
};

// Trains on `text` (read from `name`). When o.resume and o.checkpoint exists, continues from it
// (InputError if it was written for other text or options). report: after every few steps and at
// each epoch's end.
std::unique_ptr<CharLm> train_char_lm(const std::string& text, const std::string& name, const CharLmTrainOptions& o,
                                      const std::function<void(const CharLmProgress&)>& report = {});

// The mean bits per character of direction dir on `stream` (forward order).
double char_lm_bits_per_char(const CharLm& lm, int dir, const std::vector<int>& stream, int streams, int bptt);

}  // namespace medner
