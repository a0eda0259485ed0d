// The fused LSTM recurrence: finite differences, and the same function built from primitive ops
// (values and gradients must agree).
#include "common/gradcheck.h"
#include "core/error.h"
#include "ops/concat_slice.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/lookup.h"
#include "ops/lstm_cell.h"
#include "ops/lstm_recurrence.h"

#include <doctest/doctest.h>

#include <cmath>

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

namespace {

// Runs `build` on a padded batch and on each sequence alone (B = 1) and compares the outputs
// and the gradients of xproj (4H x TB) and W_h, for a seed that is zero on padding.
void check_batch_equals_singles(const int* lengths, Index B, Index T, Index H) {
  Matrix xp = random_matrix(4 * H, T * B, 31), wh = random_matrix(4 * H, H, 32);
  Matrix seed = random_matrix(H, T * B, 33);
  for (Index s = 0; s < T; ++s)
    for (Index b = 0; b < B; ++b)
      if (s >= lengths[b]) seed.col(s * B + b).setZero();
  Tape tb;
  NodeId xb = tb.variable(xp), wb = tb.variable(wh);
  NodeId yb = lstm_recurrence(tb, xb, wb, B, lengths);
  tb.backward(yb, seed);
  Matrix dw_sum = Matrix::Zero(4 * H, H);
  for (Index b = 0; b < B; ++b) {
    const Index len = lengths[b];
    if (len == 0) {  // an empty sequence holds h = 0 everywhere and gets no gradient
      for (Index s = 0; s < T; ++s) {
        CHECK(tb.value(yb).col(s * B + b).isZero());
        CHECK(tb.grad(xb).col(s * B + b).isZero());
      }
      continue;
    }
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
      CHECK(tb.value(yb).col(s * B + b).isApprox(t1.value(y1).col(s), real(1e-5)));
      CHECK(tb.grad(xb).col(s * B + b).isApprox(t1.grad(xs).col(s), real(1e-4)));
    }
    for (Index s = len; s < T; ++s) {  // held to the end, no gradient on padding
      CHECK(tb.value(yb).col(s * B + b) == t1.value(y1).col(len - 1));
      CHECK(tb.grad(xb).col(s * B + b).isZero());
    }
  }
  CHECK(tb.grad(wb).isApprox(dw_sum, real(1e-4)));
}

}  // namespace

TEST_CASE("lstm_recurrence: any length order (ascending, descending, unsorted, empty) equals single runs") {
  const int ascending[4] = {1, 2, 2, 4}, descending[4] = {4, 3, 1, 1}, mixed[5] = {2, 0, 4, 1, 4};
  check_batch_equals_singles(ascending, 4, 4, 3);
  check_batch_equals_singles(descending, 4, 4, 3);
  check_batch_equals_singles(mixed, 5, 4, 3);
}

TEST_CASE("lstm_recurrence: an inference tape computes exactly the values of a training tape") {
  const Index H = 4, T = 5, B = 4;
  const int lengths[4] = {5, 0, 3, 5};
  Matrix xp = random_matrix(4 * H, T * B, 41), wh = random_matrix(4 * H, H, 42);
  Tape train, infer;
  NodeId yt = lstm_recurrence(train, train.variable(xp), train.variable(wh), B, lengths);
  NodeId yi = lstm_recurrence(infer, infer.constant(xp), infer.constant(wh), B, lengths);
  REQUIRE(train.needs_grad(yt));
  REQUIRE_FALSE(infer.needs_grad(yi));
  CHECK(train.value(yt) == infer.value(yi));
}

