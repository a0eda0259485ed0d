// Optimizers over the flat buffers of ParamStore / GradBuffer (core/params.h). A step is a plain
// loop over the dense prefix [0, dense_size()) plus, for each sparse parameter (embedding table,
// D x V), a loop over the columns the GradBuffer lists as touched: lazy updates, so a step costs
// O(dense + touched) and never O(vocabulary). Parameters with trainable == false never change.
// Not here: gradient clipping and L2 (grad_clip.h), the training loop (lib/train).
#pragma once

#include "core/params.h"
#include "core/tensor.h"

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
  virtual void step(ParamStore& store, GradBuffer& grads, real lr) = 0;

  // Checkpoint state: named flat buffers (the store's layout) and the step counter. Copying the
  // buffers and steps() into a fresh optimizer continues bit-identically.
  virtual std::vector<std::pair<std::string, std::vector<real>*>> state_buffers();
  virtual int64_t steps() const { return steps_; }
  virtual void set_steps(int64_t steps) { steps_ = steps; }

 protected:
  int64_t steps_ = 0;
};

// Classic momentum: v <- mu * v + g;  w <- w - lr * v  (mu = 0: plain SGD). Lazy for sparse rows:
// the velocity of an untouched column neither decays nor moves its column.
class Sgd : public Optimizer {
 public:
  Sgd(const ParamStore& store, real momentum);
  void step(ParamStore& store, GradBuffer& grads, real lr) override;
  std::vector<std::pair<std::string, std::vector<real>*>> state_buffers() override;

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
  void step(ParamStore& store, GradBuffer& grads, real lr) override;
  std::vector<std::pair<std::string, std::vector<real>*>> state_buffers() override;

 private:
  real beta1_, beta2_, eps_;
  std::vector<real> m_, v_;
};

// name: "sgd" (momentum as given) or "adam" (default betas; momentum unused). InputError otherwise.
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const ParamStore& store, real momentum);

// lr0 / (1 + decay * epoch), epoch counted from 0.
real lr_at_epoch(real lr0, real decay, int epoch);

// Calls f(begin, end) on each flat range [begin, end) that a step may change: maximal runs of
// consecutive trainable dense parameters, then each touched column of each trainable sparse one.
template <class F>
void for_each_trainable_range(const ParamStore& store, const GradBuffer& grads, F f) {
  std::size_t run_begin = 0, run_end = 0;
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    if (info.sparse || !info.trainable) continue;
    const auto size = static_cast<std::size_t>(info.size());
    if (info.offset != run_end) {
      if (run_end > run_begin) f(run_begin, run_end);
      run_begin = info.offset;
    }
    run_end = info.offset + size;
  }
  if (run_end > run_begin) f(run_begin, run_end);
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    if (!info.sparse || !info.trainable) continue;
    const auto rows = static_cast<std::size_t>(info.rows);
    for (int32_t col : grads.touched(store.param(i))) {
      const std::size_t begin = info.offset + static_cast<std::size_t>(col) * rows;
      f(begin, begin + rows);
    }
  }
}

}  // namespace medner
