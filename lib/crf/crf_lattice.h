// The per-sentence kernels of the linear-chain CRF, shared by the NLL op (crf_nll.cpp) and the
// decoders (crf_decode.cpp, crf_kbest.cpp): effective scores with constraints applied, the
// forward (alpha) and backward (beta) recursions in log space, Viterbi, and the score of a path
// (the scaled recursions, used by the NLL and the decoders, are in crf_scaled.h).
// Everything is flat L x T arrays (crfsuite), no lattice of heap nodes; no allocation here: the
// caller passes the memory (tape scratch or a CrfWorkspace).
//
// Names (STYLE.md 4): L labels, T tokens of one sentence, emit(j, t) the emission score of label j
// at token t, trans(i, j) the score of label i followed by label j, start(j) / end(j) the score of
// a sentence beginning / ending with label j. Columns of a sentence may be strided: in a time-major
// batch of B sentences, token t of sentence b is column t*B + b, so consecutive tokens of one
// sentence are L*B reals apart.
#pragma once

#include "core/tensor.h"
#include "crf/crf_constraints.h"

#include <cmath>
#include <limits>
#include <vector>

namespace medner {

using CrfCols = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;  // L x T, strided columns
using CrfColsMut = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;

constexpr real kCrfNegInf = -std::numeric_limits<real>::infinity();

// log sum_i exp(x_i), shifted by the maximum so nothing overflows. All -inf gives -inf, not NaN
// (the shift -inf - (-inf) would be NaN, so that case returns before it).
template <class Derived>
inline real crf_log_sum_exp(const Eigen::ArrayBase<Derived>& x) {
  const real m = x.maxCoeff();
  if (m == kCrfNegInf) return m;
  return m + std::log((x - m).exp().sum());
}

// Scores with the constraints applied (forbidden entries are -inf). trans_t is trans transposed,
// so that the backward recursion, which needs rows of trans, reads contiguous columns.
struct CrfScores {
  Index L = 0;
  const real* trans = nullptr;    // L x L
  const real* trans_t = nullptr;  // L x L
  const real* start = nullptr;    // L
  const real* end = nullptr;      // L
  Eigen::Map<const Matrix> trans_m() const { return {trans, L, L}; }
  Eigen::Map<const Matrix> trans_t_m() const { return {trans_t, L, L}; }
  Eigen::Map<const Vector> start_v() const { return {start, L}; }
  Eigen::Map<const Vector> end_v() const { return {end, L}; }
};

inline std::size_t crf_scores_size(Index L) { return static_cast<std::size_t>(2 * L * L + 2 * L); }

// trans: L x L, start, end: L x 1, c: null or L labels; buffer: crf_scores_size(L) reals.
CrfScores crf_make_scores(const Eigen::Ref<const Matrix>& trans, const Eigen::Ref<const Matrix>& start,
                          const Eigen::Ref<const Matrix>& end, const CrfConstraints* c, real* buffer);

// Log space (crf_log_space.cpp): the reference for tests and the fallback of the scaled
// recursions (crf_scaled.h). emit: L x T, alpha: L x T (output). Returns log Z (-inf when the
// constraints allow no path).
real crf_forward_log(const CrfCols& emit, const CrfScores& s, CrfColsMut alpha);
// emit: L x T, beta: L x T (output).
void crf_backward_log(const CrfCols& emit, const CrfScores& s, CrfColsMut beta);
// Which rows i of trans Viterbi runs densely (vectorised over j) and which by their few allowed
// entries (at most L/4 of them, e.g. B-X and I-X under IOBES). Built once per batch.
struct CrfViterbiPlan {
  std::vector<int> dense_rows;
  std::vector<int> sparse_rows, sparse_cols;  // the allowed (i, j) of the sparse rows
};
void crf_viterbi_plan(const CrfScores& s, CrfViterbiPlan& plan);

// emit: L x T; plan: crf_viterbi_plan(s); delta: L*T reals of scratch; path: T ints (output).
// Returns the best score, -inf when the constraints allow no path (path is then meaningless).
real crf_viterbi_path(const CrfCols& emit, const CrfScores& s, const CrfViterbiPlan& plan, real* delta, int* path);
// Score of the path y_t = y[t * y_stride], t < T (emit: L x T).
real crf_path_score(const CrfCols& emit, const CrfScores& s, const int* y, Index y_stride);

// One candidate of k-best Viterbi: a partial path score and where it came from (label*k + rank).
struct CrfCandidate {
  real score;
  int from;
};

// Reusable decoding memory, grown to the longest sentence seen and never shrunk (crfsuite's
// crf1dc_set_num_items). One per thread: decoders write into it.
struct CrfWorkspace {
  std::vector<real> scores, exp_scores, scaled, alpha, beta, delta, kscore;
  std::vector<int> path, kfrom;
  std::vector<CrfCandidate> candidates;
  CrfViterbiPlan viterbi;
  int length = 0;  // the lengths array of a one-sentence scaled lattice in `scaled`

  template <class T>
  static T* grow(std::vector<T>& v, std::size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};

}  // namespace medner
