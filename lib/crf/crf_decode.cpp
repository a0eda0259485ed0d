// CRF inference on plain matrices: log-partition, Viterbi (single and batched), marginals and span
// probabilities. log Z, marginals and spans come from the scaled recursions (crf_scaled.h), or
// from the log-space ones for a sentence whose scaled numbers underflow. Scratch comes from a
// CrfWorkspace that grows to the longest sentence seen; callers that decode many sentences pass
// one in and the steady state allocates only the returned results.
#include "core/error.h"
#include "crf/crf.h"
#include "crf/crf_scaled.h"

#include <algorithm>
#include <cmath>

namespace medner {

namespace {

CrfCols sentence(const CrfMatrix& emissions) {
  MEDNER_CHECK(emissions.cols() >= 1, "crf: a sentence needs at least one token, emissions are {}x{}",
               emissions.rows(), emissions.cols());
  return CrfCols(emissions.data(), emissions.rows(), emissions.cols(),
                 Eigen::OuterStride<>(emissions.outerStride()));
}

CrfScores scores(CrfWorkspace& ws, const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                 const CrfMatrix& end, const CrfConstraints* c) {
  MEDNER_CHECK(emissions.rows() == trans.rows(), "crf: emissions have {} labels, trans is {}x{}",
               emissions.rows(), trans.rows(), trans.cols());
  return crf_make_scores(trans, start, end, c, CrfWorkspace::grow(ws.scores, crf_scores_size(trans.rows())));
}

CrfColsMut lattice(std::vector<real>& buf, Index L, Index T) {
  return CrfColsMut(CrfWorkspace::grow(buf, static_cast<std::size_t>(L * T)), L, T, Eigen::OuterStride<>(L));
}

// Fills ws.path with the Viterbi path of e, returns its score; throws if no path is allowed.
// ws.viterbi must hold crf_viterbi_plan(s).
real viterbi_into(CrfWorkspace& ws, const CrfCols& e, const CrfScores& s) {
  const auto n = static_cast<std::size_t>(e.rows() * e.cols());
  const real best = crf_viterbi_path(e, s, ws.viterbi, CrfWorkspace::grow(ws.delta, n),
                                     CrfWorkspace::grow(ws.path, static_cast<std::size_t>(e.cols())));
  MEDNER_CHECK(best > kCrfNegInf, "crf_viterbi: the constraints allow no label sequence of length {}",
               e.cols());
  return best;
}

// log P(y[b .. b+n) = l) from the scaled lattice (lat.ok[0]); etrans, E as in crf_scaled.h:
//   alpha-hat_b(l_0) prod_{k=1}^{n-1} [etrans(l_{k-1}, l_k) E(l_k, b+k) / c_{b+k}]
//     beta-tilde_{b+n-1}(l_{n-1}) / u_{b+n-1}
// summed in logs, so that a long span's product cannot underflow (a forbidden step gives -inf).
real span_log_prob_scaled(const CrfScaledLattice& lat, const CrfScores& s, const CrfExpScores& x, int begin,
                          const std::vector<int>& labels) {
  const Index L = lat.L, n = static_cast<Index>(labels.size()), last = begin + n - 1;
  Eigen::Map<const Matrix> alpha(lat.alpha, L, lat.T), beta(lat.beta, L, lat.T), E(lat.eemit, L, lat.T);
  const auto trans = s.trans_m();
  // log etrans(i, j) = trans(i, j) - trans_max, taken from trans: etrans itself may have underflowed
  double logp = std::log(double(alpha(labels[0], begin)));
  for (Index k = 1; k < n; ++k) {
    const int prev = labels[static_cast<std::size_t>(k - 1)], cur = labels[static_cast<std::size_t>(k)];
    logp += double(trans(prev, cur)) - double(x.trans_max) +
            std::log(double(E(cur, begin + k)) / double(lat.fscale[begin + k]));
  }
  logp += std::log(double(beta(labels.back(), last)) / double(lat.overlap[last]));
  return static_cast<real>(logp);
}

// The same in log space (the fallback):
//   alpha_b(l_0) + sum_{k=1}^{n-1} (trans(l_{k-1}, l_k) + emit(l_k, b+k)) + beta_{b+n-1}(l_{n-1}) - log Z
real span_log_prob_log(CrfWorkspace& w, const CrfCols& e, const CrfScores& s, int begin,
                       const std::vector<int>& labels) {
  const Index L = e.rows(), T = e.cols(), n = static_cast<Index>(labels.size());
  CrfColsMut alpha = lattice(w.alpha, L, T);
  CrfColsMut beta = lattice(w.beta, L, T);
  const real lz = crf_forward_log(e, s, alpha);
  MEDNER_CHECK(lz > kCrfNegInf, "crf_span_probability: the constraints allow no label sequence of length {}", T);
  crf_backward_log(e, s, beta);
  const auto trans_e = s.trans_m();
  real logp = alpha(labels[0], begin);
  for (Index k = 1; k < n; ++k) {
    const int prev = labels[static_cast<std::size_t>(k - 1)], cur = labels[static_cast<std::size_t>(k)];
    logp += trans_e(prev, cur) + e(cur, begin + k);
  }
  return logp + beta(labels.back(), begin + n - 1) - lz;
}

}  // namespace

real crf_log_partition(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                       const CrfMatrix& end, const CrfConstraints* constraints, CrfWorkspace* ws) {
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const CrfCols e = sentence(emissions);
  return static_cast<real>(crf_log_z(e, scores(w, emissions, trans, start, end, constraints), w));
}

std::vector<int> crf_viterbi(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                             const CrfMatrix& end, const CrfConstraints* constraints, real* score,
                             CrfWorkspace* ws) {
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const CrfCols e = sentence(emissions);
  const CrfScores s = scores(w, emissions, trans, start, end, constraints);
  crf_viterbi_plan(s, w.viterbi);
  const real best = viterbi_into(w, e, s);
  if (score != nullptr) *score = best;
  return std::vector<int>(w.path.begin(), w.path.begin() + e.cols());
}

Matrix crf_marginals(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                     const CrfMatrix& end, const CrfConstraints* constraints, CrfWorkspace* ws) {
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const CrfCols e = sentence(emissions);
  const CrfScores s = scores(w, emissions, trans, start, end, constraints);
  const Index L = e.rows(), T = e.cols();
  const CrfScaledLattice lat = crf_scaled_sentence(e, s, w, true);
  if (lat.ok[0]) {
    // P(y_t = j) = alpha-hat_t(j) beta-tilde_t(j) / u_t
    Eigen::Map<const Matrix> alpha(lat.alpha, L, T), beta(lat.beta, L, T);
    Eigen::Map<const Vector> u(lat.overlap, T);
    return (alpha.array() * beta.array()).rowwise() / u.transpose().array();
  }
  CrfColsMut alpha = lattice(w.alpha, L, T);
  CrfColsMut beta = lattice(w.beta, L, T);
  const real lz = crf_forward_log(e, s, alpha);
  MEDNER_CHECK(lz > kCrfNegInf, "crf_marginals: the constraints allow no label sequence of length {}", T);
  crf_backward_log(e, s, beta);
  // P(y_t = j) = exp(alpha_t(j) + beta_t(j) - log Z)
  return (alpha.array() + beta.array() - lz).exp().matrix();
}

real crf_span_probability(const CrfMatrix& emissions, const CrfMatrix& trans, const CrfMatrix& start,
                          const CrfMatrix& end, int begin, const std::vector<int>& labels,
                          const CrfConstraints* constraints, CrfWorkspace* ws) {
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const CrfCols e = sentence(emissions);
  const CrfScores s = scores(w, emissions, trans, start, end, constraints);
  const Index L = e.rows(), T = e.cols();
  const auto n = static_cast<Index>(labels.size());
  MEDNER_CHECK(n >= 1 && begin >= 0 && begin + n <= T, "crf_span_probability: span [{}, {}) in a sentence of {} tokens",
               begin, begin + n, T);
  for (int y : labels) MEDNER_CHECK(y >= 0 && y < L, "crf_span_probability: label {} with L = {}", y, L);
  CrfExpScores x;
  const CrfScaledLattice lat = crf_scaled_sentence(e, s, w, true, &x);
  const real logp =
      lat.ok[0] ? span_log_prob_scaled(lat, s, x, begin, labels) : span_log_prob_log(w, e, s, begin, labels);
  // A span the model is sure of has logp = 0 up to the rounding of sums of large scores, which can
  // land a few ulps of log Z above 0: a probability is at most 1.
  return std::exp(std::min(logp, real(0)));
}

std::vector<std::vector<int>> crf_viterbi_batch(const CrfMatrix& emissions, const CrfMatrix& trans,
                                                const CrfMatrix& start, const CrfMatrix& end, Index batch,
                                                const int* lengths, const CrfConstraints* constraints,
                                                CrfWorkspace* ws) {
  MEDNER_CHECK(batch >= 1 && emissions.cols() % batch == 0,
               "crf_viterbi_batch: emissions {}x{} are not L x (T*B) with B = {}", emissions.rows(),
               emissions.cols(), batch);
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const CrfScores s = scores(w, emissions, trans, start, end, constraints);
  crf_viterbi_plan(s, w.viterbi);
  const Index L = emissions.rows(), T = emissions.cols() / batch;
  const Eigen::OuterStride<> batch_stride(emissions.outerStride() * batch);
  std::vector<std::vector<int>> paths(static_cast<std::size_t>(batch));
  for (Index b = 0; b < batch; ++b) {
    const Index len = lengths[b];
    MEDNER_CHECK(len >= 0 && len <= T, "crf_viterbi_batch: lengths[{}] = {}, the batch has T = {}", b, len, T);
    if (len == 0) continue;
    // Sentence b: columns b, b + B, b + 2B, ... of the time-major batch.
    const CrfCols e(emissions.data() + b * emissions.outerStride(), L, len, batch_stride);
    viterbi_into(w, e, s);
    paths[static_cast<std::size_t>(b)].assign(w.path.begin(), w.path.begin() + len);
  }
  return paths;
}

}  // namespace medner
