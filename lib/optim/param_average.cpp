#include "optim/param_average.h"

#include "core/error.h"

#include <cmath>

namespace medner {

ParamAverage::ParamAverage(std::size_t size, double decay) : decay_(decay), sum_(size, real(0)) {
  MEDNER_CHECK(decay > 0 && decay < 1, "ParamAverage: decay {} is not in (0, 1)", decay);
}

void ParamAverage::update(const real* w, std::size_t begin, std::size_t end) {
  MEDNER_CHECK(begin <= end && end <= sum_.size(), "ParamAverage::update: range [{}, {}) of {}", begin, end,
               sum_.size());
  const auto d = static_cast<real>(decay_);
  const auto one_minus_d = static_cast<real>(1 - decay_);
  real* s = sum_.data();
  for (std::size_t i = begin; i < end; ++i) s[i] = d * s[i] + one_minus_d * w[i];
}

void ParamAverage::averaged(int64_t steps, real* out) const {
  MEDNER_CHECK(steps >= 1, "ParamAverage::averaged: {} steps", steps);
  // 1 - d^t in double: for d near 1 and small t the float difference would lose digits.
  const auto scale = static_cast<real>(1.0 / (1.0 - std::pow(decay_, static_cast<double>(steps))));
  for (std::size_t i = 0; i < sum_.size(); ++i) out[i] = sum_[i] * scale;
}

}  // namespace medner
