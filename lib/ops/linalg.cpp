#include "ops/linalg.h"

namespace medner {

NodeId matmul(Tape& tape, NodeId a, NodeId b, bool trans_a, bool trans_b) {
  Shape sa = tape.shape(a), sb = tape.shape(b);
  Index m = trans_a ? sa.cols : sa.rows, k = trans_a ? sa.rows : sa.cols;
  Index kb = trans_b ? sb.cols : sb.rows, n = trans_b ? sb.rows : sb.cols;
  check_shape(k == kb, "matmul", tape, {a, b}, "inner dimensions of op(a) and op(b) differ");
  NodeId y = tape.add_node("matmul", m, n, {a, b});
  auto Av = tape.value(a), Bv = tape.value(b);
  auto Y = tape.value(y);
  if (!trans_a && !trans_b) Y.noalias() = Av * Bv;
  if (trans_a && !trans_b) Y.noalias() = Av.transpose() * Bv;
  if (!trans_a && trans_b) Y.noalias() = Av * Bv.transpose();
  if (trans_a && trans_b) Y.noalias() = Av.transpose() * Bv.transpose();
  if (!tape.needs_grad(y)) return y;
  // Y = A B: dA = dY B^T, dB = A^T dY; the transposed cases follow by transposing these.
  tape.set_backward(y, [y, a, b, trans_a, trans_b](Tape& t) {
    auto A = t.value(a), B = t.value(b), dY = t.grad(y);
    if (t.needs_grad(a)) {
      auto dA = t.grad(a);
      if (!trans_a && !trans_b) dA.noalias() += dY * B.transpose();
      if (trans_a && !trans_b) dA.noalias() += B * dY.transpose();
      if (!trans_a && trans_b) dA.noalias() += dY * B;
      if (trans_a && trans_b) dA.noalias() += B.transpose() * dY.transpose();
    }
    if (t.needs_grad(b)) {
      auto dB = t.grad(b);
      if (!trans_a && !trans_b) dB.noalias() += A.transpose() * dY;
      if (trans_a && !trans_b) dB.noalias() += A * dY;
      if (!trans_a && trans_b) dB.noalias() += dY.transpose() * A;
      if (trans_a && trans_b) dB.noalias() += dY.transpose() * A.transpose();
    }
  });
  return y;
}

NodeId affine(Tape& tape, NodeId W, NodeId x, NodeId b) {
  Shape sw = tape.shape(W), sx = tape.shape(x), sb = tape.shape(b);
  check_shape(sw.cols == sx.rows && sb.rows == sw.rows && sb.cols == 1, "affine", tape, {W, x, b},
              "expected W: O x I, x: I x N, b: O x 1");
  NodeId y = tape.add_node("affine", sw.rows, sx.cols, {W, x, b});
  auto Y = tape.value(y);
  // Bias first, then the GEMM accumulates onto it: no zero fill of Y and no second pass.
  const auto bias = tape.value(b).col(0);
  for (Index j = 0; j < sx.cols; ++j) Y.col(j) = bias;  // (replicate() would index with modulo)
  Y.noalias() += tape.value(W) * tape.value(x);
  if (!tape.needs_grad(y)) return y;
  // dW = dY x^T, dx = W^T dY, db = sum over columns of dY.
  tape.set_backward(y, [y, W, x, b](Tape& t) {
    auto dY = t.grad(y);
    if (t.needs_grad(W)) t.grad(W).noalias() += dY * t.value(x).transpose();
    if (t.needs_grad(x)) t.grad(x).noalias() += t.value(W).transpose() * dY;
    if (t.needs_grad(b)) t.grad(b).col(0) += dY.rowwise().sum();
  });
  return y;
}

NodeId add_bias(Tape& tape, NodeId x, NodeId b) {
  Shape sx = tape.shape(x), sb = tape.shape(b);
  check_shape(sb.rows == sx.rows && sb.cols == 1, "add_bias", tape, {x, b},
              "expected x: R x N, b: R x 1");
  NodeId y = tape.add_node("add_bias", sx.rows, sx.cols, {x, b});
  tape.value(y) = tape.value(x);
  tape.value(y).colwise() += tape.value(b).col(0);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, b](Tape& t) {
    if (t.needs_grad(x)) t.grad(x) += t.grad(y);
    if (t.needs_grad(b)) t.grad(b).col(0) += t.grad(y).rowwise().sum();
  });
  return y;
}

}  // namespace medner
