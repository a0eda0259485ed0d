// Column gathers: embedding lookup from a parameter table (sparse gradient), and a gather of the
// columns of a node (time reversal, word -> token expansion, im2col).
#pragma once

#include "core/params.h"
#include "core/tape.h"

namespace medner {

// Columns ids[0..n) of the table. table: D x V parameter -> D x n.
// The gradient goes straight into the tape's GradBuffer, touching only the looked-up columns
// of a sparse table. ids are copied.
NodeId lookup(Tape& tape, const ParamStore& store, Param table, const int* ids, Index n);

// y.col(j) = x.col(idx[j]), or a zero column where idx[j] < 0. x: R x C -> R x n. idx is copied.
// Backward scatter-adds, so repeated indices are fine.
NodeId gather_columns(Tape& tape, NodeId x, const int* idx, Index n);

}  // namespace medner
