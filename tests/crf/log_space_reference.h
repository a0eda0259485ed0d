// The log-space CRF (crf_forward_log / crf_backward_log, lib/crf/crf_log_space.cpp) wrapped as the
// reference that the scaled recursions are compared with: log Z, marginals and the NLL gradient
// of one sentence. Plus the same recursions in double, written out here, for long sentences and
// extreme scores, where the float log-space sums themselves drift.
#pragma once

#include "crf/crf_lattice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace medner::test {

struct RefLattice {
  Matrix scores_buf, alpha, beta;
  CrfScores s;
  real log_z = 0;
};

inline RefLattice ref_lattice(const Matrix& emit, const Matrix& trans, const Matrix& start, const Matrix& end,
                              const CrfConstraints* c) {
  const Index L = emit.rows(), T = emit.cols();
  RefLattice r;
  r.scores_buf.resize(static_cast<Index>(crf_scores_size(L)), 1);
  r.s = crf_make_scores(trans, start, end, c, r.scores_buf.data());
  r.alpha.resize(L, T);
  r.beta.resize(L, T);
  const CrfCols e(emit.data(), L, T, Eigen::OuterStride<>(L));
  r.log_z = crf_forward_log(e, r.s, CrfColsMut(r.alpha.data(), L, T, Eigen::OuterStride<>(L)));
  crf_backward_log(e, r.s, CrfColsMut(r.beta.data(), L, T, Eigen::OuterStride<>(L)));
  return r;
}

// P(y_t = j) = exp(alpha_t(j) + beta_t(j) - log Z)
inline Matrix ref_marginals(const RefLattice& r) { return (r.alpha.array() + r.beta.array() - r.log_z).exp().matrix(); }

struct RefGrads {
  Matrix demit, dtrans, dstart, dend;
};

// Expected minus observed counts of one sentence with gold path y (see docs/crf.md).
inline RefGrads ref_nll_grads(const Matrix& emit, const RefLattice& r, const std::vector<int>& y) {
  const Index L = emit.rows(), T = emit.cols();
  RefGrads g{ref_marginals(r), Matrix::Zero(L, L), Matrix::Zero(L, 1), Matrix::Zero(L, 1)};
  g.dstart.col(0) = g.demit.col(0);
  g.dend.col(0) = g.demit.col(T - 1);
  const auto trans = r.s.trans_m();
  for (Index t = 0; t + 1 < T; ++t)
    for (Index i = 0; i < L; ++i)
      for (Index j = 0; j < L; ++j)
        g.dtrans(i, j) += std::exp(r.alpha(i, t) + trans(i, j) + emit(j, t + 1) + r.beta(j, t + 1) - r.log_z);
  for (Index t = 0; t < T; ++t) {
    g.demit(y[static_cast<std::size_t>(t)], t) -= 1;
    if (t + 1 < T) g.dtrans(y[static_cast<std::size_t>(t)], y[static_cast<std::size_t>(t) + 1]) -= 1;
  }
  g.dstart(y[0], 0) -= 1;
  g.dend(y.back(), 0) -= 1;
  return g;
}

// The same log-space recursions in double (the float ones drift on long sentences and round
// sums of 1e4s to ~1e-3): alpha, beta, log Z, from the effective scores s of ref_lattice.
struct RefDouble {
  Eigen::MatrixXd alpha, beta, trans;
  double log_z = 0;
};

// Scalar std::exp: GCC 12 warns (-Werror) inside Eigen's AVX-512 double exp with -march=native.
inline double lse_double(const Eigen::ArrayXd& x) {
  const double m = x.maxCoeff();
  if (m == -std::numeric_limits<double>::infinity()) return m;
  double sum = 0;
  for (Index i = 0; i < x.size(); ++i) sum += std::exp(x(i) - m);
  return m + std::log(sum);
}

inline RefDouble ref_double(const Matrix& emit_f, const CrfScores& s) {
  const Index L = emit_f.rows(), T = emit_f.cols();
  const Eigen::MatrixXd emit = emit_f.cast<double>();
  const Eigen::ArrayXd start = s.start_v().cast<double>().array(), end = s.end_v().cast<double>().array();
  RefDouble r{Eigen::MatrixXd(L, T), Eigen::MatrixXd(L, T), s.trans_m().cast<double>(), 0};
  // alpha_0 = start + emit_0;  alpha_t(j) = emit(j, t) + lse_i(alpha_{t-1}(i) + trans(i, j))
  r.alpha.col(0) = start.matrix() + emit.col(0);
  for (Index t = 1; t < T; ++t)
    for (Index j = 0; j < L; ++j)
      r.alpha(j, t) = emit(j, t) + lse_double(r.alpha.col(t - 1).array() + r.trans.col(j).array());
  // beta_{T-1} = end;  beta_t(i) = lse_j(trans(i, j) + emit(j, t+1) + beta_{t+1}(j))
  r.beta.col(T - 1) = end.matrix();
  for (Index t = T - 2; t >= 0; --t)
    for (Index i = 0; i < L; ++i)
      r.beta(i, t) =
          lse_double(r.trans.row(i).transpose().array() + emit.col(t + 1).array() + r.beta.col(t + 1).array());
  r.log_z = lse_double(r.alpha.col(T - 1).array() + end);
  return r;
}

inline double ref_log_z_double(const Matrix& emit, const CrfScores& s) { return ref_double(emit, s).log_z; }

inline Eigen::MatrixXd ref_marginals_double(const RefDouble& r) {
  return (r.alpha + r.beta).unaryExpr([&](double v) { return std::exp(v - r.log_z); });
}

// Expected minus observed counts in double, as ref_nll_grads.
inline RefGrads ref_nll_grads_double(const Matrix& emit, const RefDouble& r, const std::vector<int>& y) {
  const Index L = emit.rows(), T = emit.cols();
  Eigen::MatrixXd m = ref_marginals_double(r), dtrans = Eigen::MatrixXd::Zero(L, L);
  for (Index t = 0; t + 1 < T; ++t)
    for (Index i = 0; i < L; ++i)
      for (Index j = 0; j < L; ++j)
        dtrans(i, j) += std::exp(r.alpha(i, t) + r.trans(i, j) + double(emit(j, t + 1)) + r.beta(j, t + 1) - r.log_z);
  RefGrads g{m.cast<real>(), dtrans.cast<real>(), m.col(0).cast<real>(), m.col(T - 1).cast<real>()};
  for (Index t = 0; t < T; ++t) {
    g.demit(y[static_cast<std::size_t>(t)], t) -= 1;
    if (t + 1 < T) g.dtrans(y[static_cast<std::size_t>(t)], y[static_cast<std::size_t>(t) + 1]) -= 1;
  }
  g.dstart(y[0], 0) -= 1;
  g.dend(y.back(), 0) -= 1;
  return g;
}

}  // namespace medner::test
