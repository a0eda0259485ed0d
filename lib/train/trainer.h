// The training loop: mini-batches sharded over OpenMP threads (each thread its own Tape and
// GradBuffer, summed in thread order, so a seed and a thread count fix the result), optimizer
// step, per-epoch dev evaluation with early stopping, best model and checkpoints written
// atomically, resume from the last checkpoint.
#pragma once

#include "train/config.h"

#include <iosfwd>
#include <string>

namespace medner {

struct TrainSummary {
  int epochs = 0;          // epochs run
  int best_epoch = 0;      // 1-based
  double best_dev_f1 = 0;
  double seconds_to_best = 0;
  double seconds = 0;
  double test_f1 = -1;     // -1 without --test
  double tokens_per_second = 0;  // training throughput, mean over epochs
};

// Runs a training described by `config` (the effective `effective` map is stored in the model).
// Progress goes to `log` (stderr); the test report, if any, to `out`.
TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, std::ostream& log,
                         std::ostream& out);

}  // namespace medner
