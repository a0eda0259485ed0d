// Per-sentence CRF recursions (see crf_lattice.h for the names). Each label loop is an Eigen
// column expression over L labels, so it vectorises; the only scalar loop is over time.
#include "crf/crf_lattice.h"

#include "core/error.h"

namespace medner {

CrfScores crf_make_scores(const Eigen::Ref<const Matrix>& trans, const Eigen::Ref<const Matrix>& start,
                          const Eigen::Ref<const Matrix>& end, const CrfConstraints* c, real* buffer) {
  const Index L = trans.rows();
  MEDNER_CHECK(trans.cols() == L && start.rows() == L && start.cols() == 1 && end.rows() == L &&
                   end.cols() == 1,
               "crf: trans {}x{}, start {}x{}, end {}x{}: expected L x L, L x 1, L x 1", trans.rows(),
               trans.cols(), start.rows(), start.cols(), end.rows(), end.cols());
  Eigen::Map<Matrix> tr(buffer, L, L);
  Eigen::Map<Matrix> tr_t(buffer + L * L, L, L);
  Eigen::Map<Vector> st(buffer + 2 * L * L, L);
  Eigen::Map<Vector> en(buffer + 2 * L * L + L, L);
  if (c == nullptr) {
    tr = trans;
    st = start;
    en = end;
  } else {
    MEDNER_CHECK(c->size() == L, "crf: constraints for {} labels, scores for {}", c->size(), L);
    tr = c->allowed_trans.select(trans.array(), kCrfNegInf).matrix();
    st = c->allowed_start.select(start.col(0).array(), kCrfNegInf).matrix();
    en = c->allowed_end.select(end.col(0).array(), kCrfNegInf).matrix();
  }
  tr_t = tr.transpose();
  return CrfScores{L, tr.data(), tr_t.data(), st.data(), en.data()};
}

real crf_forward(const CrfCols& emit, const CrfScores& s, CrfColsMut alpha) {
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

void crf_backward(const CrfCols& emit, const CrfScores& s, CrfColsMut beta) {
  const Index L = s.L, T = emit.cols();
  const auto trans_t = s.trans_t_m();  // column i = row i of trans
  // beta_{T-1}(i) = end(i)
  beta.col(T - 1) = s.end_v();
  // beta_t(i) = log sum_j exp(trans(i, j) + emit(j, t+1) + beta_{t+1}(j)),   t = T-2 .. 0
  for (Index t = T - 2; t >= 0; --t)
    for (Index i = 0; i < L; ++i)
      beta(i, t) = crf_log_sum_exp(trans_t.col(i).array() + emit.col(t + 1).array() +
                                   beta.col(t + 1).array());
}

real crf_viterbi_path(const CrfCols& emit, const CrfScores& s, real* delta_buf, int* bp_buf, int* path) {
  const Index L = s.L, T = emit.cols();
  const auto trans = s.trans_m();
  Eigen::Map<Matrix> delta(delta_buf, L, T);
  Eigen::Map<Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic>> bp(bp_buf, L, T);
  // delta_0(j) = start(j) + emit(j, 0)
  delta.col(0) = s.start_v() + emit.col(0);
  // delta_t(j) = emit(j, t) + max_i (delta_{t-1}(i) + trans(i, j)),  bp_t(j) = argmax_i
  for (Index t = 1; t < T; ++t) {
    for (Index j = 0; j < L; ++j) {
      Index arg = 0;
      const real best = (delta.col(t - 1) + trans.col(j)).maxCoeff(&arg);
      delta(j, t) = emit(j, t) + best;
      bp(j, t) = static_cast<int>(arg);
    }
  }
  // best = max_j delta_{T-1}(j) + end(j);  then y_{t-1} = bp_t(y_t)
  Index last = 0;
  const real best = (delta.col(T - 1) + s.end_v()).maxCoeff(&last);
  path[T - 1] = static_cast<int>(last);
  for (Index t = T - 1; t > 0; --t) path[t - 1] = bp(path[t], t);
  return best;
}

real crf_path_score(const CrfCols& emit, const CrfScores& s, const int* y, Index y_stride) {
  const Index T = emit.cols();
  const auto trans = s.trans_m();
  // score(y) = start(y_0) + sum_t emit(y_t, t) + sum_{t>0} trans(y_{t-1}, y_t) + end(y_{T-1})
  real score = s.start[y[0]] + emit(y[0], 0);
  for (Index t = 1; t < T; ++t) {
    const int prev = y[(t - 1) * y_stride], cur = y[t * y_stride];
    score += trans(prev, cur) + emit(cur, t);
  }
  return score + s.end[y[(T - 1) * y_stride]];
}

}  // namespace medner
