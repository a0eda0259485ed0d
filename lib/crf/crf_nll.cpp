// The CRF negative log-likelihood as one tape op. Forward runs the scaled alpha recursion over the
// whole batch (crf_scaled.h) and keeps it in tape scratch; backward runs the scaled beta recursion
// and turns alpha-hat and beta-tilde into marginals, so the gradient is "expected minus observed
// counts". A sentence whose scaled numbers underflow (only with extreme scores) is redone in log
// space. No per-op heap allocation: all scratch comes from the tape arena.
#include "core/error.h"
#include "crf/crf.h"
#include "crf/crf_scaled.h"

#include <string>

namespace medner {

namespace {

// Everything backward needs, stored in the tape arena; the closure keeps one pointer to it.
struct NllContext {
  NodeId emissions, trans, start, end;
  Index L, T, B;
  const int* lengths;    // B, copied from the caller
  const int* gold;       // T*B, time-major, -1 on padding
  CrfScores scores;      // with constraints applied, in the arena
  CrfExpScores escores;  // their exp, shifted
  CrfScaledLattice lat;  // eemit and alpha-hat from forward; beta-tilde from backward
  real* log_space;       // 2 x L x T: log alpha, log beta of a sentence redone in log space
  real* gram;            // L x L: sum_t alpha-hat_t w_{t+1}^T
};

struct NllGrads {
  real g;  // the upstream gradient
  real *demit, *dtrans, *dstart, *dend;  // null where no gradient is needed
};

// Throws InternalError if the constraints forbid the gold path of sentence b (y_t = y[t * B]).
void check_gold_allowed(const CrfConstraints& c, const int* y, Index len, Index B, Index b) {
  MEDNER_CHECK(c.allowed_start(y[0]), "crf_nll: sentence {} starts with {}, which the constraints forbid",
               b, c.describe(y[0]));
  for (Index t = 1; t < len; ++t) {
    const int prev = y[(t - 1) * B], cur = y[t * B];
    MEDNER_CHECK(c.allowed_trans(prev, cur),
                 "crf_nll: sentence {} has {} -> {} at token {}, which the constraints forbid", b,
                 c.describe(prev), c.describe(cur), t);
  }
  MEDNER_CHECK(c.allowed_end(y[(len - 1) * B]),
               "crf_nll: sentence {} ends with {}, which the constraints forbid", b,
               c.describe(y[(len - 1) * B]));
}

// Observed counts: d/d emit(y_t, t) -= g, d/d trans(y_t, y_{t+1}) -= g, start(y_0), end(y_{n-1}).
void subtract_gold(const NllContext& c, const NllGrads& d) {
  const Index L = c.L, B = c.B;
  for (Index b = 0; b < B; ++b) {
    const Index len = c.lengths[b];
    if (len == 0) continue;
    const int* y = c.gold + b;  // y_t = y[t * B]
    for (Index t = 0; t < len; ++t) {
      if (d.demit != nullptr) d.demit[(t * B + b) * L + y[t * B]] -= d.g;
      if (d.dtrans != nullptr && t + 1 < len) d.dtrans[y[(t + 1) * B] * L + y[t * B]] -= d.g;
    }
    if (d.dstart != nullptr) d.dstart[y[0]] -= d.g;
    if (d.dend != nullptr) d.dend[y[(len - 1) * B]] -= d.g;
  }
}

// Expected counts of every sentence whose scaled numbers held (lat.ok), for the whole batch.
//   P(y_t = j) = alpha-hat_t(j) beta-tilde_t(j) / u_t
//   P(y_t = i, y_{t+1} = j) = alpha-hat_t(i) etrans(i, j) w_{t+1}(j),
//       w_{t+1}(j) = E(j, t+1) beta-tilde_{t+1}(j) / (d_t u_t)
// so sum_t P(y_t = i, y_{t+1} = j) = etrans(i, j) (sum_t alpha-hat_t w_{t+1}^T)(i, j): in the
// time-major layout w_{t+1} of sentence b is B columns after alpha-hat_t, and the sum over all t
// and b is one L x (T-1)B by (T-1)B x L product. Padded columns hold 0 in both, so they add 0.
void add_expected_scaled(const NllContext& c, const NllGrads& d, real* gram) {
  const Index L = c.L, T = c.T, B = c.B;
  const CrfScaledLattice& lat = c.lat;
  Eigen::Map<const Matrix> A(lat.alpha, L, T * B), E(lat.eemit, L, T * B);
  Eigen::Map<Matrix> W(lat.beta, L, T * B);  // beta-tilde_t, overwritten by w_t once used
  for (Index b = 0; b < B; ++b) {
    const Index len = c.lengths[b];
    for (Index t = 0; t < len; ++t) {
      const Index k = lat.col(t, b);
      if (!lat.ok[b]) {
        W.col(k).setZero();
        continue;
      }
      const auto p = (A.col(k).array() * W.col(k).array()) * (d.g / lat.overlap[k]);  // g P(y_t = .)
      if (d.demit != nullptr) Eigen::Map<Vector>(d.demit + k * L, L).array() += p;
      if (d.dstart != nullptr && t == 0) Eigen::Map<Vector>(d.dstart, L).array() += p;
      if (d.dend != nullptr && t == len - 1) Eigen::Map<Vector>(d.dend, L).array() += p;
      if (t > 0) {
        const Index prev = lat.col(t - 1, b);
        W.col(k).array() *= E.col(k).array() / (lat.bscale[prev] * lat.overlap[prev]);
      }
    }
  }
  if (d.dtrans == nullptr || T < 2) return;
  Eigen::Map<Matrix> G(gram, L, L);
  G.noalias() = A.leftCols((T - 1) * B) * W.rightCols((T - 1) * B).transpose();
  Eigen::Map<Matrix>(d.dtrans, L, L).array() += d.g * c.escores.trans_m().array() * G.array();
}

// Expected counts of sentence b in log space (the fallback when its scaled numbers underflowed).
//   P(y_t = j) = exp(alpha_t(j) + beta_t(j) - log Z)
//   P(y_t = i, y_{t+1} = j) = exp(alpha_t(i) + trans(i, j) + emit(j, t+1) + beta_{t+1}(j) - log Z)
void add_expected_log(const NllContext& c, const NllGrads& d, const real* emis, Index b) {
  const Index L = c.L, B = c.B, len = c.lengths[b];
  const Eigen::OuterStride<> batch_stride(L * B);
  const CrfCols e(emis + b * L, L, len, batch_stride);
  CrfColsMut alpha(c.log_space, L, len, Eigen::OuterStride<>(L));
  CrfColsMut beta(c.log_space + L * c.T, L, len, Eigen::OuterStride<>(L));
  const real lz = crf_forward_log(e, c.scores, alpha);
  crf_backward_log(e, c.scores, beta);
  const auto trans = c.scores.trans_m();
  auto marginal = [&](Index t) { return d.g * (alpha.col(t).array() + beta.col(t).array() - lz).exp(); };
  if (d.demit != nullptr) {
    CrfColsMut de(d.demit + b * L, L, len, batch_stride);
    for (Index t = 0; t < len; ++t) de.col(t).array() += marginal(t);
  }
  if (d.dstart != nullptr) Eigen::Map<Vector>(d.dstart, L).array() += marginal(0);
  if (d.dend != nullptr) Eigen::Map<Vector>(d.dend, L).array() += marginal(len - 1);
  if (d.dtrans == nullptr) return;
  // Eigen's vectorised double exp clamps its argument (exp(-inf) gives 1e-308, not 0): the select
  // keeps a forbidden transition's gradient exactly 0, as in the scaled path.
  Eigen::Map<Matrix> dt(d.dtrans, L, L);
  for (Index t = 0; t + 1 < len; ++t)
    for (Index j = 0; j < L; ++j) {
      const real w = e(j, t + 1) + beta(j, t + 1) - lz;
      dt.col(j).array() += (trans.col(j).array() > kCrfNegInf)
                               .select(d.g * (alpha.col(t).array() + trans.col(j).array() + w).exp(), real(0));
    }
}

// Backward: d/d emit(j, t) = P(y_t = j) - [y_t = j]; d/d trans(i, j) = sum_t P(y_t = i, y_{t+1} = j)
// - #gold pairs (i, j); d/d start, d/d end likewise at the first / last token (times g).
void nll_backward(Tape& tape, NllContext& c, NodeId out) {
  NllGrads d{tape.grad(out)(0, 0), nullptr, nullptr, nullptr, nullptr};
  if (tape.needs_grad(c.emissions)) d.demit = tape.grad(c.emissions).data();
  if (tape.needs_grad(c.trans)) d.dtrans = tape.grad(c.trans).data();
  if (tape.needs_grad(c.start)) d.dstart = tape.grad(c.start).data();
  if (tape.needs_grad(c.end)) d.dend = tape.grad(c.end).data();
  crf_backward_scaled(c.escores, c.lat);
  add_expected_scaled(c, d, c.gram);
  const real* emis = tape.value(c.emissions).data();
  for (Index b = 0; b < c.B; ++b)
    if (c.lengths[b] > 0 && !c.lat.ok[b]) add_expected_log(c, d, emis, b);
  subtract_gold(c, d);
}

}  // namespace

NodeId crf_nll(Tape& tape, NodeId emissions, NodeId trans, NodeId start, NodeId end, Index batch,
               const int* lengths, const int* gold, const CrfConstraints* constraints) {
  const Shape es = tape.shape(emissions);
  const Index L = es.rows;
  const bool shapes_ok = L >= 1 && batch >= 1 && es.cols % batch == 0 && tape.shape(trans) == Shape{L, L} &&
                         tape.shape(start) == Shape{L, 1} && tape.shape(end) == Shape{L, 1};
  if (!shapes_ok) {  // formatted only on failure: a steady-state step must not allocate
    const std::string expect = fmt::format(
        "expected emissions L x (T*B) with B = batch = {}, trans L x L, start and end L x 1", batch);
    check_shape(false, "crf_nll", tape, {emissions, trans, start, end}, expect.c_str());
  }
  MEDNER_CHECK(lengths != nullptr && gold != nullptr, "crf_nll: lengths and gold are required");
  MEDNER_CHECK(constraints == nullptr || constraints->size() == L,
               "crf_nll: constraints for {} labels, emissions have {}", constraints->size(), L);
  const Index B = batch, T = es.cols / batch;

  // Copy lengths and gold into the arena: backward runs after the caller's arrays may be gone.
  int* len_copy = tape.scratch<int>(static_cast<std::size_t>(B));
  int* gold_copy = tape.scratch<int>(static_cast<std::size_t>(T * B));
  for (Index b = 0; b < B; ++b) {
    MEDNER_CHECK(lengths[b] >= 0 && lengths[b] <= T, "crf_nll: lengths[{}] = {}, the batch has T = {}",
                 b, lengths[b], T);
    len_copy[b] = lengths[b];
    for (Index t = 0; t < T; ++t) {
      const Index col = t * B + b;
      if (t < lengths[b]) {
        MEDNER_CHECK(gold[col] >= 0 && gold[col] < L, "crf_nll: gold[{}] = {} (sentence {}, token {}), L = {}",
                     col, gold[col], b, t, L);
        gold_copy[col] = gold[col];
      } else {
        gold_copy[col] = -1;
      }
    }
    if (constraints != nullptr && lengths[b] > 0)
      check_gold_allowed(*constraints, gold_copy + b, lengths[b], B, b);
  }

  real* score_buf = tape.scratch<real>(crf_scores_size(L));
  const CrfScores s = crf_make_scores(tape.value(trans), tape.value(start), tape.value(end), constraints,
                                      score_buf);
  const CrfExpScores xs = crf_make_exp_scores(s, tape.scratch<real>(crf_exp_scores_size(L)));
  CrfScaledLattice lat = crf_scaled_bind(L, T, B, len_copy, tape.scratch<real>(crf_scaled_size(L, T, B)));
  real* log_space = tape.scratch<real>(static_cast<std::size_t>(2 * L * T));
  const real* emis = tape.value(emissions).data();
  crf_forward_scaled(CrfCols(emis, L, T * B, Eigen::OuterStride<>(L)), xs, lat);

  // loss = sum_b log Z_b - score_b(gold_b); log Z in log space where the scaled numbers underflowed
  const Eigen::OuterStride<> batch_stride(L * B);
  double loss = 0;
  for (Index b = 0; b < B; ++b) {
    const Index len = len_copy[b];
    if (len == 0) continue;
    const CrfCols e(emis + b * L, L, len, batch_stride);
    if (!lat.ok[b]) lat.log_z[b] = crf_forward_log(e, s, CrfColsMut(log_space, L, len, Eigen::OuterStride<>(L)));
    loss += lat.log_z[b] - static_cast<double>(crf_path_score(e, s, gold_copy + b, B));
  }

  const NodeId out = tape.add_node("crf_nll", 1, 1, {emissions, trans, start, end});
  tape.value(out)(0, 0) = static_cast<real>(loss);
  if (!tape.needs_grad(out)) return out;

  auto* ctx = tape.scratch<NllContext>(1);
  *ctx = NllContext{emissions, trans,     start, end, L, T, B, len_copy, gold_copy, s, xs, lat, log_space,
                    tape.scratch<real>(static_cast<std::size_t>(L * L))};
  tape.set_backward(out, [ctx, out](Tape& t) { nll_backward(t, *ctx, out); });
  return out;
}

}  // namespace medner
