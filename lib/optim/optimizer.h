// Optimizers over the flat buffers of ParamStore / GradBuffer (core/params.h). A step is a plain
// loop over the dense prefix [0, dense_size()) plus, for each sparse parameter (embedding table,
// D x V), a loop over the columns the GradBuffer lists as touched: lazy updates, so a step costs
// O(dense + touched) and never O(vocabulary). Parameters with trainable == false never change.
// A step can also be split over threads: begin_step() once, then step() on each slice of one
// GradBuffer::split() (core/params.h), concurrently; every value is updated as the whole step
// updates it, so the result is the same bits for any split.
// Not here: gradient clipping and L2 (grad_clip.h), the training loop (lib/train).
#pragma once

#include "core/params.h"
#include "core/tensor.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace medner {

class Optimizer {
 public:
  virtual ~Optimizer();
  // w <- update(w, grad) for every trainable value; lr is this step's learning rate.
  // The same as begin_step() and step() over grads.whole().
  void step(ParamStore& store, GradBuffer& grads, real lr);
  // Starts a step: counts it and fixes its constants (Adam's bias corrections). One thread.
  void begin_step();
  // The step on one slice of the gradients; slices of one split may run concurrently.
  void step(ParamStore& store, const GradBuffer& grads, real lr, const GradSlice& slice);

  // Checkpoint state: named flat buffers (the store's layout) and the step counter. Copying the
  // buffers and steps() into a fresh optimizer continues bit-identically.
  virtual std::vector<std::pair<std::string, std::vector<real>*>> state_buffers();
  virtual int64_t steps() const { return steps_; }
  virtual void set_steps(int64_t steps) { steps_ = steps; }

 protected:
  virtual void prepare_step() {}  // after steps_ was incremented
  // w[i] <- update for i in [begin, end), a range for_each_trainable_range gives.
  virtual void update(real* w, const real* g, real lr, std::size_t begin, std::size_t end) = 0;
  // The sizes every call checks against (the store and gradients the optimizer was built for).
  virtual std::size_t state_size() const = 0;

  int64_t steps_ = 0;
};

// Classic momentum: v <- mu * v + g;  w <- w - lr * v  (mu = 0: plain SGD). Lazy for sparse rows:
// the velocity of an untouched column neither decays nor moves its column.
class Sgd : public Optimizer {
 public:
  Sgd(const ParamStore& store, real momentum);
  std::vector<std::pair<std::string, std::vector<real>*>> state_buffers() override;

 protected:
  void update(real* w, const real* g, real lr, std::size_t begin, std::size_t end) override;
  std::size_t state_size() const override { return velocity_.size(); }

 private:
  real momentum_;
  std::vector<real> velocity_;
};

// Adam (Kingma & Ba 2015, Algorithm 1) with bias correction, t = steps() after increment:
//   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
//   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// Lazy for sparse columns (untouched columns keep m, v and w; t is global), like TF's LazyAdam.
class Adam : public Optimizer {
 public:
  explicit Adam(const ParamStore& store, real beta1 = real(0.9), real beta2 = real(0.999), real eps = real(1e-8));
  std::vector<std::pair<std::string, std::vector<real>*>> state_buffers() override;

 protected:
  void prepare_step() override;
  void update(real* w, const real* g, real lr, std::size_t begin, std::size_t end) override;
  std::size_t state_size() const override { return m_.size(); }

 private:
  real beta1_, beta2_, eps_;
  real bc1_ = 1, bc2_ = 1;  // this step's 1 - beta^t
  std::vector<real> m_, v_;
};

// name: "sgd" (momentum as given) or "adam" (default betas; momentum unused). InputError otherwise.
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const ParamStore& store, real momentum);

// lr0 / (1 + decay * epoch), epoch counted from 0.
real lr_at_epoch(real lr0, real decay, int epoch);

// Calls f(begin, end) on each flat range [begin, end) of `slice` that a step may change: maximal
// runs of consecutive trainable dense parameters (cut to the slice's dense range), then each of
// the slice's columns of a trainable sparse parameter.
template <class F>
void for_each_trainable_range(const ParamStore& store, const GradBuffer& grads, const GradSlice& slice, F f) {
  auto emit = [&](std::size_t begin, std::size_t end) {
    begin = std::max(begin, slice.dense_begin);
    end = std::min(end, slice.dense_end);
    if (end > begin) f(begin, end);
  };
  std::size_t run_begin = 0, run_end = 0;
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    if (info.sparse || !info.trainable) continue;
    const auto size = static_cast<std::size_t>(info.size());
    if (info.offset != run_end) {
      if (run_end > run_begin) emit(run_begin, run_end);
      run_begin = info.offset;
    }
    run_end = info.offset + size;
  }
  if (run_end > run_begin) emit(run_begin, run_end);
  grads.for_each_column(slice, [&](Param p, int32_t, std::size_t begin, Index rows) {
    if (store.info(p).trainable) f(begin, begin + static_cast<std::size_t>(rows));
  });
}

// The same over the whole step.
template <class F>
void for_each_trainable_range(const ParamStore& store, const GradBuffer& grads, F f) {
  for_each_trainable_range(store, grads, grads.whole(), f);
}

}  // namespace medner
