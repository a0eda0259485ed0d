// Crf layer: parameter bookkeeping around the free functions of crf.h.
#include "crf/crf_layer.h"

#include "core/error.h"

namespace medner {

Crf::Crf(ParamStore& store, const std::string& prefix, Index labels)
    : store_(&store),
      labels_(labels),
      trans_(store.add(prefix + "/trans", labels, labels)),
      start_(store.add(prefix + "/start", labels, 1)),
      end_(store.add(prefix + "/end", labels, 1)) {}

void Crf::init_uniform(Rng& rng, real range) {
  for (Param p : {trans_, start_, end_}) {
    MatrixMap v = store_->value(p);
    for (Index i = 0; i < v.size(); ++i) v.data()[i] = static_cast<real>(rng.uniform(-range, range));
  }
}

void Crf::set_constraints(CrfConstraints constraints) {
  MEDNER_CHECK(constraints.size() == labels_, "Crf: constraints for {} labels, the layer has {}",
               constraints.size(), labels_);
  constraints_ = std::move(constraints);
}

ConstMatrixMap Crf::trans() const { return static_cast<const ParamStore&>(*store_).value(trans_); }
ConstMatrixMap Crf::start() const { return static_cast<const ParamStore&>(*store_).value(start_); }
ConstMatrixMap Crf::end() const { return static_cast<const ParamStore&>(*store_).value(end_); }

NodeId Crf::nll(Tape& tape, NodeId emissions, Index batch, const int* lengths, const int* gold) const {
  return crf_nll(tape, emissions, tape.param(*store_, trans_), tape.param(*store_, start_),
                 tape.param(*store_, end_), batch, lengths, gold, constraints());
}

real Crf::log_partition(const CrfMatrix& emissions, CrfWorkspace* ws) const {
  return crf_log_partition(emissions, trans(), start(), end(), constraints(), ws);
}

std::vector<int> Crf::viterbi(const CrfMatrix& emissions, real* score, CrfWorkspace* ws) const {
  return crf_viterbi(emissions, trans(), start(), end(), constraints(), score, ws);
}

std::vector<std::vector<int>> Crf::viterbi_batch(const CrfMatrix& emissions, Index batch, const int* lengths,
                                                 CrfWorkspace* ws) const {
  return crf_viterbi_batch(emissions, trans(), start(), end(), batch, lengths, constraints(), ws);
}

Matrix Crf::marginals(const CrfMatrix& emissions, CrfWorkspace* ws) const {
  return crf_marginals(emissions, trans(), start(), end(), constraints(), ws);
}

real Crf::span_probability(const CrfMatrix& emissions, int begin, const std::vector<int>& labels,
                           CrfWorkspace* ws) const {
  return crf_span_probability(emissions, trans(), start(), end(), begin, labels, constraints(), ws);
}

std::vector<std::pair<std::vector<int>, real>> Crf::kbest(const CrfMatrix& emissions, int k,
                                                          CrfWorkspace* ws) const {
  return crf_kbest(emissions, trans(), start(), end(), k, constraints(), ws);
}

}  // namespace medner
