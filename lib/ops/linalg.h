// Matrix products: matmul with optional transposes, affine (W x + b) and bias broadcast.
#pragma once

#include "core/tape.h"

namespace medner {

// op(a) * op(b), op = transpose when the flag is set.
// a: M x K (or K x M), b: K x N (or N x K) -> M x N
NodeId matmul(Tape& tape, NodeId a, NodeId b, bool trans_a = false, bool trans_b = false);

// W x + b, b broadcast over columns. W: O x I, x: I x N, b: O x 1 -> O x N
NodeId affine(Tape& tape, NodeId W, NodeId x, NodeId b);

// x + b with b broadcast over columns. x: R x N, b: R x 1 -> R x N
NodeId add_bias(Tape& tape, NodeId x, NodeId b);

}  // namespace medner
