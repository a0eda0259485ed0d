// The state of one training run and its phases, each in a file of its own: setting up
// (train_setup.cpp: data, vocabularies, network, resume), one epoch of parallel steps
// (trainer.cpp, with train/parallel_step.h), and the end of an epoch (epoch_end.cpp: dev scores,
// early stopping, best model, log, checkpoint). Internal to lib/train: train/trainer.h is the
// interface.
#pragma once

#include "data/conll.h"
#include "eval/metrics.h"
#include "dist/communicator.h"
#include "io/model_file.h"
#include "io/path_lock.h"
#include "io/progress_bar.h"
#include "model/batch_plan.h"
#include "model/dataset.h"
#include "model/ner_network.h"
#include "model/predictor.h"
#include "optim/optimizer.h"
#include "optim/param_average.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/head_corpora.h"
#include "train/parallel_step.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace medner {

// The gold tags of a corpus in IOB2, what the evaluation compares predictions with.
std::vector<std::vector<std::string>> gold_iob2(const Corpus& c);

class TrainingRun {
 public:
  TrainingRun(const TrainConfig& config, const ConfigMap& effective, Communicator& comm, std::ostream& log);
  TrainSummary run();

 private:
  // train_setup.cpp
  void claim_paths();
  void read_data();
  void build_or_resume();
  void build_network();
  void resume_network(const ModelFile& checkpoint);
  void prepare_training();
  // trainer.cpp
  void run_epoch();
  void mid_epoch_checkpoint(int batches);
  // epoch_end.cpp
  void end_epoch(real lr);
  void save_best_model(const std::vector<EvalReport>& dev, int epoch);
  double target_f1(const std::vector<EvalReport>& dev) const;  // mean over the target heads
  void save_checkpoint_now();
  void require_same_replica(const std::string& when, const std::string& hint);
  std::string stop_message() const;
  double elapsed() const;

  const TrainConfig& config_;
  Communicator& comm_;
  const bool root_;
  std::ostream null_log_{nullptr};  // discards: only rank 0 logs
  std::ostream& log_;
  int threads_ = 1;
  std::string checkpoint_;  // path
  // Held by rank 0 for the whole run: a second training with the same model or checkpoint refuses.
  std::unique_ptr<PathLock> model_lock_, checkpoint_lock_;

  // Per head (train/head_corpora.h): head 0 is --train/--dev/--test, then one per --aux corpus.
  struct Head {
    HeadCorpus files;
    Corpus train, dev, test;
    Dataset dev_data;
    std::vector<std::vector<std::string>> dev_gold;  // IOB2
    std::unique_ptr<Predictor> predictor;
  };
  std::vector<Head> heads_;
  ConfigMap stored_;  // the options stored in the model file
  RunIdentity identity_;  // data and threads, checked on --resume
  nlohmann::json card_;   // the model card's data part; each saved model adds its scores
  Vocabularies vocab_;
  std::unique_ptr<NerNetwork> net_;
  std::unique_ptr<ModelFile> resume_file_;
  Dataset train_data_;  // every head's training sentences, each naming its head

  std::unique_ptr<Optimizer> opt_;
  std::unique_ptr<ParamAverage> average_;
  std::unique_ptr<ParallelStep> step_;
  std::unique_ptr<ProgressBar> bar_;
  Progress progress_;
  // Whether the checkpoint file holds a state of this run, for the message of a numerical stop
  // (a file left there by an unrelated earlier run is not "the last good checkpoint").
  bool have_checkpoint_ = false;
  TrainSummary summary_;
  std::chrono::steady_clock::time_point session_start_;
  double elapsed_before_ = 0;
};

}  // namespace medner
