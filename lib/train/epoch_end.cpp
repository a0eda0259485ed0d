// The end of an epoch: dev evaluation (of the parameter average with --average), early stopping,
// the best model written, the log line and JSON record, the checkpoint. Rank 0 alone evaluates
// and broadcasts the F1; from it every rank takes the same early-stopping decision (their
// progress records are identical, which the replica checksum verifies).
#include "data/json_text.h"
#include "dist/agreement.h"
#include "eval/metrics.h"
#include "io/atomic_file.h"
#include "model/model_card.h"
#include "model/trained_model.h"
#include "train/model_card_data.h"
#include "train/training_run.h"

#include <fmt/format.h>

#include <algorithm>

namespace medner {

namespace {

// Hash of everything that must be identical on every rank: parameters, optimizer state and the
// counters that decide the run's course (timings excluded: they are rank 0's own).
uint64_t replica_checksum(const ParamStore& store, Optimizer& opt, const Progress& p) {
  uint64_t h = checksum64(store.data(), store.size() * sizeof(real));
  for (auto& [name, buffer] : opt.state_buffers()) h = checksum64(buffer->data(), buffer->size() * sizeof(real), h);
  const int64_t counters[] = {p.epoch, p.position, p.step, p.best_epoch, p.bad_epochs, opt.steps()};
  h = checksum64(counters, sizeof counters, h);
  return checksum64(&p.best_f1, sizeof p.best_f1, h);
}

// One record of the --log file. dev_f1 is what selects (the targets' mean with several heads;
// dev_precision and dev_recall are then the first head's), and "dev_f1_by_head" has each head's.
std::string epoch_record(const Progress& p, int epoch, double tok_s, real lr, const EvalReport& dev, double f1,
                         double elapsed, const std::string& by_head) {
  return fmt::format(
      "{{\"epoch\": {}, \"train_loss\": {}, \"train_tokens_per_s\": {}, \"lr\": {}, \"dev_precision\": {}, "
      "\"dev_recall\": {}, \"dev_f1\": {}, \"best_f1\": {}, \"best_epoch\": {}, \"elapsed_s\": {}{}}}",
      epoch, json_number(p.epoch_loss), json_number(tok_s), lr, json_number(dev.overall.precision()),
      json_number(dev.overall.recall()), json_number(f1), json_number(p.best_f1), p.best_epoch, json_number(elapsed),
      by_head.empty() ? "" : ", \"dev_f1_by_head\": {" + by_head + "}");
}

}  // namespace

void TrainingRun::end_epoch(real lr) {
  Progress& p = progress_;
  const int epoch = p.epoch;
  const double tok_s = p.epoch_tokens / std::max(p.epoch_seconds, 1e-9);
  // With --average the dev score and the saved model are the average's; the optimizer's iterate
  // is put back before the checkpoint.
  ParamStore& store = net_->params();
  std::vector<real> iterate;
  if (average_ && opt_->steps() > 0) {
    average_->catch_up(store.data(), opt_->steps());
    iterate.assign(store.data(), store.data() + store.size());
    average_->averaged(opt_->steps(), store.data());
  }
  std::vector<EvalReport> dev_reports(heads_.size());
  if (root_)
    for (std::size_t h = 0; h < heads_.size(); ++h)
      dev_reports[h] = evaluate(heads_[h].dev_gold, heads_[h].predictor->tags(heads_[h].dev_data));
  const EvalReport& dev_report = dev_reports[0];
  double f1 = target_f1(dev_reports);
  broadcast_value(comm_, f1, 0);
  // With --select last the kept model is every epoch's, and "best" in the log means "kept".
  if (config_.select == "last" || f1 > p.best_f1) {
    p.best_f1 = f1;
    p.best_epoch = epoch + 1;
    p.bad_epochs = 0;
    if (root_) save_best_model(dev_reports, epoch + 1);
    p.elapsed_to_best = elapsed();
  } else {
    ++p.bad_epochs;
  }
  if (!iterate.empty()) std::copy(iterate.begin(), iterate.end(), store.data());
  p.total_tokens += p.epoch_tokens;
  p.total_train_seconds += p.epoch_seconds;
  const double sync_share = 100 * step_->sync_seconds() / std::max(summary_.step_seconds, 1e-9);
  // One head: its dev P, R and F1. Several: the F1 that selects (the targets' mean) and each
  // head's, a target marked '*'.
  std::string dev_text = fmt::format("dev P {:6.2f} R {:6.2f} F1 {:6.2f}", dev_report.overall.precision(),
                                     dev_report.overall.recall(), f1);
  std::string heads_json;
  if (heads_.size() > 1) {
    dev_text = fmt::format("dev F1 {:6.2f} (", f1);
    for (std::size_t h = 0; h < heads_.size(); ++h) {
      const double hf1 = dev_reports[h].overall.f1();
      dev_text += fmt::format("{}{} {:.2f}{}", h == 0 ? "" : ", ", heads_[h].files.name, hf1,
                              heads_[h].files.target ? "*" : "");
      heads_json += fmt::format("{}\"{}\": {}", h == 0 ? "" : ", ", heads_[h].files.name, json_number(hf1));
    }
    dev_text += ")";
  }
  log_ << fmt::format("epoch {:3d}  loss {:10.2f}  train {:7.0f} tok/s  {}  best {:6.2f} (epoch {})  {:7.1f}s{}\n",
                      epoch + 1, p.epoch_loss, tok_s, dev_text, p.best_f1, p.best_epoch, elapsed(),
                      comm_.size() > 1 ? fmt::format("  sync {:4.1f}%", sync_share) : "");
  p.log_records.push_back(epoch_record(p, epoch + 1, tok_s, lr, dev_report, f1, elapsed(), heads_json));
  if (root_ && !config_.log.empty()) {
    std::string text;
    for (const auto& r : p.log_records) text += r + "\n";
    write_file_atomic(config_.log, text);
  }
  ++p.epoch;
  p.position = 0;
  p.epoch_loss = p.epoch_tokens = p.epoch_seconds = 0;
  p.elapsed = elapsed();
  require_same_replica(fmt::format("the model at the end of epoch {}", epoch + 1),
                       "; the replicas have diverged (please report this as a bug)");
  if (root_) save_checkpoint(checkpoint_, stored_, vocab_, *net_, *opt_, average_.get(), p, identity_);
  have_checkpoint_ = true;
}

double TrainingRun::target_f1(const std::vector<EvalReport>& dev) const {
  double sum = 0;
  int n = 0;
  for (std::size_t h = 0; h < heads_.size(); ++h)
    if (heads_[h].files.target) {
      sum += dev[h].overall.f1();
      ++n;
    }
  return sum / std::max(n, 1);
}

// The model with its card: the run's data, the kept epoch and its dev scores, the first head's
// under "scores" and every head's under "heads" with several (test scores are added at the end
// of the run, trainer.cpp).
void TrainingRun::save_best_model(const std::vector<EvalReport>& dev, int epoch) {
  ModelFile mf = to_model_file(stored_, vocab_, *net_, "model");
  nlohmann::json card = card_;
  card["best_epoch"] = epoch;
  card["scores"] = {{"dev", scores_card(dev[0])}};
  if (heads_.size() > 1) {
    card["selection"] = {{"dev_f1", target_f1(dev)}, {"targets", nlohmann::json::array()}};
    for (std::size_t h = 0; h < heads_.size(); ++h) {
      card["heads"][heads_[h].files.name]["scores"] = {{"dev", scores_card(dev[h])}};
      if (heads_[h].files.target) card["selection"]["targets"].push_back(heads_[h].files.name);
    }
  }
  put_model_card(mf, card);
  save_model_file(config_.model, mf);
}

void TrainingRun::save_checkpoint_now() {
  // Every rank, so that their averages stay alike; a checkpoint holds a caught-up average.
  if (average_) average_->catch_up(net_->params().data(), opt_->steps());
  if (root_) {
    progress_.elapsed = elapsed();
    save_checkpoint(checkpoint_, stored_, vocab_, *net_, *opt_, average_.get(), progress_, identity_);
    have_checkpoint_ = true;
  }
}

void TrainingRun::require_same_replica(const std::string& when, const std::string& hint) {
  if (comm_.size() > 1) require_agreement(comm_, replica_checksum(net_->params(), *opt_, progress_), when, hint);
}

std::string TrainingRun::stop_message() const {
  return have_checkpoint_ ? fmt::format("training stopped, the last good checkpoint is {}", checkpoint_)
                          : std::string("training stopped before any checkpoint was written");
}

double TrainingRun::elapsed() const {
  return elapsed_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start_).count();
}

}  // namespace medner
