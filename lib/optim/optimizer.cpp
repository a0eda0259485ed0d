// Optimizer base, the factory and the learning-rate schedule.
#include "optim/optimizer.h"

#include "core/error.h"

namespace medner {

Optimizer::~Optimizer() = default;

void Optimizer::step(ParamStore& store, GradBuffer& grads, real lr) {
  begin_step();
  step(store, grads, lr, grads.whole());
}

void Optimizer::begin_step() {
  ++steps_;
  prepare_step();
}

void Optimizer::step(ParamStore& store, const GradBuffer& grads, real lr, const GradSlice& slice) {
  MEDNER_CHECK(store.size() == state_size() && grads.size() == store.size(),
               "optimizer step: store {} / gradients {} values, optimizer built for {}", store.size(), grads.size(),
               state_size());
  real* w = store.data();
  const real* g = grads.data();
  for_each_trainable_range(store, grads, slice, [&](std::size_t begin, std::size_t end) { update(w, g, lr, begin, end); });
}

std::vector<std::pair<std::string, std::vector<real>*>> Optimizer::state_buffers() { return {}; }

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const ParamStore& store, real momentum) {
  if (name == "sgd") return std::make_unique<Sgd>(store, momentum);
  if (name == "adam") return std::make_unique<Adam>(store);
  throw InputError(fmt::format("optimizer: expected 'sgd' or 'adam', got '{}'", name));
}

real lr_at_epoch(real lr0, real decay, int epoch) {
  return static_cast<real>(static_cast<double>(lr0) / (1.0 + static_cast<double>(decay) * epoch));
}

}  // namespace medner
