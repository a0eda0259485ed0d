#include "serve/tag_batcher.h"

#include <pthread.h>

#include <algorithm>
#include <csignal>
#include <exception>
#include <future>

namespace medner {

struct TagBatcher::Job {
  std::vector<std::string> texts;
  std::size_t bytes = 0;  // of the texts
  int nbest = 0;
  Clock::time_point deadline;
  std::promise<std::vector<TaggedSentence>> done;
};

namespace {

// What a worker throws into a job whose request is out of time (tag() turns it into Expired with
// the count of texts tagged before it).
struct JobExpired {};

// The stop signals are the server's (serve/http_server.cpp waits for them in one thread); a
// worker that could take one would end the process instead.
void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

TagBatcher::TagBatcher(const TrainedModel& model, const Predictor& predictor, int workers,
                       const AbbreviationOptions& abbreviations)
    : model_(model), predictor_(predictor), abbreviations_(abbreviations) {
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { work(); });
}

TagBatcher::~TagBatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

std::vector<TaggedSentence> TagBatcher::tag(const std::vector<std::string>& texts, int nbest,
                                            Clock::time_point deadline) {
  std::vector<std::future<std::vector<TaggedSentence>>> parts;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Jobs of at most kJobTexts texts and about kBatchBytes (a longer text is a job alone).
    for (std::size_t at = 0; at < texts.size();) {
      auto job = std::make_shared<Job>();
      while (at < texts.size() && job->texts.size() < kJobTexts &&
             (job->texts.empty() || job->bytes + texts[at].size() <= kBatchBytes)) {
        job->bytes += texts[at].size();
        job->texts.push_back(texts[at++]);
      }
      job->nbest = nbest;
      job->deadline = deadline;
      parts.push_back(job->done.get_future());
      queue_.push_back(std::move(job));
    }
  }
  ready_.notify_all();
  std::vector<TaggedSentence> out;
  out.reserve(texts.size());
  // Every part is waited for, also after one failed: the jobs refer to nothing of this call, but
  // the caller's answer must not race with workers still tagging its texts.
  std::exception_ptr error;
  for (auto& part : parts) {
    try {
      std::vector<TaggedSentence> got = part.get();
      if (!error) out.insert(out.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
    } catch (const JobExpired&) {
      if (!error) error = std::make_exception_ptr(Expired{out.size()});
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

void TagBatcher::work() {
  block_stop_signals();
  for (;;) {
    std::vector<std::shared_ptr<Job>> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to tag
      // The oldest job, and after it the queued jobs of the same nbest that fit in the batch.
      std::size_t texts = 0, bytes = 0;
      const int nbest = queue_.front()->nbest;
      for (auto it = queue_.begin(); it != queue_.end();) {
        const std::size_t job_bytes = (*it)->bytes;
        if ((*it)->nbest != nbest ||
            (!batch.empty() && (texts + (*it)->texts.size() > kBatchTexts || bytes + job_bytes > kBatchBytes))) {
          ++it;
          continue;
        }
        texts += (*it)->texts.size();
        bytes += job_bytes;
        batch.push_back(std::move(*it));
        it = queue_.erase(it);
        if (texts >= kBatchTexts || bytes >= kBatchBytes) break;
      }
    }
    run(batch);
  }
}

void TagBatcher::run(std::vector<std::shared_ptr<Job>>& batch) {
  const Clock::time_point now = Clock::now();
  std::vector<std::shared_ptr<Job>> live;
  for (auto& job : batch) {
    if (now > job->deadline)
      job->done.set_exception(std::make_exception_ptr(JobExpired{}));
    else
      live.push_back(std::move(job));
  }
  if (live.empty()) return;
  TagOptions options;  // threads: the predictor's
  options.nbest = live.front()->nbest;
  options.abbreviations = abbreviations_;
  options.chunk_lines = static_cast<int>(kBatchTexts);
  std::vector<std::string> texts;
  for (const auto& job : live) texts.insert(texts.end(), job->texts.begin(), job->texts.end());
  ++batches_;
  texts_ += static_cast<long>(texts.size());
  try {
    std::vector<TaggedSentence> tagged = tag_texts(model_, predictor_, texts, options);
    auto from = tagged.begin();
    for (const auto& job : live) {
      const auto to = from + static_cast<std::ptrdiff_t>(job->texts.size());
      job->done.set_value(std::vector<TaggedSentence>(std::make_move_iterator(from), std::make_move_iterator(to)));
      from = to;
    }
  } catch (...) {
    if (live.size() == 1) {
      live.front()->done.set_exception(std::current_exception());
      return;
    }
    // One job's texts failed the batch: each job alone, so that the error is its request's only.
    for (const auto& job : live) {
      try {
        job->done.set_value(tag_texts(model_, predictor_, job->texts, options));
      } catch (...) {
        job->done.set_exception(std::current_exception());
      }
    }
  }
}

}  // namespace medner
