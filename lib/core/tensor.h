// The one shape convention of medner, and the scalar type.
//
// Eigen is column-major, so a column is one item:
//   a sentence of T tokens with H features is H x T (column t = token t);
//   a padded mini-batch of B sentences, T steps each, is H x (T*B), *time-major*:
//   column t*B + b is token t of sentence b, so the B columns of one time step are contiguous
//   and an LSTM step is one GEMM over them;
//   emissions are L x T (or L x T*B), transitions L x L with trans(i, j) = score of label i
//   followed by label j; an embedding table is D x V (column v = vector of word v).
// Short names in numeric code: T tokens, B batch, L labels, H hidden, D input dim, C chars.
#pragma once

#include <Eigen/Core>
#include <string>

namespace medner {

#ifdef MEDNER_DOUBLE
using real = double;
#else
using real = float;
#endif

using Index = Eigen::Index;
using Matrix = Eigen::Matrix<real, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<real, Eigen::Dynamic, 1>;
// Views into flat buffers are unaligned: parameter views and single embedding columns start at
// arbitrary offsets, and unaligned vector loads cost nothing extra on current x86 cores.
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

struct Shape {
  Index rows = 0;
  Index cols = 0;
  Index size() const { return rows * cols; }
  bool operator==(const Shape& o) const { return rows == o.rows && cols == o.cols; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

inline std::string to_string(Shape s) {
  return std::to_string(s.rows) + "x" + std::to_string(s.cols);
}

}  // namespace medner
