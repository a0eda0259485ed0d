#include "ops/lstm_recurrence.h"

#include "core/error.h"

#include <algorithm>

namespace medner {

NodeId lstm_recurrence(Tape& tape, NodeId xproj, NodeId W_h, Index batch, const int* lengths_in) {
  Shape sx = tape.shape(xproj), sw = tape.shape(W_h);
  const Index H = sw.cols, B = batch;
  check_shape(sw.rows == 4 * H && sx.rows == 4 * H && B > 0 && sx.cols % B == 0, "lstm_recurrence",
              tape, {xproj, W_h}, "expected xproj: 4H x (T*B), W_h: 4H x H");
  const Index T = sx.cols / B;
  NodeId y = tape.add_node("lstm_recurrence", H, T * B, {xproj, W_h});
  int* lengths = tape.scratch<int>(static_cast<std::size_t>(B));
  for (Index b = 0; b < B; ++b) {
    MEDNER_CHECK(lengths_in[b] >= 0 && lengths_in[b] <= T, "length {} outside [0, {}]", lengths_in[b], T);
    lengths[b] = lengths_in[b];
  }
  // Saved for backward: activated gates (4H x TB), cell states and their tanh (H x TB each).
  real* gates = tape.scratch<real>(static_cast<std::size_t>(4 * H * T * B));
  real* cells = tape.scratch<real>(static_cast<std::size_t>(2 * H * T * B));
  {  // forward; a block so the backward closure can reuse the short names
    MatrixMap A(gates, 4 * H, T * B), C(cells, H, T * B), TC(cells + H * T * B, H, T * B);
    auto X = tape.value(xproj), Wh = tape.value(W_h), Hs = tape.value(y);
    for (Index t = 0; t < T; ++t) {
      auto a = A.middleCols(t * B, B);
      if (t == 0) {
        a = X.middleCols(0, B);
      } else {
        a.noalias() = Wh * Hs.middleCols((t - 1) * B, B);
        a += X.middleCols(t * B, B);
      }
      a.topRows(3 * H) = a.topRows(3 * H).array().logistic().matrix();
      a.bottomRows(H) = a.bottomRows(H).array().tanh().matrix();
      auto c = C.middleCols(t * B, B);
      if (t == 0)
        c = a.topRows(H).cwiseProduct(a.bottomRows(H));
      else
        c = a.middleRows(H, H).cwiseProduct(C.middleCols((t - 1) * B, B)) +
            a.topRows(H).cwiseProduct(a.bottomRows(H));
      auto tc = TC.middleCols(t * B, B);
      tc = c.array().tanh().matrix();
      Hs.middleCols(t * B, B) = a.middleRows(2 * H, H).cwiseProduct(tc);
      for (Index b = 0; b < B; ++b) {
        if (t < lengths[b]) continue;  // hold the state past the end of sequence b
        if (t == 0) {
          C.col(b).setZero();
          Hs.col(b).setZero();
        } else {
          C.col(t * B + b) = C.col((t - 1) * B + b);
          Hs.col(t * B + b) = Hs.col((t - 1) * B + b);
        }
      }
    }
  }
  if (!tape.needs_grad(y)) return y;
  // BPTT. With dh = dL/dh_t (from outputs and from step t+1) and dc = dL/dc_t (from step t+1):
  //   dc += dh * o * (1 - tanh(c_t)^2);  do = dh * tanh(c_t)
  //   di = dc * g, df = dc * c_{t-1}, dg = dc * i;  dc_{t-1} = dc * f
  //   pre-activations: da_{i,f,o} = d{i,f,o} * s (1 - s), da_g = dg (1 - g^2)
  //   dh_{t-1} = W_h^T da_t;  dxproj_t = da_t;  dW_h = sum_t da_t h_{t-1}^T (one GEMM at the end)
  // A held (masked) step is the identity: dh and dc pass through and da = 0.
  tape.set_backward(y, [y, xproj, W_h, gates, cells, lengths, H, T, B](Tape& t) {
    MatrixMap A(gates, 4 * H, T * B), C(cells, H, T * B), TC(cells + H * T * B, H, T * B);
    auto Hs = t.value(y), dHs = t.grad(y), Wh = t.value(W_h);
    real* dgates = t.scratch<real>(static_cast<std::size_t>(4 * H * T * B));
    real* carry = t.scratch<real>(static_cast<std::size_t>(4 * H * B));
    MatrixMap dA(dgates, 4 * H, T * B), dh(carry, H, B), dc(carry + H * B, H, B);
    MatrixMap hold_h(carry + 2 * H * B, H, B), hold_c(carry + 3 * H * B, H, B);
    dh.setZero();
    dc.setZero();
    for (Index s = T - 1; s >= 0; --s) {
      auto a = A.middleCols(s * B, B);
      auto da = dA.middleCols(s * B, B);
      dh += dHs.middleCols(s * B, B);
      hold_h = dh;  // before the cell update: the held columns need the raw dh and dc
      hold_c = dc;
      auto i = a.topRows(H).array(), f = a.middleRows(H, H).array();
      auto o = a.middleRows(2 * H, H).array(), g = a.bottomRows(H).array();
      auto tc = TC.middleCols(s * B, B).array();
      dc.array() += dh.array() * o * (1 - tc.square());
      da.middleRows(2 * H, H) = (dh.array() * tc * o * (1 - o)).matrix();
      da.topRows(H) = (dc.array() * g * i * (1 - i)).matrix();
      da.bottomRows(H) = (dc.array() * i * (1 - g.square())).matrix();
      if (s > 0)
        da.middleRows(H, H) = (dc.array() * C.middleCols((s - 1) * B, B).array() * f * (1 - f)).matrix();
      else
        da.middleRows(H, H).setZero();
      // Carry to step s-1. Columns past their end pass dh, dc through unchanged (and their gates
      // get no gradient); the others go through the cell.
      for (Index b = 0; b < B; ++b)
        if (s >= lengths[b]) da.col(b).setZero();
      dc.array() *= f;
      if (s > 0) dh.noalias() = Wh.transpose() * da;
      for (Index b = 0; b < B; ++b) {
        if (s < lengths[b]) continue;
        dh.col(b) = hold_h.col(b);
        dc.col(b) = hold_c.col(b);
      }
    }
    if (t.needs_grad(xproj)) t.grad(xproj) += dA;
    if (t.needs_grad(W_h) && T > 1)
      t.grad(W_h).noalias() += dA.rightCols((T - 1) * B) * Hs.leftCols((T - 1) * B).transpose();
  });
  return y;
}

}  // namespace medner
