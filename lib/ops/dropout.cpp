#include "ops/dropout.h"

#include "core/error.h"

#include <cstdint>

namespace medner {

namespace {
// dx += dy * mask (a function of its own: locals, not closure members, so the loop vectorises)
void dropout_backward(const real* dy, const uint8_t* keep, real scale, Index n, real* dx) {
#pragma omp simd
  for (Index i = 0; i < n; ++i) dx[i] += keep[i] ? dy[i] * scale : real(0);
}
}  // namespace

NodeId dropout(Tape& tape, NodeId x, real p, Rng& rng, bool train) {
  MEDNER_CHECK(p >= 0 && p < 1, "dropout probability {} outside [0, 1)", p);
  if (!train || p == 0) return x;
  Shape s = tape.shape(x);
  NodeId y = tape.add_node("dropout", s.rows, s.cols, {x});
  const Index n = s.size();
  // The mask as bytes (1 = kept): a quarter of the memory of a real mask, and the same draws.
  auto* keep = tape.scratch<uint8_t>(static_cast<std::size_t>(n));
  const real keep_scale = real(1) / (1 - p);
  // 32 random bits per element: two elements per 64-bit draw.
  const auto threshold = static_cast<uint64_t>(static_cast<double>(p) * 4294967296.0);
  Rng local = rng;  // a local copy: byte stores may alias anything, so rng's state would be reloaded
  for (Index i = 0; i + 1 < n; i += 2) {
    const uint64_t r = local.next();
    keep[i] = (r & 0xFFFFFFFFu) >= threshold;
    keep[i + 1] = (r >> 32) >= threshold;
  }
  if (n % 2 != 0) keep[n - 1] = (local.next() & 0xFFFFFFFFu) >= threshold;
  rng = local;
  const real* X = tape.value(x).data();
  real* Y = tape.value(y).data();
#pragma omp simd
  for (Index i = 0; i < n; ++i) Y[i] = keep[i] ? X[i] * keep_scale : real(0);
  if (!tape.needs_grad(y)) return y;
  // dy/dx = mask
  tape.set_backward(y, [y, x, keep, keep_scale](Tape& t) {
    dropout_backward(t.grad(y).data(), keep, keep_scale, t.shape(y).size(), t.grad(x).data());
  });
  return y;
}

}  // namespace medner
