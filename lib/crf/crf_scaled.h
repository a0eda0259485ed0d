// The forward and backward recursions of the linear-chain CRF in scaled probability space
// (crfsuite's crf1d_context.c): the scores are exponentiated once per batch, each time step is a
// matrix product over the sentences of the batch, and every column is rescaled to sum 1 with the
// log of its scale kept, so exp is called O(T L) times per sentence instead of O(T L^2).
// docs/crf.md ("Scaled recursions") derives every formula used here. Not here: the log-space
// recursions (crf_lattice.h, the reference and the fallback) and decoding (Viterbi is max-plus).
//
// Layout: a batch is L x (T*B), time-major like the emissions (core/tensor.h): column t*B + b is
// token t of sentence b; one sentence is B = 1. Every buffer below is contiguous (stride L).
#pragma once

#include "crf/crf_lattice.h"

#include <cmath>
#include <limits>

namespace medner {

// exp of the effective scores, each shifted by its largest finite entry so that the largest
// factor is exactly 1 and nothing overflows; forbidden (-inf) entries become exactly 0.
struct CrfExpScores {
  Index L = 0;
  const real* trans = nullptr;                     // L x L: exp(trans(i, j) - trans_max)
  const real* start = nullptr;                     // L: exp(start(j) - start_max)
  const real* end = nullptr;                       // L: exp(end(j) - end_max)
  real trans_max = 0, start_max = 0, end_max = 0;  // 0 when every entry is -inf
  Eigen::Map<const Matrix> trans_m() const { return {trans, L, L}; }
  Eigen::Map<const Vector> start_v() const { return {start, L}; }
  Eigen::Map<const Vector> end_v() const { return {end, L}; }
};

inline std::size_t crf_exp_scores_size(Index L) { return static_cast<std::size_t>(L * L + 2 * L); }
// buffer: crf_exp_scores_size(L) reals.
CrfExpScores crf_make_exp_scores(const CrfScores& s, real* buffer);

// A scale (forward c, backward d) or an overlap u below this means the scaled numbers have lost
// too much to underflow: the sentence is then redone in log space. min^(1/4) (3e-10 in float):
// with c_t, u_t >= it, what underflow can drop is below T L^2 min / (c_t u_t) of Z (docs/crf.md).
inline const real kCrfScaleMin = std::sqrt(std::sqrt(std::numeric_limits<real>::min()));

// The scaled lattice of a batch. The caller owns the memory (crf_scaled_size); beta, bscale and
// overlap are needed only for the backward recursion.
struct CrfScaledLattice {
  Index L = 0, T = 0, B = 0;
  const int* lengths = nullptr;  // B, each in [0, T]
  real* eemit = nullptr;         // L x TB: exp(emit(j, t) - max_j emit(j, t)); 0 on padding
  real* alpha = nullptr;         // L x TB: alpha-hat_t, each column sums to 1; 0 on padding
  real* beta = nullptr;          // L x TB: beta-tilde_t, each column sums to 1; 0 on padding
  real* fscale = nullptr;        // TB: c_t, the sum of alpha_t before normalising
  real* bscale = nullptr;        // TB: d_t, the sum of beta_t before normalising
  real* overlap = nullptr;       // TB: u_t = sum_j alpha-hat_t(j) beta-tilde_t(j)
  real* work = nullptr;          // L x B scratch of the backward recursion
  double* log_z = nullptr;       // B: log Z of each sentence (valid where ok)
  unsigned char* ok = nullptr;   // B: 0 where the scaled numbers underflowed (use log space)

  Index col(Index t, Index b) const { return t * B + b; }
  Index len(Index b) const { return lengths[b]; }
};

// Reals (and B doubles, B bytes) a lattice of this size needs; see crf_scaled_bind.
std::size_t crf_scaled_size(Index L, Index T, Index B);
// Points the lattice's arrays into buffer (crf_scaled_size(L, T, B) reals, 8-byte aligned).
CrfScaledLattice crf_scaled_bind(Index L, Index T, Index B, const int* lengths, real* buffer);

// emit: L x TB (any column stride) -> eemit, alpha, fscale, log_z, ok.
void crf_forward_scaled(const CrfCols& emit, const CrfExpScores& x, CrfScaledLattice& lat);
// After crf_forward_scaled -> beta, bscale, overlap; clears ok where they underflow.
void crf_backward_scaled(const CrfExpScores& x, CrfScaledLattice& lat);

// One sentence (emit: L x T, T >= 1) as a B = 1 lattice in ws.scaled, with_backward: beta too;
// the exp scores it used go to *x if given. lat.ok[0] == 0 means the scaled numbers underflowed:
// use the log-space functions instead.
CrfScaledLattice crf_scaled_sentence(const CrfCols& emit, const CrfScores& s, CrfWorkspace& ws, bool with_backward,
                                     CrfExpScores* x = nullptr);
// log Z of one sentence: scaled (summed in double), or in log space (in ws.alpha) where that
// underflows.
double crf_log_z(const CrfCols& emit, const CrfScores& s, CrfWorkspace& ws);

}  // namespace medner
