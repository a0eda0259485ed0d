// Gradient-norm clipping and L2 regularisation over the flat gradient buffer, aware of sparse
// embedding columns: only the dense prefix and the touched columns are read or written.
// They take the ParamStore because the GradBuffer alone does not say where its sparse
// parameters lie (it keeps that private); the two share one layout. Each also comes for one
// GradSlice (core/params.h), so that threads can share the work: the norm as per-slice sums of
// squares, added in slice order, which is the same sum for the same split.
#pragma once

#include "core/params.h"
#include "core/tensor.h"

#include <vector>

namespace medner {

// sqrt(sum of g^2) over the dense prefix and every touched column of every sparse parameter
// (accumulated in double).
real grad_norm(const ParamStore& store, const GradBuffer& grads);

// sum of g^2 over one slice, accumulated in double in visiting order. For grads.whole() the
// square of grad_norm before rounding to real.
double grad_norm_squared(const ParamStore& store, const GradBuffer& grads, const GradSlice& slice);

// sqrt of the per-slice sums added in order, as real: the norm of the whole gradient, the same
// bits for the same split (and grad_norm's for a single slice).
real norm_of_slices(const std::vector<double>& sums);

// g *= scale on one slice (the values grad_norm reads).
void scale_grads(const ParamStore& store, GradBuffer& grads, const GradSlice& slice, real scale);

// If max_norm > 0 and the norm exceeds it, scales those gradients by max_norm / norm.
// Returns the norm before clipping.
real clip_grad_norm(const ParamStore& store, GradBuffer& grads, real max_norm);

// grad += l2 * w on trainable dense parameters and the touched columns of trainable sparse ones.
void add_l2(const ParamStore& store, GradBuffer& grads, real l2);
void add_l2(const ParamStore& store, GradBuffer& grads, real l2, const GradSlice& slice);

}  // namespace medner
