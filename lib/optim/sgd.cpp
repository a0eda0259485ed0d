// SGD with classic momentum over the flat parameter buffer (optimizer.h).
#include "core/error.h"
#include "optim/optimizer.h"

namespace medner {

Sgd::Sgd(const ParamStore& store, real momentum) : momentum_(momentum), velocity_(store.size(), real(0)) {
  MEDNER_CHECK(store.finalized(), "Sgd needs a finalized ParamStore");
  MEDNER_CHECK(momentum >= 0 && momentum < 1, "Sgd: momentum {} outside [0, 1)", momentum);
}

void Sgd::step(ParamStore& store, GradBuffer& grads, real lr) {
  MEDNER_CHECK(store.size() == velocity_.size() && grads.size() == store.size(),
               "Sgd::step: store {} / gradients {} values, optimizer built for {}", store.size(), grads.size(),
               velocity_.size());
  real* w = store.data();
  const real* g = grads.data();
  real* v = velocity_.data();
  const real mu = momentum_;
  // v <- mu * v + g;  w <- w - lr * v
  for_each_trainable_range(store, grads, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      v[i] = mu * v[i] + g[i];
      w[i] -= lr * v[i];
    }
  });
  ++steps_;
}

std::vector<std::pair<std::string, std::vector<real>*>> Sgd::state_buffers() {
  return {{"velocity", &velocity_}};
}

}  // namespace medner
