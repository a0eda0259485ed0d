// An exponential moving average of the parameters (Polyak averaging with a decay), the weights a
// trained tagger is evaluated and saved with when `--average D` is on. The last iterate of Adam
// or SGD moves with every mini-batch; the average over the last few hundred steps is a flatter
// point that generalises better (as in Polyak and Juditsky 1992, and the moving averages of many
// sequence-labelling trainers). Bias-corrected like Adam's moments, so the average is a weighted
// mean of the iterates from the first step, not pulled towards zero early on:
//   s <- d s + (1 - d) w  after every optimizer step t;   average = s / (1 - d^t).
// The update is a pass over the whole flat store (frozen and untouched sparse values included:
// their average is their value), split into ranges so that threads can share it; every value is
// independent, so any split gives the same bits.
#pragma once

#include "core/tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace medner {

class ParamAverage {
 public:
  ParamAverage(std::size_t size, double decay);

  // s <- d s + (1 - d) w for i in [begin, end) of the store's values w.
  void update(const real* w, std::size_t begin, std::size_t end);
  // The average after `steps` updates (steps >= 1), into out[0, size()).
  void averaged(int64_t steps, real* out) const;

  double decay() const { return decay_; }
  std::size_t size() const { return sum_.size(); }
  // Checkpoint state: the running sum s; with the step count it resumes bit-identically.
  std::vector<real>& state() { return sum_; }

 private:
  double decay_;
  std::vector<real> sum_;
};

}  // namespace medner
