// The training loop: each global mini-batch split over the ranks of a Communicator, each rank's
// part over its OpenMP threads (each thread its own Tape and GradBuffer, summed in thread order,
// then over ranks, so a seed, a rank count and a thread count fix the result), the same optimizer
// step on every rank, per-epoch dev evaluation with early stopping, best model and checkpoints
// written atomically, resume from the last checkpoint. Rank 0 alone evaluates, logs and writes
// files; docs/distributed.md describes the multi-process side.
#pragma once

#include "dist/communicator.h"
#include "train/config.h"

#include <cstdint>
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
  // This process's steps (not those before a resume), for benchmarks: wall time of the steps,
  // of which summing over ranks (waiting for the slowest rank included; 0 with one rank), and
  // the reals all-reduced per step: the dense prefix, and the mean over steps of the union of
  // touched embedding columns (both 0 with one rank).
  int ranks = 1, threads = 1;
  int64_t steps = 0;
  double step_seconds = 0;
  double sync_seconds = 0;
  double sync_dense_reals = 0;
  double sync_sparse_reals_per_step = 0;
};

// Runs a training described by `config` (the stored options of the `effective` map go into the
// model). Progress, the epochs' lines and the test score go to `log` (stderr). Every rank of
// `comm` calls it with the same arguments; only rank 0 writes to `log` and to files.
TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, Communicator& comm,
                         std::ostream& log);
// One process (LocalComm).
TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, std::ostream& log);

}  // namespace medner
