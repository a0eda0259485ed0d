// Checkpoints: the model (config, vocabularies, parameters) plus the training state that a
// resumed run needs to continue exactly: where training stands (Progress), the optimizer's
// moments and step count, the parameter average. Each field of the state is a blob of its own
// name ("progress/epoch", ...), so a field can be added without shifting the others; a checkpoint
// of the positional format before it (one "progress" record) is refused by name.
#pragma once

#include "io/model_file.h"
#include "model/dataset.h"
#include "model/ner_network.h"
#include "optim/optimizer.h"
#include "optim/param_average.h"
#include "options/option_values.h"

#include <cstdint>
#include <string>
#include <vector>

namespace medner {

// Where training stands; saved in checkpoints so that a resumed run continues exactly.
struct Progress {
  int epoch = 0;       // 0-based epoch in progress
  int position = 0;    // next batch of the epoch's plan
  int64_t step = 0;    // optimizer steps so far
  int best_epoch = 0;  // 1-based, 0 = none yet
  int bad_epochs = 0;
  double best_f1 = -1;
  double elapsed = 0;          // seconds of training before this process
  double elapsed_to_best = 0;
  double epoch_loss = 0;       // running sums of the epoch in progress
  double epoch_tokens = 0;
  double epoch_seconds = 0;
  double total_tokens = 0, total_train_seconds = 0;
  std::vector<std::string> log_records;  // JSON lines so far
};

// What a resumed run must share with the run that wrote the checkpoint besides its options: the
// data, each file by its path and a hash of its bytes (a changed or other --train file would go
// on training on data the first epochs never saw), and the threads per rank (a seed and a thread
// count fix the result).
struct RunIdentity {
  std::vector<std::string> options;  // per file: "train", "dev" or "aux"
  std::vector<std::string> paths;
  std::vector<uint64_t> hashes;
  int threads = 0;
};

// The identity of a run on these --train (A,B for several) and --dev files with `threads`, and
// the training and dev files of its --aux corpora.
RunIdentity run_identity(const std::string& train_list, const std::string& dev, int threads,
                         const std::vector<std::string>& aux_files = {});

// InputError naming the checkpoint and what differs.
void require_same_run(const ModelFile& checkpoint, const std::string& path, const RunIdentity& now);

// The checkpoint format this version writes and reads ("checkpoint/format").
constexpr uint64_t kCheckpointFormat = 2;

void save_checkpoint(const std::string& path, const ConfigMap& stored, const Vocabularies& vocab,
                     const NerNetwork& net, Optimizer& opt, ParamAverage* average, const Progress& p,
                     const RunIdentity& run);

// The training state of a checkpoint read by load_model_file (its network is loaded by
// from_model_file). InputError naming the path for a checkpoint of another format or a missing
// or malformed field.
void load_checkpoint_state(const ModelFile& mf, const std::string& path, Optimizer& opt, ParamAverage* average,
                           Progress& p);

}  // namespace medner
