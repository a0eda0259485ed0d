// Scaled forward and backward recursions over a time-major batch (see crf_scaled.h; the math is
// docs/crf.md, "Scaled recursions"). Each time step is one matrix product over the B sentences of
// the batch (L x L times L x B), then a pass over each column to rescale it. Padded columns hold 0
// everywhere, so they contribute nothing to the products; a sentence that underflows gets ok = 0
// and zero columns from there on, and its caller redoes it in log space.
#include "crf/crf_scaled.h"

#include <algorithm>

namespace medner {

namespace {

// The largest entry above -inf, or 0 when there is none (then every exp below is exactly 0).
real max_finite(const real* v, Index n) {
  real m = kCrfNegInf;
  for (Index i = 0; i < n; ++i) m = v[i] > m ? v[i] : m;
  return m == kCrfNegInf ? real(0) : m;
}

// The columns [lo, hi) of time step t that hold sentences longer than `after` tokens (a training
// batch is grouped by length, so they are nearly all of it or a prefix / suffix). Products run
// over this range only; the columns outside it are padding, set to 0 by the caller.
struct Range {
  Index lo = 0, hi = 0;
  Index size() const { return hi - lo; }
};
Range live_columns(const CrfScaledLattice& lat, Index after) {
  Range r{lat.B, 0};
  for (Index b = 0; b < lat.B; ++b)
    if (lat.len(b) > after) r = Range{std::min(r.lo, b), b + 1};
  return r.lo < r.hi ? r : Range{0, 0};
}

}  // namespace

CrfExpScores crf_make_exp_scores(const CrfScores& s, real* buffer) {
  const Index L = s.L;
  CrfExpScores x;
  x.L = L;
  x.trans_max = max_finite(s.trans, L * L);
  x.start_max = max_finite(s.start, L);
  x.end_max = max_finite(s.end, L);
  // A forbidden entry (-inf) must give exactly 0, so that it contributes exactly nothing; the
  // select makes sure, since Eigen's vectorised double exp clamps its argument (1e-308 for -inf).
  auto shifted_exp = [](const auto& v, real shift) { return (v > kCrfNegInf).select((v - shift).exp(), real(0)); };
  Eigen::Map<Matrix>(buffer, L, L) = shifted_exp(s.trans_m().array(), x.trans_max).matrix();
  Eigen::Map<Vector>(buffer + L * L, L) = shifted_exp(s.start_v().array(), x.start_max).matrix();
  Eigen::Map<Vector>(buffer + L * L + L, L) = shifted_exp(s.end_v().array(), x.end_max).matrix();
  x.trans = buffer;
  x.start = buffer + L * L;
  x.end = buffer + L * L + L;
  return x;
}

std::size_t crf_scaled_size(Index L, Index T, Index B) {
  // log_z (B doubles = 2B reals at most), ok (B bytes), 3 lattices, 3 per-column arrays, work L x B.
  const Index n = 2 * B + (B + static_cast<Index>(sizeof(real)) - 1) / static_cast<Index>(sizeof(real)) +
                  3 * L * T * B + 3 * T * B + L * B;
  return static_cast<std::size_t>(n);
}

CrfScaledLattice crf_scaled_bind(Index L, Index T, Index B, const int* lengths, real* buffer) {
  CrfScaledLattice lat;
  lat.L = L;
  lat.T = T;
  lat.B = B;
  lat.lengths = lengths;
  lat.log_z = reinterpret_cast<double*>(buffer);  // first: the buffer is 8-byte aligned
  real* p = buffer + B * static_cast<Index>(sizeof(double) / sizeof(real));
  lat.ok = reinterpret_cast<unsigned char*>(p);
  p += (B + static_cast<Index>(sizeof(real)) - 1) / static_cast<Index>(sizeof(real));
  const Index n = L * T * B;
  lat.eemit = p;
  lat.alpha = p + n;
  lat.beta = p + 2 * n;
  lat.fscale = p + 3 * n;
  lat.bscale = p + 3 * n + T * B;
  lat.overlap = p + 3 * n + 2 * T * B;
  lat.work = p + 3 * n + 3 * T * B;
  return lat;
}

void crf_forward_scaled(const CrfCols& emit, const CrfExpScores& x, CrfScaledLattice& lat) {
  const Index L = lat.L, T = lat.T, B = lat.B;
  Eigen::Map<Matrix> E(lat.eemit, L, T * B), A(lat.alpha, L, T * B);
  const auto etrans = x.trans_m();
  // log Z starts with the shifts taken out of start, trans (once per transition) and end.
  for (Index b = 0; b < B; ++b) {
    const Index n = lat.len(b);
    lat.ok[b] = 1;
    lat.log_z[b] = n == 0 ? 0.0 : double(x.start_max) + double(n - 1) * double(x.trans_max) + double(x.end_max);
  }
  for (Index t = 0; t < T; ++t) {
    // E(j, t) = exp(emit(j, t) - m_t), m_t = max_j emit(j, t) (the largest factor is 1); log Z += m_t
    for (Index b = 0; b < B; ++b) {
      const Index c = lat.col(t, b);
      if (t >= lat.len(b)) {
        E.col(c).setZero();
        continue;
      }
      const real m = emit.col(c).maxCoeff();
      E.col(c) = (emit.col(c).array() - m).exp().matrix();
      lat.log_z[b] += double(m);
    }
    auto a = A.middleCols(t * B, B);
    const auto e = E.middleCols(t * B, B);
    // a_0(j) = estart(j) E(j, 0);   a_t(j) = E(j, t) sum_i alpha-hat_{t-1}(i) etrans(i, j),
    // i.e. a_t = E_t .* (etrans^T alpha-hat_{t-1}): one L x L by L x B product for the batch.
    const Range r = live_columns(lat, t);
    if (t == 0) {
      a = (e.array().colwise() * x.start_v().array()).matrix();
    } else if (r.size() > 0) {
      a.middleCols(r.lo, r.size()).noalias() = etrans.transpose() * A.middleCols((t - 1) * B + r.lo, r.size());
      a.middleCols(r.lo, r.size()).array() *= e.middleCols(r.lo, r.size()).array();
    }
    // c_t = sum_j a_t(j);  alpha-hat_t = a_t / c_t;  log Z += log c_t
    for (Index b = 0; b < B; ++b) {
      const Index c = lat.col(t, b);
      lat.fscale[c] = 0;
      if (t >= lat.len(b) || !lat.ok[b]) {
        a.col(b).setZero();
        continue;
      }
      const real s = a.col(b).sum();
      if (!(s >= kCrfScaleMin)) {
        lat.ok[b] = 0;
        a.col(b).setZero();
        continue;
      }
      lat.fscale[c] = s;
      a.col(b) /= s;
      lat.log_z[b] += std::log(double(s));
    }
  }
  // log Z += log sum_j alpha-hat_{n-1}(j) eend(j)   (n = the sentence's length)
  for (Index b = 0; b < B; ++b) {
    if (lat.len(b) == 0 || !lat.ok[b]) continue;
    const real z = A.col(lat.col(lat.len(b) - 1, b)).dot(x.end_v());
    if (!(z >= kCrfScaleMin))
      lat.ok[b] = 0;
    else
      lat.log_z[b] += std::log(double(z));
  }
}

void crf_backward_scaled(const CrfExpScores& x, CrfScaledLattice& lat) {
  const Index L = lat.L, T = lat.T, B = lat.B;
  Eigen::Map<const Matrix> E(lat.eemit, L, T * B), A(lat.alpha, L, T * B);
  Eigen::Map<Matrix> Bt(lat.beta, L, T * B), work(lat.work, L, B);
  const auto etrans = x.trans_m();
  for (Index t = T - 1; t >= 0; --t) {
    auto bt = Bt.middleCols(t * B, B);
    // beta_{n-1} = eend;  beta_t = etrans (E_{t+1} .* beta-tilde_{t+1}): one product for the batch
    const Range r = live_columns(lat, t + 1);
    if (t + 1 < T && r.size() > 0) {
      auto w = work.leftCols(r.size());
      w = (E.middleCols((t + 1) * B + r.lo, r.size()).array() * Bt.middleCols((t + 1) * B + r.lo, r.size()).array())
              .matrix();
      bt.middleCols(r.lo, r.size()).noalias() = etrans * w;
    }
    // d_t = sum_i beta_t(i);  beta-tilde_t = beta_t / d_t;  u_t = sum_j alpha-hat_t(j) beta-tilde_t(j)
    for (Index b = 0; b < B; ++b) {
      const Index c = lat.col(t, b);
      lat.bscale[c] = lat.overlap[c] = 0;
      if (t >= lat.len(b) || !lat.ok[b]) {
        bt.col(b).setZero();
        continue;
      }
      if (t == lat.len(b) - 1) bt.col(b) = x.end_v();
      const real d = bt.col(b).sum();
      if (!(d >= kCrfScaleMin)) {
        lat.ok[b] = 0;
        bt.col(b).setZero();
        continue;
      }
      bt.col(b) /= d;
      const real u = A.col(c).dot(bt.col(b));
      if (!(u >= kCrfScaleMin)) {
        lat.ok[b] = 0;
        bt.col(b).setZero();
        continue;
      }
      lat.bscale[c] = d;
      lat.overlap[c] = u;
    }
  }
}

CrfScaledLattice crf_scaled_sentence(const CrfCols& emit, const CrfScores& s, CrfWorkspace& ws, bool with_backward,
                                     CrfExpScores* x_out) {
  const Index L = s.L, T = emit.cols();
  const CrfExpScores x = crf_make_exp_scores(s, CrfWorkspace::grow(ws.exp_scores, crf_exp_scores_size(L)));
  if (x_out != nullptr) *x_out = x;
  ws.length = static_cast<int>(T);
  CrfScaledLattice lat = crf_scaled_bind(L, T, 1, &ws.length, CrfWorkspace::grow(ws.scaled, crf_scaled_size(L, T, 1)));
  crf_forward_scaled(emit, x, lat);
  if (with_backward && lat.ok[0]) crf_backward_scaled(x, lat);
  return lat;
}

double crf_log_z(const CrfCols& emit, const CrfScores& s, CrfWorkspace& ws) {
  const CrfScaledLattice lat = crf_scaled_sentence(emit, s, ws, false);
  if (lat.ok[0]) return lat.log_z[0];
  const auto n = static_cast<std::size_t>(emit.rows() * emit.cols());
  return crf_forward_log(
      emit, s,
      CrfColsMut(CrfWorkspace::grow(ws.alpha, n), emit.rows(), emit.cols(), Eigen::OuterStride<>(emit.rows())));
}

}  // namespace medner
