// SGD with classic momentum over the flat parameter buffer (optimizer.h).
#include "core/error.h"
#include "optim/optimizer.h"

namespace medner {

Sgd::Sgd(const ParamStore& store, real momentum) : momentum_(momentum), velocity_(store.size(), real(0)) {
  MEDNER_CHECK(store.finalized(), "Sgd needs a finalized ParamStore");
  MEDNER_CHECK(momentum >= 0 && momentum < 1, "Sgd: momentum {} outside [0, 1)", momentum);
}

void Sgd::update(real* __restrict w, const real* __restrict g, real lr, std::size_t begin, std::size_t end) {
  real* __restrict v = velocity_.data();
  const real mu = momentum_;
  // v <- mu * v + g;  w <- w - lr * v
#pragma omp simd
  for (std::size_t i = begin; i < end; ++i) {
    v[i] = mu * v[i] + g[i];
    w[i] -= lr * v[i];
  }
}

std::vector<std::pair<std::string, std::vector<real>*>> Sgd::state_buffers() {
  return {{"velocity", &velocity_}};
}

}  // namespace medner
