// Gradient-norm clipping and L2 regularisation over the flat gradient buffer, aware of sparse
// embedding columns: only the dense prefix and the touched columns are read or written.
// They take the ParamStore because the GradBuffer alone does not say where its sparse
// parameters lie (it keeps that private); the two share one layout.
#pragma once

#include "core/params.h"
#include "core/tensor.h"

namespace medner {

// sqrt(sum of g^2) over the dense prefix and every touched column of every sparse parameter
// (accumulated in double).
real grad_norm(const ParamStore& store, const GradBuffer& grads);

// If max_norm > 0 and the norm exceeds it, scales those gradients by max_norm / norm.
// Returns the norm before clipping.
real clip_grad_norm(const ParamStore& store, GradBuffer& grads, real max_norm);

// grad += l2 * w on trainable dense parameters and the touched columns of trainable sparse ones.
void add_l2(const ParamStore& store, GradBuffer& grads, real l2);

}  // namespace medner
