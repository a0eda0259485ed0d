// An exponential moving average of the parameters (Polyak averaging with a decay), the weights a
// trained tagger is evaluated and saved with when `--average D` is on. The last iterate of Adam
// or SGD moves with every mini-batch; the average over the last few hundred steps is a flatter
// point that generalises better (as in Polyak and Juditsky 1992, and the moving averages of many
// sequence-labelling trainers). Bias-corrected like Adam's moments, so the average is a weighted
// mean of the iterates from the first step, not pulled towards zero early on:
//   s <- d s + (1 - d) w  after every optimizer step t;   average = s / (1 - d^t).
//
// Lazy in the embedding tables, like the optimizer: a step changes only the dense parameters and
// the columns its mini-batch touched, and a column that keeps its value w for k steps needs no
// visit in between, since k updates in a row are s <- d^k s + (1 - d^k) w. So every step updates
// the dense values and the touched columns of its gradient slices (each thread its own slice, as
// in the optimizer step); a touched column first catches up over the steps it missed, and
// catch_up() brings every column to the current step before the average is read or saved. The
// cost per step is that of the optimizer step, not of the whole store (most of which is the word
// table).
#pragma once

#include "core/params.h"
#include "core/tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace medner {

class ParamAverage {
 public:
  // The layout of a finalized store: its dense prefix and its sparse tables.
  ParamAverage(const ParamStore& store, double decay);

  // Around the optimizer's step number `step` (1-based) on one slice of the gradient, with the
  // store's values w: before it, the slice's columns catch up to step - 1 (their values are still
  // the ones they had since they were last averaged); after it, the slice's dense range and
  // columns take s <- d s + (1 - d) w. Slices of one split are disjoint, so threads may do theirs
  // side by side.
  void before_step(const real* w, const GradBuffer& grads, const GradSlice& slice, int64_t step);
  void after_step(const real* w, const GradBuffer& grads, const GradSlice& slice, int64_t step);
  // Every column of every sparse table caught up to `step` (frozen tables included: their
  // average is their value). Required before averaged() and before saving state().
  void catch_up(const real* w, int64_t step);
  // The average after `steps` updates (steps >= 1), into out[0, size()); every column must have
  // been caught up to `steps`.
  void averaged(int64_t steps, real* out) const;

  double decay() const { return decay_; }
  std::size_t size() const { return sum_.size(); }
  // Checkpoint state: the running sum s, caught up to the step it is saved at. After loading it,
  // resumed_at(step) records that every column stands at that step.
  std::vector<real>& state() { return sum_; }
  void resumed_at(int64_t step);

 private:
  struct Table {
    std::size_t offset = 0;  // first value in the store
    Index rows = 0, cols = 0;
    std::size_t first = 0;   // its first column's index in at_
  };
  // s <- a s + b w on n values from `offset`.
  void blend(const real* w, std::size_t offset, std::size_t n, real a, real b);
  // s <- d^k s + (1 - d^k) w on `rows` values from `offset`: k steps at the value w.
  void hold(const real* w, std::size_t offset, Index rows, int64_t k);
  std::size_t column(Param p, int32_t col) const;

  double decay_;
  std::size_t dense_size_;
  std::vector<Table> tables_;    // by parameter id; rows == 0 for dense parameters
  std::vector<real> sum_;
  std::vector<int64_t> at_;      // per sparse column: the last step its sum includes
};

}  // namespace medner
