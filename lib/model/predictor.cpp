#include "model/predictor.h"

#include "core/error.h"
#include "model/batch_plan.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>

namespace medner {

namespace {
std::vector<std::string> to_iob2(const std::vector<int>& ids, const Vocabularies& vocab, int head) {
  const Vocab& labels = vocab.head_tags(head);
  std::vector<std::string> tags;
  tags.reserve(ids.size());
  for (int id : ids) tags.push_back(labels.at(id));
  return convert_tags(tags, vocab.scheme, TagScheme::IOB2);
}

// The same span in the internal scheme, as label ids (for the CRF span probability).
std::vector<int> span_labels(const Span& s, const Vocabularies& vocab, int head) {
  std::vector<std::string> tags;
  const int n = s.end - s.begin;
  for (int k = 0; k < n; ++k) {
    if (vocab.scheme == TagScheme::IOBES)
      tags.push_back((n == 1 ? "S-" : k == 0 ? "B-" : k == n - 1 ? "E-" : "I-") + s.type);
    else
      tags.push_back((k == 0 ? "B-" : "I-") + s.type);
  }
  std::vector<int> ids;
  for (const auto& t : tags) ids.push_back(vocab.head_tags(head).find(t));
  return ids;
}
}  // namespace

namespace {
// One thread's reusable state.
struct TagWorker {
  Tape tape;
  Batch batch;
  CrfWorkspace crf;
  std::vector<int> seen;  // make_batch scratch: all -1 between batches
  std::vector<const EncodedSentence*> sentences;
  std::vector<int> index;
};
}  // namespace

struct Predictor::Workers {
  std::mutex mutex;
  std::vector<std::unique_ptr<TagWorker>> idle;  // taken by a call, given back when it ends
};

Predictor::Predictor(const NerNetwork& net, const Vocabularies& vocab, int threads, int head)
    : net_(net), vocab_(vocab), threads_(threads > 0 ? threads : omp_get_max_threads()), head_(head),
      kept_(std::make_unique<Workers>()) {
  MEDNER_CHECK(head >= 0 && head < net.heads(), "head {} of a network with {}", head, net.heads());
}

Predictor::~Predictor() = default;

template <class PerBatch>
void Predictor::for_each_batch(const Dataset& data, PerBatch&& fn) const {
  BatchPlan plan = plan_by_length(data.sentences, kPredictBatchTokens, kPredictBatchSentences);
  const int threads = std::max(1, std::min(threads_, plan.batches()));
  std::vector<std::unique_ptr<TagWorker>> workers;
  {
    std::lock_guard<std::mutex> lock(kept_->mutex);
    workers.swap(kept_->idle);
  }
  while (static_cast<int>(workers.size()) < threads) workers.push_back(std::make_unique<TagWorker>());
  for (auto& w : workers)
    if (w->seen.size() < static_cast<std::size_t>(data.forms.size()))
      w->seen.resize(static_cast<std::size_t>(data.forms.size()), -1);
  std::exception_ptr error;
  auto run = [&](TagWorker& w, int k) {
    w.index.clear();
    w.sentences.clear();
    for (int i = plan.starts[static_cast<std::size_t>(k)]; i < plan.starts[static_cast<std::size_t>(k) + 1]; ++i) {
      w.index.push_back(plan.order[static_cast<std::size_t>(i)]);
      w.sentences.push_back(&data.sentences[static_cast<std::size_t>(w.index.back())]);
    }
    make_batch(w.sentences, data.forms, w.seen, w.batch);
    w.batch.head = head_;  // the sentences' own head is the one they were trained for, if any
    w.tape.clear();
    fn(w, w.batch, w.index);
  };
  if (threads == 1) {  // no parallel region: a single sentence should not pay for one
    try {
      for (int k = 0; k < plan.batches(); ++k) run(*workers[0], k);
    } catch (...) {
      error = std::current_exception();
    }
  } else {
    // Longest batches first (the plan is sorted by length): a long batch taken last would leave
    // the other threads idle at the end.
    const int last = plan.batches() - 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int k = 0; k < plan.batches(); ++k) {
      try {
        run(*workers[static_cast<std::size_t>(omp_get_thread_num())], last - k);
      } catch (...) {
#pragma omp critical(medner_predict_error)
        if (!error) error = std::current_exception();
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(kept_->mutex);
    if (kept_->idle.size() < workers.size()) kept_->idle.swap(workers);
  }
  if (error) std::rethrow_exception(error);
}

std::vector<std::vector<std::string>> Predictor::tags(const Dataset& data) const {
  std::vector<std::vector<std::string>> out(data.sentences.size());
  for_each_batch(data, [&](TagWorker& w, const Batch& batch, const std::vector<int>& index) {
    std::vector<std::vector<int>> best = net_.decode(w.tape, batch, &w.crf);
    for (std::size_t b = 0; b < index.size(); ++b)
      out[static_cast<std::size_t>(index[b])] = to_iob2(best[b], vocab_, head_);
  });
  return out;
}

std::vector<Prediction> Predictor::predict(const Dataset& data, bool confidence, int nbest) const {
  std::vector<Prediction> out(data.sentences.size());
  for_each_batch(data, [&](TagWorker& w, const Batch& batch, const std::vector<int>& index) {
    NodeId e = net_.emissions(w.tape, batch, nullptr, false);
    auto E = w.tape.value(e);
    const Index L = E.rows();
    for (std::size_t b = 0; b < index.size(); ++b) {
      const int len = batch.lengths[b];
      Matrix emit(L, len);
      for (int t = 0; t < len; ++t) emit.col(t) = E.col(static_cast<Index>(t) * batch.B + static_cast<Index>(b));
      Prediction& p = out[static_cast<std::size_t>(index[b])];
      std::vector<int> ids;
      Matrix logp;  // softmax: per-token log-probabilities
      if (net_.has_crf()) {
        ids = net_.crf(head_).viterbi(emit);
      } else {
        logp = emit;
        for (int t = 0; t < len; ++t) {
          real m = logp.col(t).maxCoeff();
          logp.col(t).array() -= m + std::log((logp.col(t).array() - m).exp().sum());
          Index best;
          logp.col(t).maxCoeff(&best);
          ids.push_back(static_cast<int>(best));
        }
      }
      p.tags = to_iob2(ids, vocab_, head_);
      p.spans = extract_spans(p.tags);
      if (confidence)
        for (const Span& s : p.spans) {
          std::vector<int> labels = span_labels(s, vocab_, head_);
          double c = 0;
          if (std::find(labels.begin(), labels.end(), -1) != labels.end()) {
            c = 0;  // the span needs a label the model never saw, e.g. S-X of a type only seen long
          } else if (net_.has_crf()) {
            c = static_cast<double>(net_.crf(head_).span_probability(emit, s.begin, labels));
          } else {
            double lp = 0;
            for (int k = 0; k < s.end - s.begin; ++k) lp += static_cast<double>(logp(labels[static_cast<std::size_t>(k)], s.begin + k));
            c = std::exp(lp);
          }
          p.confidence.push_back(c);
        }
      if (nbest > 0 && net_.has_crf() && len > 0)
        for (auto& [path, logprob] : net_.crf(head_).kbest(emit, nbest))
          p.nbest.emplace_back(to_iob2(path, vocab_, head_), std::exp(static_cast<double>(logprob)));
    }
  });
  return out;
}

}  // namespace medner
