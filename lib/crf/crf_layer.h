// Crf: the layer that owns the CRF parameters in a ParamStore ("<prefix>/trans" L x L,
// "<prefix>/start" and "<prefix>/end" L x 1) and optional hard constraints, with the NLL for
// training and decoders that read the current values from the store. It holds handles, never
// copies: the store must outlive the layer. Const and stateless apart from the store, so several
// threads may decode at once if each passes its own CrfWorkspace.
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"
#include "crf/crf.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace medner {

class Crf {
 public:
  // Adds the three parameters, zero-initialised.
  Crf(ParamStore& store, const std::string& prefix, Index labels);
  // Re-initialises the three parameters uniform in [-range, range).
  void init_uniform(Rng& rng, real range = real(0.1));

  void set_constraints(CrfConstraints constraints);
  void clear_constraints() { constraints_.reset(); }
  const CrfConstraints* constraints() const { return constraints_ ? &*constraints_ : nullptr; }

  Index labels() const { return labels_; }
  Param trans_param() const { return trans_; }
  Param start_param() const { return start_; }
  Param end_param() const { return end_; }
  ConstMatrixMap trans() const;  // L x L
  ConstMatrixMap start() const;  // L x 1
  ConstMatrixMap end() const;    // L x 1

  // emissions: L x (T*B) node, lengths: B, gold: T*B time-major -> 1 x 1 summed NLL (crf_nll).
  NodeId nll(Tape& tape, NodeId emissions, Index batch, const int* lengths, const int* gold) const;

  // Decoders over plain emissions (L x T, or L x (T*B) for the batch), see crf.h.
  real log_partition(const CrfMatrix& emissions, CrfWorkspace* ws = nullptr) const;
  std::vector<int> viterbi(const CrfMatrix& emissions, real* score = nullptr, CrfWorkspace* ws = nullptr) const;
  std::vector<std::vector<int>> viterbi_batch(const CrfMatrix& emissions, Index batch, const int* lengths,
                                              CrfWorkspace* ws = nullptr) const;
  Matrix marginals(const CrfMatrix& emissions, CrfWorkspace* ws = nullptr) const;
  real span_probability(const CrfMatrix& emissions, int begin, const std::vector<int>& labels,
                        CrfWorkspace* ws = nullptr) const;
  std::vector<std::pair<std::vector<int>, real>> kbest(const CrfMatrix& emissions, int k,
                                                       CrfWorkspace* ws = nullptr) const;

 private:
  ParamStore* store_;
  Index labels_;
  Param trans_, start_, end_;
  std::optional<CrfConstraints> constraints_;
};

}  // namespace medner
