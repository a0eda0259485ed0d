// Concatenation and slicing along features (rows) and along columns.
#pragma once

#include "core/tape.h"

#include <initializer_list>

namespace medner {

// [x0; x1; ...] stacked along rows; all inputs have the same number of columns.
NodeId concat_rows(Tape& tape, std::initializer_list<NodeId> xs);
NodeId concat_rows(Tape& tape, const NodeId* xs, int n);
// Rows [begin, begin + count) of x.
NodeId slice_rows(Tape& tape, NodeId x, Index begin, Index count);
// Columns [begin, begin + count) of x (contiguous in memory).
NodeId slice_cols(Tape& tape, NodeId x, Index begin, Index count);

}  // namespace medner
