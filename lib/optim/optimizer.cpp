// Optimizer base, the factory and the learning-rate schedule.
#include "optim/optimizer.h"

#include "core/error.h"

namespace medner {

Optimizer::~Optimizer() = default;

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
