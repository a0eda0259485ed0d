// A skip-gram run's state at an epoch's end (pretrain/skipgram.h), so that a killed
// `medner-pretrain vectors` resumes: the input rows (words and n-grams), the output vectors and
// how far the run has come. Nothing else is needed to continue exactly: each epoch's random
// streams are seeded from (seed, epoch, thread), and the learning rate follows the tokens done.
// A ModelFile of kind "vectors-checkpoint" (docs/file-formats.md), its config the run's identity.
#pragma once

#include "pretrain/run_identity.h"
#include "pretrain/skipgram.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace medner {

struct SkipgramState {
  int epochs_done = 0;
  int64_t done = 0;          // tokens done in the run (what the learning rate follows)
  std::vector<float> input;  // SubwordVectors::values(): rows() x dim
  std::vector<float> output; // words x dim
};

// The settings a resumed run must share with the one that wrote the checkpoint: every option
// (epochs too: the learning rate falls over all of them) and the corpus, by its vocabulary and
// tokens' CRC-32.
RunIdentity skipgram_identity(const TextCorpus& corpus, const SkipgramOptions& o);

void save_skipgram_checkpoint(const std::string& path, const RunIdentity& identity,
                              int epochs_done, int64_t done, const std::vector<float>& input,
                              const std::vector<float>& output);
// InputError naming the path and the first setting that differs from `identity`, or for a file
// that is not such a checkpoint or whose sizes do not match.
SkipgramState load_skipgram_checkpoint(const std::string& path, const RunIdentity& identity,
                                       std::size_t input_values, std::size_t output_values);

}  // namespace medner
