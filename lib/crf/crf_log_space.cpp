// The forward (alpha) and backward (beta) recursions in log space, one sentence at a time: O(T L^2)
// calls of exp. The reference that tests compare the scaled recursions (crf_scaled.cpp) with, and
// the fallback for a sentence whose scaled numbers underflow (extreme scores). Each label loop is
// an Eigen column expression over L labels, so it vectorises; the only scalar loop is over time.
#include "crf/crf_lattice.h"

namespace medner {

real crf_forward_log(const CrfCols& emit, const CrfScores& s, CrfColsMut alpha) {
  const Index L = s.L, T = emit.cols();
  const auto trans = s.trans_m();
  // alpha_0(j) = start(j) + emit(j, 0)
  alpha.col(0) = s.start_v() + emit.col(0);
  // alpha_t(j) = emit(j, t) + log sum_i exp(alpha_{t-1}(i) + trans(i, j)),   t = 1 .. T-1
  for (Index t = 1; t < T; ++t)
    for (Index j = 0; j < L; ++j)
      alpha(j, t) = emit(j, t) + crf_log_sum_exp(alpha.col(t - 1).array() + trans.col(j).array());
  // log Z = log sum_j exp(alpha_{T-1}(j) + end(j))
  return crf_log_sum_exp(alpha.col(T - 1).array() + s.end_v().array());
}

void crf_backward_log(const CrfCols& emit, const CrfScores& s, CrfColsMut beta) {
  const Index L = s.L, T = emit.cols();
  const auto trans_t = s.trans_t_m();  // column i = row i of trans
  // beta_{T-1}(i) = end(i)
  beta.col(T - 1) = s.end_v();
  // beta_t(i) = log sum_j exp(trans(i, j) + emit(j, t+1) + beta_{t+1}(j)),   t = T-2 .. 0
  for (Index t = T - 2; t >= 0; --t)
    for (Index i = 0; i < L; ++i)
      beta(i, t) = crf_log_sum_exp(trans_t.col(i).array() + emit.col(t + 1).array() + beta.col(t + 1).array());
}

}  // namespace medner
