// PackedGemm: a product with the left operand packed once equals Eigen's product, for both
// transposes, shapes that are not multiples of the kernel's register blocks, column counts below
// and above the packing threshold, and strided operands; the packed form is reused across calls.
#include "common/gradcheck.h"
#include "core/arena.h"
#include "ops/packed_gemm.h"

#include <doctest/doctest.h>

using namespace medner;
using medner::test::random_matrix;

namespace {

void check_product(Index M, Index K, Index n, bool trans, Index typical_n) {
  INFO("M=", M, " K=", K, " n=", n, " trans=", trans);
  Arena arena;
  // W with a leading dimension larger than its rows, to exercise ld.
  const Index wr = trans ? K : M, wc = trans ? M : K;
  Matrix Wbig = random_matrix(wr + 3, wc, 1);
  const real* W = Wbig.data();
  Matrix X = random_matrix(K + 2, n, 2), C0 = random_matrix(M + 1, n, 3);
  PackedGemm g;
  g.plan(M, K, typical_n);
  g.pack(W, wr + 3, trans, arena.alloc<real>(g.storage_size()));
  real* scratch = arena.alloc<real>(g.scratch_size(n));
  Matrix C = C0;
  for (int call = 0; call < 2; ++call)  // the packed operand is reused
    g.multiply_add(X.data(), K + 2, n, C.data(), M + 1, scratch);
  const Matrix op = trans ? Matrix(Wbig.topRows(wr).transpose()) : Matrix(Wbig.topRows(wr));
  Matrix want = C0;
  want.topRows(M) += 2 * op * X.topRows(K);
  CHECK(C.isApprox(want, real(1e-5)));
  CHECK(C.bottomRows(1) == C0.bottomRows(1));  // rows past M (the leading-dimension gap) untouched
}

}  // namespace

TEST_CASE("packed gemm: equals Eigen's product, both transposes, odd shapes, small and large n") {
  for (bool trans : {false, true}) {
    check_product(800, 200, 32, trans, 32);  // the word LSTM's step
    check_product(200, 800, 17, trans, 32);  // its backward (W_h^T da)
    check_product(53, 29, 7, trans, 8);      // no multiple of any register block
    check_product(40, 300, 5, trans, 64);
    check_product(16, 8, 3, trans, 16);      // below kMinColumns: Eigen's product
    check_product(16, 8, 1, trans, 16);      // a GEMV
    check_product(100, 50, 660, trans, 660); // the char LSTM's step, many columns
  }
}
