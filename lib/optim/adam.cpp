// Adam with bias correction over the flat parameter buffer (optimizer.h).
#include "core/error.h"
#include "optim/optimizer.h"

#include <cmath>

namespace medner {

Adam::Adam(const ParamStore& store, real beta1, real beta2, real eps)
    : beta1_(beta1), beta2_(beta2), eps_(eps), m_(store.size(), real(0)), v_(store.size(), real(0)) {
  MEDNER_CHECK(store.finalized(), "Adam needs a finalized ParamStore");
  MEDNER_CHECK(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0,
               "Adam: beta1 {}, beta2 {}, eps {}: expected betas in [0, 1) and eps > 0", beta1, beta2, eps);
}

void Adam::prepare_step() {
  // Bias corrections 1 - beta^t, in double: beta2^t creeps away from 1 slowly.
  const double t = static_cast<double>(steps_);
  bc1_ = static_cast<real>(1.0 - std::pow(static_cast<double>(beta1_), t));
  bc2_ = static_cast<real>(1.0 - std::pow(static_cast<double>(beta2_), t));
}

// lib/CMakeLists.txt compiles this file with -fno-math-errno (v >= 0, so sqrt never sets errno):
// without the errno branch GCC vectorises the loop, 16 lanes of IEEE division and square root that
// round as the scalar ones do; about 4x faster than the scalar loop (docs/performance.md).
void Adam::update(real* __restrict w, const real* __restrict g, real lr, std::size_t begin, std::size_t end) {
  real* __restrict m = m_.data();
  real* __restrict v = v_.data();
  const real b1 = beta1_, b2 = beta2_, eps = eps_, bc1 = bc1_, bc2 = bc2_;
  // m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  w <- w - lr * (m / bc1) / (sqrt(v / bc2) + eps)
#pragma omp simd
  for (std::size_t i = begin; i < end; ++i) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    w[i] -= lr * (m[i] / bc1) / (std::sqrt(v[i] / bc2) + eps);
  }
}

std::vector<std::pair<std::string, std::vector<real>*>> Adam::state_buffers() {
  return {{"m", &m_}, {"v", &v_}};
}

}  // namespace medner
