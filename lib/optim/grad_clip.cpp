// grad_norm, clip_grad_norm, add_l2 (grad_clip.h).
#include "optim/grad_clip.h"

#include "core/error.h"
#include "optim/optimizer.h"

#include <cmath>

namespace medner {

namespace {

// Calls f(begin, end) on the dense prefix and on each touched column of each sparse parameter,
// trainable or not (frozen parameters hold zero gradient, so they add nothing to a norm).
template <class F>
void for_each_grad_range(const ParamStore& store, const GradBuffer& grads, F f) {
  MEDNER_CHECK(grads.size() == store.size() && grads.dense_size() == store.dense_size(),
               "gradient buffer ({} values, {} dense) does not match the store ({}, {})", grads.size(),
               grads.dense_size(), store.size(), store.dense_size());
  if (store.dense_size() > 0) f(std::size_t{0}, store.dense_size());
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    if (!info.sparse) continue;
    const auto rows = static_cast<std::size_t>(info.rows);
    for (int32_t col : grads.touched(store.param(i))) {
      const std::size_t begin = info.offset + static_cast<std::size_t>(col) * rows;
      f(begin, begin + rows);
    }
  }
}

}  // namespace

real grad_norm(const ParamStore& store, const GradBuffer& grads) {
  const real* g = grads.data();
  double sum = 0;
  for_each_grad_range(store, grads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) sum += static_cast<double>(g[i]) * static_cast<double>(g[i]);
  });
  return static_cast<real>(std::sqrt(sum));
}

real clip_grad_norm(const ParamStore& store, GradBuffer& grads, real max_norm) {
  const real norm = grad_norm(store, grads);
  if (max_norm <= 0 || !(norm > max_norm)) return norm;
  const real scale = max_norm / norm;
  real* g = grads.data();
  for_each_grad_range(store, grads, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) g[i] *= scale;
  });
  return norm;
}

void add_l2(const ParamStore& store, GradBuffer& grads, real l2) {
  if (l2 == 0) return;
  MEDNER_CHECK(grads.size() == store.size(), "add_l2: gradient buffer has {} values, the store {}", grads.size(),
               store.size());
  const real* w = store.data();
  real* g = grads.data();
  for_each_trainable_range(store, grads, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) g[i] += l2 * w[i];
  });
}

}  // namespace medner
