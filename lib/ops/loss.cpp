#include "ops/loss.h"

#include "core/error.h"

namespace medner {

namespace {
// Stable column-wise log-softmax: x - max - log(sum(exp(x - max))).
void log_softmax_into(const ConstMatrixMap& X, MatrixMap Y) {
  for (Index j = 0; j < X.cols(); ++j) {
    real m = X.col(j).maxCoeff();
    real lse = m + std::log((X.col(j).array() - m).exp().sum());
    Y.col(j) = X.col(j).array() - lse;
  }
}
}  // namespace

NodeId log_softmax(Tape& tape, NodeId x) {
  Shape s = tape.shape(x);
  NodeId y = tape.add_node("log_softmax", s.rows, s.cols, {x});
  auto X = tape.value(x);
  log_softmax_into(ConstMatrixMap(X.data(), s.rows, s.cols), tape.value(y));
  if (!tape.needs_grad(y)) return y;
  // dx = dy - softmax * sum(dy), per column
  tape.set_backward(y, [y, x](Tape& t) {
    auto Y = t.value(y), dY = t.grad(y), dX = t.grad(x);
    for (Index j = 0; j < Y.cols(); ++j)
      dX.col(j).array() += dY.col(j).array() - Y.col(j).array().exp() * dY.col(j).sum();
  });
  return y;
}

NodeId softmax_nll(Tape& tape, NodeId logits, const int* gold_in, Index n) {
  Shape s = tape.shape(logits);
  check_shape(s.cols == n, "softmax_nll", tape, {logits}, "one gold label per column expected");
  NodeId y = tape.add_node("softmax_nll", 1, 1, {logits});
  // Keep the log-probabilities for backward.
  real* logp = tape.scratch<real>(static_cast<std::size_t>(s.size()));
  int* gold = tape.scratch<int>(static_cast<std::size_t>(n));
  auto X = tape.value(logits);
  MatrixMap LP(logp, s.rows, s.cols);
  log_softmax_into(ConstMatrixMap(X.data(), s.rows, s.cols), LP);
  real total = 0;
  for (Index j = 0; j < n; ++j) {
    gold[j] = gold_in[j];
    MEDNER_CHECK(gold[j] < s.rows, "softmax_nll: gold label {} outside [0, {})", gold[j], s.rows);
    if (gold[j] >= 0) total -= LP(gold[j], j);
  }
  tape.value(y)(0, 0) = total;
  if (!tape.needs_grad(y)) return y;
  // d(-log p_gold)/dx = softmax(x) - onehot(gold), for non-padding columns.
  tape.set_backward(y, [y, logits, logp, gold, n](Tape& t) {
    auto dX = t.grad(logits);
    const real dy = t.grad(y)(0, 0);
    ConstMatrixMap logprob(logp, dX.rows(), dX.cols());
    for (Index j = 0; j < n; ++j) {
      if (gold[j] < 0) continue;
      dX.col(j) += dy * logprob.col(j).array().exp().matrix();
      dX(gold[j], j) -= dy;
    }
  });
  return y;
}

}  // namespace medner
