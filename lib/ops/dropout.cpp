#include "ops/dropout.h"

#include "core/error.h"

namespace medner {

NodeId dropout(Tape& tape, NodeId x, real p, Rng& rng, bool train) {
  MEDNER_CHECK(p >= 0 && p < 1, "dropout probability {} outside [0, 1)", p);
  if (!train || p == 0) return x;
  Shape s = tape.shape(x);
  NodeId y = tape.add_node("dropout", s.rows, s.cols, {x});
  real* mask = tape.scratch<real>(static_cast<std::size_t>(s.size()));
  const real keep_scale = real(1) / (1 - p);
  // 32 random bits per element: two elements per 64-bit draw.
  const auto threshold = static_cast<uint64_t>(static_cast<double>(p) * 4294967296.0);
  for (Index i = 0; i < s.size(); i += 2) {
    uint64_t r = rng.next();
    mask[i] = (r & 0xFFFFFFFFu) >= threshold ? keep_scale : real(0);
    if (i + 1 < s.size()) mask[i + 1] = (r >> 32) >= threshold ? keep_scale : real(0);
  }
  ConstMatrixMap M(mask, s.rows, s.cols);
  tape.value(y) = tape.value(x).cwiseProduct(M);
  if (!tape.needs_grad(y)) return y;
  // dy/dx = mask
  tape.set_backward(y, [y, x, mask](Tape& t) {
    Shape sh = t.shape(y);
    t.grad(x) += t.grad(y).cwiseProduct(ConstMatrixMap(mask, sh.rows, sh.cols));
  });
  return y;
}

}  // namespace medner
