// Effective scores, Viterbi and path scores (see crf_lattice.h for the names). The log-space
// forward and backward recursions are in crf_log_space.cpp, the scaled ones in crf_scaled.cpp.
#include "crf/crf_lattice.h"

#include "core/error.h"

#include <algorithm>

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

namespace {

// best(j) = max_i (prev(i) + trans(i, j)) for all j at once: i runs outside and row i of trans
// (contiguous in trans_t) updates every j, so the inner loop is a vector add and max. The argmax
// is not tracked here: the backtrace recomputes it for the one label it needs per token (the
// same sums, so the same winner), which halves the work of the L^2 loop. A predecessor at -inf
// (forbidden) can never win and is skipped.
void viterbi_step(Index L, const real* __restrict prev, const real* __restrict trans_t, real* __restrict best) {
  for (Index j = 0; j < L; ++j) best[j] = prev[0] + trans_t[j];
  for (Index i = 1; i < L; ++i) {
    const real p = prev[i];
    if (p == kCrfNegInf) continue;
    const real* __restrict row = trans_t + i * L;
    for (Index j = 0; j < L; ++j) best[j] = std::max(best[j], p + row[j]);
  }
}

}  // namespace

real crf_viterbi_path(const CrfCols& emit, const CrfScores& s, real* delta_buf, int* path) {
  const Index L = s.L, T = emit.cols();
  const auto trans = s.trans_m();
  Eigen::Map<Matrix> delta(delta_buf, L, T);
  // delta_0(j) = start(j) + emit(j, 0)
  delta.col(0) = s.start_v() + emit.col(0);
  // delta_t(j) = emit(j, t) + max_i (delta_{t-1}(i) + trans(i, j))
  for (Index t = 1; t < T; ++t) {
    viterbi_step(L, delta_buf + (t - 1) * L, s.trans_t, delta_buf + t * L);
    delta.col(t) += emit.col(t);
  }
  // best = max_j delta_{T-1}(j) + end(j);  then y_{t-1} = argmax_i (delta_{t-1}(i) + trans(i, y_t)),
  // the lowest i on ties (maxCoeff keeps the first maximum)
  Index arg = 0;
  const real best = (delta.col(T - 1) + s.end_v()).maxCoeff(&arg);
  path[T - 1] = static_cast<int>(arg);
  for (Index t = T - 1; t > 0; --t) {
    (delta.col(t - 1) + trans.col(path[t])).maxCoeff(&arg);
    path[t - 1] = static_cast<int>(arg);
  }
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
