// train_model as its phases: set up (train_setup.cpp), then epochs of parallel steps
// (train/parallel_step.h) with mid-epoch checkpoints, each ended by dev scoring, early stopping
// and a checkpoint (epoch_end.cpp); then the summary and the test score.
#include "train/trainer.h"

#include "core/error.h"
#include "core/fault_point.h"
#include "eval/metrics.h"
#include "model/model_card.h"
#include "model/tagging.h"
#include "model/trained_model.h"
#include "train/model_card_data.h"
#include "train/training_run.h"

#include <fmt/format.h>

#include <algorithm>

namespace medner {

namespace {

// Steps between the replicas' checksum comparisons (also at every epoch end): hashing costs one
// pass over parameters and moments, a few ms, so every 100 steps it stays far below 1%.
constexpr int64_t kAgreementEvery = 100;

}  // namespace

TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, std::ostream& log) {
  LocalComm comm;
  return train_model(config, effective, comm, log);
}

TrainSummary train_model(const TrainConfig& config, const ConfigMap& effective, Communicator& comm,
                         std::ostream& log) {
  return TrainingRun(config, effective, comm, log).run();
}

TrainSummary TrainingRun::run() {
  session_start_ = std::chrono::steady_clock::now();
  elapsed_before_ = progress_.elapsed;
  const bool keep_last = config_.select == "last";
  while (progress_.epoch < config_.max_epochs && (keep_last || progress_.bad_epochs < config_.patience)) run_epoch();

  TrainSummary& s = summary_;
  s.epochs = progress_.epoch;
  s.best_epoch = progress_.best_epoch;
  s.best_dev_f1 = progress_.best_f1;
  s.seconds_to_best = progress_.elapsed_to_best;
  s.seconds = elapsed();
  s.tokens_per_second = progress_.total_tokens / std::max(progress_.total_train_seconds, 1e-9);
  s.sync_seconds = step_->sync_seconds();
  s.sync_dense_reals = step_->sync_dense_reals();
  s.sync_sparse_reals_per_step = step_->sync_sparse_reals() / std::max<double>(1, static_cast<double>(s.steps));
  log_ << fmt::format("best dev F1 {:.2f} at epoch {} ({:.1f}s to best, {:.1f}s total)\n", s.best_dev_f1,
                      s.best_epoch, s.seconds_to_best, s.seconds);
  const bool any_test = std::any_of(heads_.begin(), heads_.end(), [](const Head& h) { return !h.files.test.empty(); });
  if (root_ && any_test) {
    // The kept model, read once: each head with a test file tags it, then the card gains the
    // scores (read back from the file: after --resume the epoch kept may be one of an earlier
    // process).
    ModelFile mf = load_model_file(config_.model);
    const TrainedModel model = from_model_file(mf, config_.model);
    nlohmann::json card = model_card(mf, config_.model);
    for (std::size_t h = 0; h < heads_.size(); ++h) {
      const Head& head = heads_[h];
      if (head.files.test.empty()) continue;
      const EvalReport r = evaluate(gold_iob2(head.test), tag_corpus(model, head.test, threads_, {}, static_cast<int>(h)));
      if (h == 0) {
        s.test_f1 = r.overall.f1();
        card["scores"]["test"] = scores_card(r);
      }
      if (heads_.size() > 1) card["heads"][head.files.name]["scores"]["test"] = scores_card(r);
      log_ << fmt::format("test{} P {:.2f} R {:.2f} F1 {:.2f}\n", heads_.size() > 1 ? " " + head.files.name : "",
                          r.overall.precision(), r.overall.recall(), r.overall.f1());
    }
    put_model_card(mf, card);
    save_model_file(config_.model, mf);
  }
  return s;
}

void TrainingRun::run_epoch() {
  const int epoch = progress_.epoch;
  const BatchPlan plan = plan_epoch(train_data_.sentences, config_.batch_size, config_.seed, epoch, config_.mix_temperature);
  const real lr = static_cast<real>(config_.lr / (1.0 + config_.lr_decay * epoch));
  while (progress_.position < plan.batches()) {
    const auto t_step = std::chrono::steady_clock::now();
    const int k = progress_.position;
    StepResult r;
    try {
      r = step_->run(plan, k, progress_.step, *opt_, average_.get(), lr);
    } catch (const NumericError& e) {
      // A non-finite tape value (--check-finite) is located by its step and batch like a
      // non-finite loss or gradient.
      throw NumericError(fmt::format("step {} (epoch {}, batch {} of {}): {}; {}", progress_.step + 1, epoch + 1,
                                     k + 1, plan.batches(), e.what(), stop_message()));
    }
    if (!r.finite()) {
      std::string what = fmt::format("step {} (epoch {}, batch {} of {}): non-finite {}", progress_.step + 1,
                                     epoch + 1, k + 1, plan.batches(), std::isfinite(r.loss) ? "gradient" : "loss");
      if (config_.nan_policy == "stop") throw NumericError(what + "; " + stop_message());
      log_ << "warning: " << what << "; batch skipped\n";
    }
    ++progress_.step;
    ++progress_.position;
    fault_point("step");
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_step).count();
    ++summary_.steps;
    summary_.step_seconds += dt;
    progress_.epoch_loss += r.loss;
    progress_.epoch_tokens += static_cast<double>(r.tokens);
    progress_.epoch_seconds += dt;
    if (bar_->due(progress_.position == plan.batches()))
      bar_->draw(fmt::format("epoch {:3d} {} {:3d}% {:7.0f} tok/s", epoch + 1,
                             progress_gauge(static_cast<double>(progress_.position) / std::max(plan.batches(), 1), 30),
                             progress_.position * 100 / std::max(plan.batches(), 1),
                             progress_.epoch_tokens / std::max(progress_.epoch_seconds, 1e-9)));
    if (progress_.step % kAgreementEvery == 0)
      require_same_replica(fmt::format("the model after step {}", progress_.step),
                           "; the replicas have diverged (please report this as a bug)");
    if (config_.checkpoint_every > 0 && progress_.step % config_.checkpoint_every == 0 &&
        progress_.position < plan.batches())
      save_checkpoint_now();
  }
  bar_->clear();
  end_epoch(lr);
}

}  // namespace medner
