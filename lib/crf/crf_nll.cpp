// The CRF negative log-likelihood as one tape op. Forward runs the alpha recursion for every
// sentence of the batch and keeps alpha in tape scratch; backward runs beta and turns
// alpha + beta into marginals, so the gradient is "expected minus observed counts" without any
// per-op heap allocation (all scratch comes from the tape arena).
#include "core/error.h"
#include "crf/crf.h"

#include <string>

namespace medner {

namespace {

// Everything backward needs, stored in the tape arena; the closure keeps one pointer to it.
struct NllContext {
  NodeId emissions, trans, start, end;
  Index L, T, B;
  const int* lengths;  // B, copied from the caller
  const int* gold;     // T*B, time-major, -1 on padding
  CrfScores scores;    // with constraints applied, in the arena
  const real* alpha;   // L x (T*B), the layout of the emissions
  const real* log_z;   // B
  real* beta;          // L x T, reused sentence by sentence
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

void nll_backward(Tape& tape, const NllContext& c, NodeId out) {
  const real g = tape.grad(out)(0, 0);
  const Index L = c.L, B = c.B;
  const Eigen::OuterStride<> batch_stride(L * B);
  real* demit = tape.needs_grad(c.emissions) ? tape.grad(c.emissions).data() : nullptr;
  real* dtrans = tape.needs_grad(c.trans) ? tape.grad(c.trans).data() : nullptr;
  real* dstart = tape.needs_grad(c.start) ? tape.grad(c.start).data() : nullptr;
  real* dend = tape.needs_grad(c.end) ? tape.grad(c.end).data() : nullptr;
  const real* emis = tape.value(c.emissions).data();
  const auto trans = c.scores.trans_m();

  for (Index b = 0; b < B; ++b) {
    const Index len = c.lengths[b];
    if (len == 0) continue;
    const CrfCols e(emis + b * L, L, len, batch_stride);
    const CrfCols alpha(c.alpha + b * L, L, len, batch_stride);
    CrfColsMut beta(c.beta, L, len, Eigen::OuterStride<>(L));
    crf_backward(e, c.scores, beta);
    const real lz = c.log_z[b];
    const int* y = c.gold + b;  // y_t = y[t * B]

    // d/d emit(j, t) = P(y_t = j) - [y_t = j],  P(y_t = j) = exp(alpha_t(j) + beta_t(j) - log Z)
    if (demit != nullptr) {
      CrfColsMut de(demit + b * L, L, len, batch_stride);
      for (Index t = 0; t < len; ++t) {
        de.col(t).array() += g * (alpha.col(t).array() + beta.col(t).array() - lz).exp();
        de(y[t * B], t) -= g;
      }
    }
    // d/d start(j) = P(y_0 = j) - [y_0 = j];  d/d end(j) = P(y_{T-1} = j) - [y_{T-1} = j]
    if (dstart != nullptr) {
      Eigen::Map<Vector>(dstart, L).array() += g * (alpha.col(0).array() + beta.col(0).array() - lz).exp();
      dstart[y[0]] -= g;
    }
    if (dend != nullptr) {
      const Index t = len - 1;
      Eigen::Map<Vector>(dend, L).array() += g * (alpha.col(t).array() + beta.col(t).array() - lz).exp();
      dend[y[t * B]] -= g;
    }
    // d/d trans(i, j) = sum_t P(y_t = i, y_{t+1} = j) - #{t : y_t = i, y_{t+1} = j},
    // P(y_t = i, y_{t+1} = j) = exp(alpha_t(i) + trans(i, j) + emit(j, t+1) + beta_{t+1}(j) - log Z)
    if (dtrans != nullptr) {
      Eigen::Map<Matrix> dt(dtrans, L, L);
      for (Index t = 0; t + 1 < len; ++t) {
        for (Index j = 0; j < L; ++j) {
          const real w = e(j, t + 1) + beta(j, t + 1) - lz;
          dt.col(j).array() += g * (alpha.col(t).array() + trans.col(j).array() + w).exp();
        }
        dt(y[t * B], y[(t + 1) * B]) -= g;
      }
    }
  }
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
  real* alpha = tape.scratch<real>(static_cast<std::size_t>(L * T * B));
  real* log_z = tape.scratch<real>(static_cast<std::size_t>(B));
  const real* emis = tape.value(emissions).data();
  const Eigen::OuterStride<> batch_stride(L * B);

  // loss = sum_b log Z_b - score_b(gold_b)
  double loss = 0;
  for (Index b = 0; b < B; ++b) {
    const Index len = len_copy[b];
    log_z[b] = 0;
    if (len == 0) continue;
    const CrfCols e(emis + b * L, L, len, batch_stride);
    log_z[b] = crf_forward(e, s, CrfColsMut(alpha + b * L, L, len, batch_stride));
    loss += static_cast<double>(log_z[b] - crf_path_score(e, s, gold_copy + b, B));
  }

  const NodeId out = tape.add_node("crf_nll", 1, 1, {emissions, trans, start, end});
  tape.value(out)(0, 0) = static_cast<real>(loss);
  if (!tape.needs_grad(out)) return out;

  auto* ctx = tape.scratch<NllContext>(1);
  *ctx = NllContext{emissions, trans, start,         end,   L, T, B, len_copy, gold_copy, s, alpha,
                    log_z,     tape.scratch<real>(static_cast<std::size_t>(L * T))};
  tape.set_backward(out, [ctx, out](Tape& t) { nll_backward(t, *ctx, out); });
  return out;
}

}  // namespace medner
