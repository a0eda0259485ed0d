#include "layers/linear.h"

#include "ops/linalg.h"

#include <cmath>

namespace medner {

void init_uniform(ParamStore& store, Param p, real limit, Rng& rng) {
  auto v = store.value(p);
  for (Index i = 0; i < v.size(); ++i) v.data()[i] = static_cast<real>(rng.uniform(-limit, limit));
}

Linear::Linear(ParamStore& store, const std::string& name, Index in, Index out, Rng& rng)
    : W_(store.add(name + "/W", out, in)), b_(store.add(name + "/b", out, 1)), in_(in), out_(out) {
  init_uniform(store, W_, static_cast<real>(std::sqrt(6.0 / static_cast<double>(in + out))), rng);
}

NodeId Linear::operator()(Tape& tape, const ParamStore& store, NodeId x) const {
  return affine(tape, tape.param(store, W_), x, tape.param(store, b_));
}

}  // namespace medner
