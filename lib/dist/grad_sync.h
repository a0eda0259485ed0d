// Sums the ranks' gradient buffers, so that every rank holds the gradient of the whole global
// batch and takes the same optimizer step. The dense prefix goes in one in-place all-reduce; the
// sparse embedding tables (D x V, a few columns touched per batch) through the union of the
// columns the ranks touched: ids gathered from every rank, the union's columns packed into one
// buffer and all-reduced. That costs O(dense + D * union) per step, never O(D * V).
#pragma once

#include "core/params.h"
#include "core/tensor.h"
#include "dist/communicator.h"

#include <cstddef>
#include <vector>

namespace medner {

struct GradSyncStats {
  std::size_t dense = 0;   // reals all-reduced for the dense prefix
  std::size_t sparse = 0;  // reals all-reduced for the union's embedding columns
  std::size_t ids = 0;     // column ids gathered, over all ranks
};

// With one rank it returns at once and leaves `grads` exactly as it was. With more, afterwards
// every sparse parameter's touched list is the sorted union of the ranks' lists, identical on
// every rank, so clipping and the optimizer visit the columns in the same order everywhere.
// `scratch` is reused between calls.
GradSyncStats allreduce_gradients(Communicator& comm, const ParamStore& store, GradBuffer& grads,
                                  std::vector<real>& scratch);

}  // namespace medner