TEST_CASE("lstm_layer: equals affine then lstm_recurrence, values and every gradient; full Jacobian") {
  const Index D = 3, H = 2, T = 4, B = 3;
  const int lengths[3] = {4, 1, 3};
  Matrix x = random_matrix(D, T * B, 51), wx = random_matrix(4 * H, D, 52), b = random_matrix(4 * H, 1, 53);
  Matrix wh = random_matrix(4 * H, H, 54), seed = random_matrix(H, T * B, 55);
  Tape t1, t2;
  NodeId x1 = t1.variable(x), wx1 = t1.variable(wx), b1 = t1.variable(b), wh1 = t1.variable(wh);
  NodeId x2 = t2.variable(x), wx2 = t2.variable(wx), b2 = t2.variable(b), wh2 = t2.variable(wh);
  NodeId y1 = lstm_layer(t1, x1, wx1, b1, wh1, B, lengths);
  NodeId y2 = lstm_recurrence(t2, affine(t2, wx2, x2, b2), wh2, B, lengths);
  CHECK(t1.value(y1).isApprox(t2.value(y2), real(1e-6)));
  t1.backward(y1, seed);
  t2.backward(y2, seed);
  CHECK(t1.grad(x1).isApprox(t2.grad(x2), real(1e-5)));
  CHECK(t1.grad(wx1).isApprox(t2.grad(wx2), real(1e-5)));
  CHECK(t1.grad(b1).isApprox(t2.grad(b2), real(1e-5)));
  CHECK(t1.grad(wh1).isApprox(t2.grad(wh2), real(1e-5)));
  Tape infer;  // inference: the same values
  CHECK(infer.value(lstm_layer(infer, infer.constant(x), infer.constant(wx), infer.constant(b), infer.constant(wh), B,
                               lengths)) == t1.value(y1));
  auto r = grad_check({x, wx, b, random_matrix(4 * H, H, 56, -0.5, 0.5)}, [&](Tape& t, const std::vector<NodeId>& in) {
    return lstm_layer(t, in[0], in[1], in[2], in[3], B, lengths);
  });
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("lstm_recurrence_gather: equals gather_columns then lstm_recurrence; full Jacobian") {
  const Index H = 2, V = 5, T = 3, B = 3;
  const int lengths[3] = {3, 2, 1};
  // ids past a sequence's end are never read; -7 would fail if they were
  const int ids[9] = {4, 0, 2, 1, 1, -7, 4, -7, -7};
  const int gather_ids[9] = {4, 0, 2, 1, 1, 0, 4, 0, 0};
  Matrix table = random_matrix(4 * H, V, 61), wh = random_matrix(4 * H, H, 62), seed = random_matrix(H, T * B, 63);
  Tape t1, t2;
  NodeId p1 = t1.variable(table), w1 = t1.variable(wh), p2 = t2.variable(table), w2 = t2.variable(wh);
  NodeId y1 = lstm_recurrence_gather(t1, p1, w1, T, B, lengths, ids);
  NodeId y2 = lstm_recurrence(t2, gather_columns(t2, p2, gather_ids, T * B), w2, B, lengths);
  CHECK(t1.value(y1) == t2.value(y2));
  t1.backward(y1, seed);
  t2.backward(y2, seed);
  CHECK(t1.grad(p1).isApprox(t2.grad(p2), real(1e-5)));
  CHECK(t1.grad(w1).isApprox(t2.grad(w2), real(1e-5)));
  auto r = grad_check({table, random_matrix(4 * H, H, 64, -0.5, 0.5)}, [&](Tape& t, const std::vector<NodeId>& in) {
    return lstm_recurrence_gather(t, in[0], in[1], T, B, lengths, ids);
  });
  INFO(r.worst);
  CHECK(r.ok);
  // Unsorted lengths: the ended sequence inside the computed range is not read either.
  const int unsorted[3] = {3, 1, 2};
  const int ids_u[9] = {4, 0, 2, 1, -7, 3, 4, -7, -7};
  const int gather_u[9] = {4, 0, 2, 1, 0, 3, 4, 0, 0};
  Tape t3, t4;
  CHECK(t3.value(lstm_recurrence_gather(t3, t3.constant(table), t3.constant(wh), T, B, unsorted, ids_u)) ==
        t4.value(lstm_recurrence(t4, gather_columns(t4, t4.constant(table), gather_u, T * B), t4.constant(wh), B, unsorted)));
}

TEST_CASE("lstm_recurrence_gather: a sequence run in pieces with a carried state equals one run") {
  const Index H = 3, V = 4, B = 2;
  // Two sequences of 7 ids, time-major; pieces of 3, 3 and 1 steps.
  const int ids[14] = {0, 3, 1, 2, 2, 2, 3, 0, 1, 1, 0, 3, 2, 1};
  const int l7[2] = {7, 7}, l3[2] = {3, 3}, l1[2] = {1, 1};
  const Matrix table = random_matrix(4 * H, V, 71), wh = random_matrix(4 * H, H, 72);
  Tape whole;
  const Matrix all = whole.value(lstm_recurrence_gather(whole, whole.constant(table), whole.constant(wh), 7, B, l7, ids));
  LstmCarry carry;
  Matrix pieces(H, 7 * B);
  const Index starts[3] = {0, 3, 6}, steps[3] = {3, 3, 1};
  for (int k = 0; k < 3; ++k) {
    Tape t;  // a training tape for the middle piece: its values must not differ
    const NodeId tb = k == 1 ? t.variable(table) : t.constant(table);
    const NodeId y = lstm_recurrence_gather(t, tb, t.constant(wh), steps[k], B, k == 2 ? l1 : l3,
                                            ids + starts[k] * B, &carry);
    pieces.middleCols(starts[k] * B, steps[k] * B) = t.value(y);
    CHECK(carry.h == t.value(y).rightCols(B));
  }
  CHECK(pieces.isApprox(all, real(1e-6)));
  // A carry needs every sequence to run the whole piece.
  const int short_lengths[2] = {3, 2};
  Tape bad;
  CHECK_THROWS_AS(lstm_recurrence_gather(bad, bad.constant(table), bad.constant(wh), 3, B, short_lengths, ids, &carry),
                  InternalError);
}

TEST_CASE("lstm_recurrence_gather: full Jacobian from a carried state (the carry gets no gradient)") {
  const Index H = 2, V = 3, T = 3, B = 2;
  const int lengths[2] = {3, 3};
  const int ids[6] = {2, 0, 1, 1, 0, 2};
  LstmCarry start;
  start.h = random_matrix(H, B, 81, -0.8, 0.8);
  start.c = random_matrix(H, B, 82, -1.5, 1.5);
  auto r = grad_check({random_matrix(4 * H, V, 83), random_matrix(4 * H, H, 84, -0.5, 0.5)},
                      [&](Tape& t, const std::vector<NodeId>& in) {
                        LstmCarry c = start;  // the op overwrites it: each evaluation starts afresh
                        return lstm_recurrence_gather(t, in[0], in[1], T, B, lengths, ids, &c);
                      });
  INFO(r.worst);
  CHECK(r.ok);
  // The carried state changes the result (so the check above covers it).
  Tape a, b;
  const Matrix table = random_matrix(4 * H, V, 83), wh = random_matrix(4 * H, H, 84, -0.5, 0.5);
  LstmCarry c = start;
  CHECK_FALSE(a.value(lstm_recurrence_gather(a, a.constant(table), a.constant(wh), T, B, lengths, ids, &c))
                  .isApprox(b.value(lstm_recurrence_gather(b, b.constant(table), b.constant(wh), T, B, lengths, ids)),
                            real(1e-3)));
}

TEST_CASE("lstm cell: float tanh and sigmoid approximations are within 3e-7 (FMA) or 5e-7 of the exact functions") {
  // With fused multiply-adds (-march=native on an FMA machine: the Release build) each Horner step
  // rounds once; without (the sanitizer build, any portable build) twice: 3.95e-7 measured.
#if defined(__FMA__)
  const double bound = 3e-7;
#else
  const double bound = 5e-7;
#endif
  double worst_tanh = 0, worst_sigmoid = 0;
  for (int k = -400000; k <= 400000; ++k) {
    const double x = k * 5e-5;  // [-20, 20]
    const real xr = static_cast<real>(x);
    const double exact_tanh = std::tanh(static_cast<double>(xr));
    const double exact_sigmoid = 1 / (1 + std::exp(-static_cast<double>(xr)));
    worst_tanh = std::max(worst_tanh, std::abs(static_cast<double>(lstm_tanh(xr)) - exact_tanh));
    worst_sigmoid = std::max(worst_sigmoid, std::abs(static_cast<double>(lstm_sigmoid(xr)) - exact_sigmoid));
  }
  CHECK(worst_tanh < bound);
  CHECK(worst_sigmoid < bound);
  // No cancellation near 0: relative error tiny (exact equality holds in float only, where
  // tanh(1e-5) rounds to 1e-5).
  CHECK(std::abs(static_cast<double>(lstm_tanh(real(1e-5))) - 1e-5) <= 1e-5 * 1e-6);
  CHECK(lstm_sigmoid(real(-100)) >= 0);
  CHECK(lstm_sigmoid(real(100)) <= 1);
}
