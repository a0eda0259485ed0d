// PackedGemm on Eigen 3.4's internal GEBP interface (GeneralBlockPanelKernel.h): the loop nest of
// general_matrix_matrix_product::run with the left-operand packing hoisted out. Older Eigen
// versions fall back to plain products.
#include "ops/packed_gemm.h"

#include <Eigen/Core>

#include <algorithm>

namespace medner {

namespace {
[[maybe_unused]] constexpr Index kAlign = 16;  // reals: 64 bytes, what the packed-panel loads expect at most
[[maybe_unused]] Index aligned(Index n) { return (n + kAlign - 1) / kAlign * kAlign; }
}  // namespace

#if EIGEN_VERSION_AT_LEAST(3, 4, 0)

namespace {
using namespace Eigen::internal;
using Traits = gebp_traits<real, real>;
using ResMapper = blas_data_mapper<real, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;
template <int Order>
using Mapper = const_blas_data_mapper<real, Index, Order>;
template <int Order>
using PackLhs = gemm_pack_lhs<real, Index, Mapper<Order>, Traits::mr, Traits::LhsProgress,
                              typename Traits::LhsPacket4Packing, Order>;
using PackRhs = gemm_pack_rhs<real, Index, Mapper<Eigen::ColMajor>, Traits::nr, Eigen::ColMajor>;
using Gebp = gebp_kernel<real, real, Index, ResMapper, Traits::mr, Traits::nr>;
}  // namespace

void PackedGemm::plan(Index M, Index K, Index typical_n) {
  M_ = M, K_ = K;
  Index kc = K, mc = M, nc = std::max<Index>(typical_n, 1);
  computeProductBlockingSizes<real, real, 1, Index>(kc, mc, nc, Index{1});
  kc_ = std::max<Index>(std::min(kc, K), 1);
  mc_ = std::max<Index>(std::min(mc, M), 1);
}

std::size_t PackedGemm::storage_size() const {
  const Index blocks = (M_ + mc_ - 1) / mc_ * ((K_ + kc_ - 1) / kc_);
  return static_cast<std::size_t>(M_ * K_ + kAlign * blocks);
}

std::size_t PackedGemm::scratch_size(Index n) const {
  return static_cast<std::size_t>(K_ * n + kAlign * ((K_ + kc_ - 1) / kc_));
}

void PackedGemm::pack(const real* W, Index ld, bool trans, real* storage) {
  W_ = W, ld_ = ld, trans_ = trans, packed_ = storage;
  // Blocks in the order multiply_add() walks them: i2 (rows) outer, k2 (depth) inner.
  real* at = packed_;
  for (Index i2 = 0; i2 < M_; i2 += mc_) {
    const Index m = std::min(i2 + mc_, M_) - i2;
    for (Index k2 = 0; k2 < K_; k2 += kc_) {
      const Index k = std::min(k2 + kc_, K_) - k2;
      if (trans)  // op(W) = W^T: element (i, k) of op(W) is W(k, i), i.e. W read row-major
        PackLhs<Eigen::RowMajor>()(at, Mapper<Eigen::RowMajor>(W, ld).getSubMapper(i2, k2), k, m);
      else
        PackLhs<Eigen::ColMajor>()(at, Mapper<Eigen::ColMajor>(W, ld).getSubMapper(i2, k2), k, m);
      at += aligned(m * k);
    }
  }
}

void PackedGemm::multiply_add(const real* X, Index ldx, Index n, real* C, Index ldc, real* scratch) const {
  if (n <= 0) return;
  if (n < kMinColumns) {
    Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> x(X, K_, n, Eigen::OuterStride<>(ldx));
    Eigen::Map<Matrix, 0, Eigen::OuterStride<>> c(C, M_, n, Eigen::OuterStride<>(ldc));
    if (trans_)
      c.noalias() += Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(W_, K_, M_, Eigen::OuterStride<>(ld_)).transpose() * x;
    else
      c.noalias() += Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(W_, M_, K_, Eigen::OuterStride<>(ld_)) * x;
    return;
  }
  // Pack X once per depth block (each block reused by every row block), then the kernel.
  const Mapper<Eigen::ColMajor> x(X, ldx);
  for (Index k2 = 0, at = 0; k2 < K_; k2 += kc_) {
    const Index k = std::min(k2 + kc_, K_) - k2;
    PackRhs()(scratch + at, x.getSubMapper(k2, 0), k, n);
    at += aligned(k * n);
  }
  const ResMapper res(C, ldc);
  const real* a = packed_;
  for (Index i2 = 0; i2 < M_; i2 += mc_) {
    const Index m = std::min(i2 + mc_, M_) - i2;
    const real* b = scratch;
    for (Index k2 = 0; k2 < K_; k2 += kc_) {
      const Index k = std::min(k2 + kc_, K_) - k2;
      Gebp()(res.getSubMapper(i2, 0), a, b, m, k, n, real(1));
      a += aligned(m * k);
      b += aligned(k * n);
    }
  }
}

#else  // no packing API: plain products

void PackedGemm::plan(Index M, Index K, Index) { M_ = M, K_ = K, kc_ = K, mc_ = M; }
std::size_t PackedGemm::storage_size() const { return 0; }
std::size_t PackedGemm::scratch_size(Index) const { return 0; }
void PackedGemm::pack(const real* W, Index ld, bool trans, real*) { W_ = W, ld_ = ld, trans_ = trans; }

void PackedGemm::multiply_add(const real* X, Index ldx, Index n, real* C, Index ldc, real*) const {
  Eigen::Map<const Matrix, 0, Eigen::OuterStride<>> x(X, K_, n, Eigen::OuterStride<>(ldx));
  Eigen::Map<Matrix, 0, Eigen::OuterStride<>> c(C, M_, n, Eigen::OuterStride<>(ldc));
  if (trans_)
    c.noalias() += Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(W_, K_, M_, Eigen::OuterStride<>(ld_)).transpose() * x;
  else
    c.noalias() += Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>(W_, M_, K_, Eigen::OuterStride<>(ld_)) * x;
}

#endif

}  // namespace medner
