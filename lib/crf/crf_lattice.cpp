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

void crf_viterbi_plan(const CrfScores& s, CrfViterbiPlan& plan) {
  const Index L = s.L;
  plan.dense_rows.clear();
  plan.sparse_rows.clear();
  plan.sparse_cols.clear();
  for (Index i = 0; i < L; ++i) {
    const real* row = s.trans_t + i * L;  // row i of trans
    Index allowed = 0;
    for (Index j = 0; j < L; ++j) allowed += row[j] > kCrfNegInf;
    if (4 * allowed > L) {
      plan.dense_rows.push_back(static_cast<int>(i));
      continue;
    }
    for (Index j = 0; j < L; ++j)
      if (row[j] > kCrfNegInf) {
        plan.sparse_rows.push_back(static_cast<int>(i));
        plan.sparse_cols.push_back(static_cast<int>(j));
      }
  }
}

namespace {

constexpr Index kViterbiBlock = 64;  // labels j kept in registers while the rows i stream past

// best(j) = max over the dense rows i of (prev(i) + trans(i, j)) for j in [j0, j0 + n): the
// block's running maxima stay in registers (n = kViterbiBlock is a compile-time trip count) while
// row i of trans (contiguous in trans_t) streams past; a predecessor at -inf is skipped.
template <Index N>
void viterbi_block(Index L, Index j0, Index n, const CrfViterbiPlan& plan, const real* __restrict prev,
                   const real* __restrict trans_t, real* __restrict best) {
  real acc[kViterbiBlock];
  const Index m = N > 0 ? N : n;
  for (Index j = 0; j < m; ++j) acc[j] = kCrfNegInf;
  for (int i : plan.dense_rows) {
    const real p = prev[i];
    if (p == kCrfNegInf) continue;
    const real* __restrict row = trans_t + i * L + j0;
    for (Index j = 0; j < m; ++j) acc[j] = std::max(acc[j], p + row[j]);
  }
  for (Index j = 0; j < m; ++j) best[j0 + j] = acc[j];
}

// delta_t(j) - emit(j, t) = max_i (prev(i) + trans(i, j)) for all j: dense rows block by block,
// vectorised over j, then the few allowed entries of the sparse rows (constraints make half the
// rows of an IOBES label set sparse: B-X and I-X may only go to I-X or E-X). The argmax is not
// tracked: the backtrace recomputes it for the one label it needs per token (the same sums, so
// the same winner), which keeps the inner loop to an add and a max.
void viterbi_step(Index L, const CrfViterbiPlan& plan, const real* __restrict prev, const real* __restrict trans_t,
                  real* __restrict best) {
  Index j0 = 0;
  for (; j0 + kViterbiBlock <= L; j0 += kViterbiBlock)
    viterbi_block<kViterbiBlock>(L, j0, kViterbiBlock, plan, prev, trans_t, best);
  if (j0 < L) viterbi_block<0>(L, j0, L - j0, plan, prev, trans_t, best);
  for (std::size_t k = 0; k < plan.sparse_rows.size(); ++k) {
    const Index i = plan.sparse_rows[k], j = plan.sparse_cols[k];
    best[j] = std::max(best[j], prev[i] + trans_t[i * L + j]);
  }
}

}  // namespace

real crf_viterbi_path(const CrfCols& emit, const CrfScores& s, const CrfViterbiPlan& plan, real* delta_buf,
                      int* path) {
  const Index L = s.L, T = emit.cols();
  const auto trans = s.trans_m();
  Eigen::Map<Matrix> delta(delta_buf, L, T);
  // delta_0(j) = start(j) + emit(j, 0)
  delta.col(0) = s.start_v() + emit.col(0);
  // delta_t(j) = emit(j, t) + max_i (delta_{t-1}(i) + trans(i, j))
  for (Index t = 1; t < T; ++t) {
    viterbi_step(L, plan, delta_buf + (t - 1) * L, s.trans_t, delta_buf + t * L);
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
