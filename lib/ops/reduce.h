// Reductions: sum and mean of all elements, and max-over-time pooling of a padded batch.
#pragma once

#include "core/tape.h"

namespace medner {

NodeId sum(Tape& tape, NodeId x);   // x: R x C -> 1 x 1
NodeId mean(Tape& tape, NodeId x);  // x: R x C -> 1 x 1

// Max over the first lengths[b] time steps of each sequence of a time-major padded batch.
// x: F x (T*B), column t*B + b -> F x B. A sequence of length 0 gives a zero column.
NodeId max_over_time(Tape& tape, NodeId x, Index batch, const int* lengths);

}  // namespace medner
