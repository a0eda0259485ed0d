// The fused LSTM recurrence: finite differences, and the same function built from primitive ops
// (values and gradients must agree).
#include "common/gradcheck.h"
#include "ops/concat_slice.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/lookup.h"
#include "ops/lstm_recurrence.h"

#include <doctest/doctest.h>

using namespace medner;
using medner::test::grad_check;
using medner::test::random_matrix;

namespace {

// One sequence (B = 1) of length T through the LSTM built from primitive ops, gate order i f o g.
NodeId lstm_from_primitives(Tape& t, NodeId xproj, NodeId Wh, Index H, Index T) {
  NodeId h = -1, c = -1;
  std::vector<NodeId> outs;
  for (Index s = 0; s < T; ++s) {
    NodeId a = slice_cols(t, xproj, s, 1);
    if (h >= 0) a = add(t, a, matmul(t, Wh, h));
    NodeId i = sigmoid(t, slice_rows(t, a, 0, H));
    NodeId f = sigmoid(t, slice_rows(t, a, H, H));
    NodeId o = sigmoid(t, slice_rows(t, a, 2 * H, H));
    NodeId g = medner::tanh(t, slice_rows(t, a, 3 * H, H));
    NodeId ig = multiply(t, i, g);
    c = c >= 0 ? add(t, multiply(t, f, c), ig) : ig;
    h = multiply(t, o, medner::tanh(t, c));
    outs.push_back(h);
  }
  // Reduce the T outputs to one H x 1 column with fixed random weights, so the comparison
  // covers every output step.
  NodeId total = -1;
  for (Index s = 0; s < T; ++s) {
    Matrix w = random_matrix(H, 1, static_cast<uint64_t>(100 + s));
    NodeId term = multiply(t, outs[static_cast<std::size_t>(s)], t.constant(w));
    total = total >= 0 ? add(t, total, term) : term;
  }
  return total;
}

NodeId weighted_fused(Tape& t, NodeId xproj, NodeId Wh, Index H, Index T) {
  const int len[1] = {static_cast<int>(T)};
  NodeId hs = lstm_recurrence(t, xproj, Wh, 1, len);
  NodeId total = -1;
  for (Index s = 0; s < T; ++s) {
    Matrix w = random_matrix(H, 1, static_cast<uint64_t>(100 + s));
    NodeId term = multiply(t, slice_cols(t, hs, s, 1), t.constant(w));
    total = total >= 0 ? add(t, total, term) : term;
  }
  return total;
}

}  // namespace

TEST_CASE("lstm_recurrence: full Jacobian, padded batch with unequal lengths") {
  const Index H = 3, T = 4, B = 3;
  const int lengths[3] = {4, 2, 1};
  auto r = grad_check({random_matrix(4 * H, T * B, 1), random_matrix(4 * H, H, 2, -0.5, 0.5)},
                      [&](Tape& t, const std::vector<NodeId>& x) {
                        return lstm_recurrence(t, x[0], x[1], B, lengths);
                      });
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("lstm_recurrence: fused op equals the cell built from primitive ops") {
  const Index H = 3, T = 4;
  Matrix xp = random_matrix(4 * H, T, 11), wh = random_matrix(4 * H, H, 12, -0.5, 0.5);
  Tape t1, t2;
  NodeId x1 = t1.variable(xp), w1 = t1.variable(wh);
  NodeId x2 = t2.variable(xp), w2 = t2.variable(wh);
  NodeId y1 = weighted_fused(t1, x1, w1, H, T);
  NodeId y2 = lstm_from_primitives(t2, x2, w2, H, T);
  CHECK(t1.value(y1).isApprox(t2.value(y2), real(1e-5)));
  t1.backward(y1, Matrix::Ones(H, 1));
  t2.backward(y2, Matrix::Ones(H, 1));
  CHECK(t1.grad(x1).isApprox(t2.grad(x2), real(1e-4)));
  CHECK(t1.grad(w1).isApprox(t2.grad(w2), real(1e-4)));
}

TEST_CASE("lstm_recurrence: a padded batch equals its sequences run one at a time") {
  const Index H = 2, T = 3, B = 2;
  const int lengths[2] = {3, 2};
  Matrix xp = random_matrix(4 * H, T * B, 21), wh = random_matrix(4 * H, H, 22);
  Matrix seed = random_matrix(H, T * B, 23);
  for (Index s = 0; s < T; ++s)  // padding positions get no upstream gradient
    for (Index b = 0; b < B; ++b)
      if (s >= lengths[b]) seed.col(s * B + b).setZero();
  Tape tb;
  NodeId xb = tb.variable(xp), wb = tb.variable(wh);
  NodeId yb = lstm_recurrence(tb, xb, wb, B, lengths);
  tb.backward(yb, seed);
  Matrix dw_sum = Matrix::Zero(4 * H, H);
  for (Index b = 0; b < B; ++b) {
    Index len = lengths[b];
    Matrix x1(4 * H, len), s1(H, len);
    for (Index s = 0; s < len; ++s) {
      x1.col(s) = xp.col(s * B + b);
      s1.col(s) = seed.col(s * B + b);
    }
    Tape t1;
    NodeId xs = t1.variable(x1), ws = t1.variable(wh);
    const int l1[1] = {static_cast<int>(len)};
    NodeId y1 = lstm_recurrence(t1, xs, ws, 1, l1);
    t1.backward(y1, s1);
    dw_sum += t1.grad(ws);
    for (Index s = 0; s < len; ++s) {
      CHECK(tb.value(yb).col(s * B + b).isApprox(t1.value(y1).col(s)));
      CHECK(tb.grad(xb).col(s * B + b).isApprox(t1.grad(xs).col(s), real(1e-5)));
    }
    // The final state is held to the last step.
    CHECK(tb.value(yb).col((T - 1) * B + b).isApprox(t1.value(y1).col(len - 1)));
  }
  CHECK(tb.grad(wb).isApprox(dw_sum, real(1e-5)));
}
