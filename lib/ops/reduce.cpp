#include "ops/reduce.h"

#include "core/error.h"

namespace medner {

NodeId sum(Tape& tape, NodeId x) {
  NodeId y = tape.add_node("sum", 1, 1, {x});
  tape.value(y)(0, 0) = tape.value(x).sum();
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x](Tape& t) { t.grad(x).array() += t.grad(y)(0, 0); });
  return y;
}

NodeId mean(Tape& tape, NodeId x) {
  Index n = tape.shape(x).size();
  check_shape(n > 0, "mean", tape, {x}, "input is empty");
  NodeId y = tape.add_node("mean", 1, 1, {x});
  tape.value(y)(0, 0) = tape.value(x).mean();
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, n](Tape& t) {
    t.grad(x).array() += t.grad(y)(0, 0) / static_cast<real>(n);
  });
  return y;
}

NodeId max_over_time(Tape& tape, NodeId x, Index batch, const int* lengths) {
  Shape s = tape.shape(x);
  check_shape(batch > 0 && s.cols % batch == 0, "max_over_time", tape, {x},
              "columns must be a multiple of the batch size");
  const Index F = s.rows, T = s.cols / batch, B = batch;
  NodeId y = tape.add_node("max_over_time", F, B, {x});
  // argmax[f + F*b] = column of x holding the max, or -1 for an empty sequence.
  Index* argmax = tape.scratch<Index>(static_cast<std::size_t>(F * B));
  auto X = tape.value(x);
  auto Y = tape.value(y);
  for (Index b = 0; b < B; ++b) {
    MEDNER_CHECK(lengths[b] >= 0 && lengths[b] <= T, "length {} outside [0, {}]", lengths[b], T);
    Index* am = argmax + F * b;
    if (lengths[b] == 0) {
      Y.col(b).setZero();
      std::fill(am, am + F, Index{-1});
      continue;
    }
    Y.col(b) = X.col(b);
    std::fill(am, am + F, b);
    for (Index t = 1; t < lengths[b]; ++t) {
      Index c = t * B + b;
      for (Index f = 0; f < F; ++f)
        if (X(f, c) > Y(f, b)) {
          Y(f, b) = X(f, c);
          am[f] = c;
        }
    }
  }
  if (!tape.needs_grad(y)) return y;
  // The gradient flows only to the arg-max element of each (feature, sequence).
  tape.set_backward(y, [y, x, argmax, F, B](Tape& t) {
    auto dX = t.grad(x);
    auto dY = t.grad(y);
    for (Index b = 0; b < B; ++b)
      for (Index f = 0; f < F; ++f)
        if (argmax[f + F * b] >= 0) dX(f, argmax[f + F * b]) += dY(f, b);
  });
  return y;
}

}  // namespace medner
