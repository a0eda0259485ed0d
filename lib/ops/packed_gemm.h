// C += op(W) X for one fixed W and many small X, with W packed once. The LSTM recurrence
// multiplies the same W_h (4H x H) by a new H x n block every time step (and W_h^T by a 4H x n
// block in backward); Eigen's product packs its left operand on every call, which at n = 16..64
// columns costs about a fifth of the product, paid again by every thread. This runs Eigen's own
// packing routine and GEBP kernel (the code its products use), blocked the way Eigen blocks
// them, but packs W only once. Not here: threading, or products whose W changes per call.
#pragma once

#include "core/tensor.h"

#include <cstddef>

namespace medner {

class PackedGemm {
 public:
  // Below this many columns of X, multiply_add() uses Eigen's product (a GEMV for n = 1), which
  // needs no packing at all.
  static constexpr Index kMinColumns = 4;

  // Chooses the blocking for op(W) of M x K and X of about typical_n columns (as Eigen would).
  void plan(Index M, Index K, Index typical_n);
  // Reals of packed storage, and of multiply_add() scratch for n columns (padding included, for
  // 64-byte aligned blocks). Valid after plan().
  std::size_t storage_size() const;
  std::size_t scratch_size(Index n) const;
  // Packs op(W): W is M x K (trans = false) or K x M (trans = true, op(W) = W^T), column-major
  // with leading dimension ld, as planned. storage: storage_size() reals, 64-byte aligned, alive
  // (and W unchanged) as long as this object is used.
  void pack(const real* W, Index ld, bool trans, real* storage);
  // C (M x n, leading dimension ldc) += op(W) X (K x n, leading dimension ldx). scratch:
  // scratch_size(n) reals, 64-byte aligned.
  void multiply_add(const real* X, Index ldx, Index n, real* C, Index ldc, real* scratch) const;

  Index rows() const { return M_; }
  Index depth() const { return K_; }

 private:
  const real* W_ = nullptr;  // the unpacked operand, for small n
  Index ld_ = 0;
  bool trans_ = false;
  Index M_ = 0, K_ = 0, kc_ = 0, mc_ = 0;
  real* packed_ = nullptr;
};

}  // namespace medner
