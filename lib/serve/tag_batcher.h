// Concurrent requests tagged together. Every request's texts go to one queue per model, in jobs of
// at most kJobTexts; a fixed set of tagging workers each takes what is queued, up to kBatchTexts
// texts (or kBatchBytes) of jobs that ask the same nbest, and tags it in one call: a one-sentence request alone
// gives the network a batch of 1 (matrix-vector products), while 64 clients each sending one
// sentence fill batches of up to 64 sentences (matrix-matrix products, several times more tokens/s
// per core). An idle worker takes a job at once, so batching adds no wait at low load; under load
// the queue fills while the workers are busy. Results are medner-tag's up to the floating-point
// order of a batch's sums (confidences within 1e-4; docs/serving.md).
#pragma once

#include "model/predictor.h"
#include "model/tagging.h"
#include "model/trained_model.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace medner {

class TagBatcher {
 public:
  using Clock = std::chrono::steady_clock;
  // Texts per queued job (a large request is several jobs, which idle workers share), and the most
  // texts one worker tags at once (a full batch of the predictor, model/predictor.h).
  static constexpr std::size_t kJobTexts = 64;
  static constexpr std::size_t kBatchTexts = 64;
  // and at most about this many bytes of text (a few of the predictor's batches of 2,048
  // tokens): 64 abstracts at once would make one worker's call long while the other idles.
  static constexpr std::size_t kBatchBytes = 16 * 1024;

  // `workers` threads tag with `predictor` (built with one thread: the workers are the
  // parallelism); they never take SIGTERM or SIGINT, which the server waits for. Each text is a
  // document for `abbreviations`.
  TagBatcher(const TrainedModel& model, const Predictor& predictor, int workers,
             const AbbreviationOptions& abbreviations = {});
  ~TagBatcher();  // tags what is queued, then joins the workers
  TagBatcher(const TagBatcher&) = delete;
  TagBatcher& operator=(const TagBatcher&) = delete;

  // The tagged texts in order, as tag_texts gives them. Throws what tagging throws for these texts
  // (a batch that fails is retried job by job, so another request's bad text does not fail this
  // one), and Expired when `deadline` passes before all are tagged; `tagged` then holds how many
  // were.
  struct Expired {
    std::size_t tagged = 0;
  };
  std::vector<TaggedSentence> tag(const std::vector<std::string>& texts, int nbest, Clock::time_point deadline);

  int workers() const { return static_cast<int>(threads_.size()); }
  // Calls of the tagger so far and the texts they tagged (GET /health; texts / batches is the
  // mean batch).
  long batches() const { return batches_; }
  long texts() const { return texts_; }

 private:
  struct Job;
  void work();
  void run(std::vector<std::shared_ptr<Job>>& batch);

  const TrainedModel& model_;
  const Predictor& predictor_;
  const AbbreviationOptions abbreviations_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::atomic<long> batches_{0}, texts_{0};
  std::vector<std::thread> threads_;
};

}  // namespace medner
