// grad_norm, clip_grad_norm, add_l2, whole and per slice (grad_clip.h).
#include "optim/grad_clip.h"

#include "core/error.h"
#include "optim/optimizer.h"

#include <cmath>

namespace medner {

namespace {

// Calls f(begin, end) on the slice's dense range and on each of its columns, trainable or not
// (frozen parameters hold zero gradient, so they add nothing to a norm).
template <class F>
void for_each_grad_range(const ParamStore& store, const GradBuffer& grads, const GradSlice& slice, F f) {
  MEDNER_CHECK(grads.size() == store.size() && grads.dense_size() == store.dense_size(),
               "gradient buffer ({} values, {} dense) does not match the store ({}, {})", grads.size(),
               grads.dense_size(), store.size(), store.dense_size());
  if (slice.dense_end > slice.dense_begin) f(slice.dense_begin, slice.dense_end);
  grads.for_each_column(slice, [&](Param, int32_t, std::size_t begin, Index rows) {
    f(begin, begin + static_cast<std::size_t>(rows));
  });
}

}  // namespace

double grad_norm_squared(const ParamStore& store, const GradBuffer& grads, const GradSlice& slice) {
  const real* g = grads.data();
  double sum = 0;
  for_each_grad_range(store, grads, slice, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) sum += static_cast<double>(g[i]) * static_cast<double>(g[i]);
  });
  return sum;
}

real norm_of_slices(const std::vector<double>& sums) {
  double sum = 0;
  for (double s : sums) sum += s;
  return static_cast<real>(std::sqrt(sum));
}

real grad_norm(const ParamStore& store, const GradBuffer& grads) {
  return static_cast<real>(std::sqrt(grad_norm_squared(store, grads, grads.whole())));
}

void scale_grads(const ParamStore& store, GradBuffer& grads, const GradSlice& slice, real scale) {
  real* g = grads.data();
  for_each_grad_range(store, grads, slice, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) g[i] *= scale;
  });
}

real clip_grad_norm(const ParamStore& store, GradBuffer& grads, real max_norm) {
  const real norm = grad_norm(store, grads);
  if (max_norm <= 0 || !(norm > max_norm)) return norm;
  scale_grads(store, grads, grads.whole(), max_norm / norm);
  return norm;
}

void add_l2(const ParamStore& store, GradBuffer& grads, real l2, const GradSlice& slice) {
  if (l2 == 0) return;
  MEDNER_CHECK(grads.size() == store.size(), "add_l2: gradient buffer has {} values, the store {}", grads.size(),
               store.size());
  const real* w = store.data();
  real* g = grads.data();
  for_each_trainable_range(store, grads, slice, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) g[i] += l2 * w[i];
  });
}

void add_l2(const ParamStore& store, GradBuffer& grads, real l2) { add_l2(store, grads, l2, grads.whole()); }

}  // namespace medner
