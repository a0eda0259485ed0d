// Tagging with a trained network: batches sorted by length, decoded in parallel (OpenMP over
// batches, one inference Tape per thread), results returned in input order. Also the CRF
// confidence of each predicted entity (marginal probability of the whole span) and k-best
// sequences for medner-tag.
#pragma once

#include "data/tag_scheme.h"
#include "model/dataset.h"
#include "model/ner_network.h"

#include <memory>
#include <string>
#include <vector>

namespace medner {

// Tagging batches: sentences sorted by length, cut into batches of about kPredictBatchTokens
// padded tokens and at most kPredictBatchSentences sentences (plan_by_length).
constexpr int kPredictBatchTokens = 2048;
constexpr int kPredictBatchSentences = 64;

struct Prediction {
  std::vector<std::string> tags;  // IOB2
  std::vector<Span> spans;        // entities read from tags
  std::vector<double> confidence; // per span: P(span labelled exactly so | sentence)
  std::vector<std::pair<std::vector<std::string>, double>> nbest;  // IOB2 tags, probability
};

// Per-thread tapes, batches and CRF workspaces are kept between calls (a tagging service calls
// tags() once per request, and a fresh tape would fault in its memory every time); concurrent
// calls on one Predictor are safe, each gets its own set.
class Predictor {
 public:
  // threads <= 0: all cores. Every sentence is tagged by network head `head` (a model trained on
  // several corpora, model/ner_network.h), whatever head the dataset's sentences name.
  Predictor(const NerNetwork& net, const Vocabularies& vocab, int threads, int head = 0);
  ~Predictor();
  // Best tags (IOB2) of every sentence.
  std::vector<std::vector<std::string>> tags(const Dataset& data) const;
  // Tags plus span confidences and the k best sequences (k = 0: none).
  std::vector<Prediction> predict(const Dataset& data, bool confidence, int nbest) const;
  int threads() const { return threads_; }
  int head() const { return head_; }

 private:
  template <class PerBatch>
  void for_each_batch(const Dataset& data, PerBatch&& fn) const;

  struct Workers;  // the kept per-thread state (predictor.cpp)

  const NerNetwork& net_;
  const Vocabularies& vocab_;
  int threads_;
  int head_;
  std::unique_ptr<Workers> kept_;
};

}  // namespace medner
