// One optimizer step over a global mini-batch: the batch split over the ranks of a Communicator
// and each rank's part over its OpenMP threads (each thread its own Tape and GradBuffer), the
// gradients summed in thread order and then over ranks, L2, clipping, the optimizer and the
// parameter average. A seed, a rank count and a thread count fix the result.
#pragma once

#include "core/params.h"
#include "core/tape.h"
#include "dist/communicator.h"
#include "model/batch.h"
#include "model/batch_plan.h"
#include "model/dataset.h"
#include "model/ner_network.h"
#include "optim/optimizer.h"
#include "optim/param_average.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace medner {

struct StepSettings {
  uint64_t seed = 1;
  double singleton_unk = 0;  // probability of replacing a training singleton by <unk>
  double l2 = 0;
  double clip = 0;  // gradient norm clipping; 0: off
  bool check_finite = false;
};

struct StepResult {
  double loss = 0;  // summed over the batch (and the ranks)
  long tokens = 0;
  real norm = 0;    // gradient norm before clipping
  bool finite() const;  // loss and norm; otherwise the step changed nothing
};

class ParallelStep {
 public:
  ParallelStep(NerNetwork& net, const Dataset& train, int vocab_words, const StepSettings& settings,
               Communicator& comm, int threads);
  ~ParallelStep();

  // Runs batch k of the plan as optimizer step `step` (0-based; it seeds the dropout and <unk>
  // streams). A non-finite loss or gradient skips the update and is reported in the result; an
  // exception of a thread (NumericError from --check-finite included) is rethrown after the
  // parallel region.
  StepResult run(const BatchPlan& plan, int k, int64_t step, Optimizer& opt, ParamAverage* average, real lr);

  // Time and volume of the sums over ranks so far (0 with one rank).
  double sync_seconds() const { return sync_seconds_; }
  double sync_dense_reals() const { return sync_dense_reals_; }
  double sync_sparse_reals() const { return sync_sparse_reals_; }

 private:
  struct Worker;

  // The phases of run(), each on thread i or on the master thread.
  void forward_backward(std::size_t i, int64_t step);
  void gather(StepResult& r);
  void sum_over_ranks(StepResult& r);
  void update(std::size_t i, real norm, Optimizer& opt, ParamAverage* average, real lr);

  NerNetwork& net_;
  const Dataset& train_;
  StepSettings settings_;
  Communicator& comm_;
  int threads_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<uint8_t> singleton_;  // by word id: a training singleton
  std::vector<real> sync_scratch_;
  std::vector<GradSlice> slices_;   // this step's share per thread
  std::vector<double> norm_parts_;  // their sums of squares
  std::vector<std::vector<int>> shards_;  // this step's sentences per shard (shard_batch)
  std::vector<int> shard_scratch_;
  std::vector<long> shard_load_;
  double sync_seconds_ = 0, sync_dense_reals_ = 0, sync_sparse_reals_ = 0;
};

}  // namespace medner
