// SGD and Adam minimise a quadratic loss built on the tape: the end-to-end path
// tape.param -> backward into the GradBuffer -> optimizer step.
#include "core/params.h"
#include "core/tape.h"
#include "optim/grad_clip.h"
#include "optim/optimizer.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

// loss = 1/2 sum_i c_i (w_i - t_i)^2 -> 1 x 1;  d loss / d w_i = c_i (w_i - t_i).
// target and curvature (same shape as w) must outlive backward.
NodeId quadratic(Tape& tape, NodeId w, const Matrix& target, const Matrix& curvature) {
  const NodeId out = tape.add_node("quadratic", 1, 1, {w});
  const Matrix diff = tape.value(w) - target;
  tape.value(out)(0, 0) = real(0.5) * (curvature.array() * diff.array().square()).sum();
  const real* t = target.data();
  const real* c = curvature.data();
  tape.set_backward(out, [w, out, t, c](Tape& tp) {
    const Index n = tp.value(w).size();
    const real g = tp.grad(out)(0, 0);
    for (Index i = 0; i < n; ++i) tp.grad(w).data()[i] += g * c[i] * (tp.value(w).data()[i] - t[i]);
  });
  return out;
}

// Runs `steps` steps of the named optimizer; returns the first and last loss.
std::pair<real, real> minimise(const char* name, real lr, int steps) {
  ParamStore store;
  const Param w = store.add("w", 3, 2);
  store.finalize();
  store.value(w) << 1, -2, 0.5, 3, -1, 2;
  const Matrix target = (Matrix(3, 2) << 0.25, 0.125, -0.375, 1, 0, -0.5).finished();
  const Matrix curvature = (Matrix(3, 2) << 1, 2, 0.5, 1.5, 3, 1).finished();
  GradBuffer grads(store);
  Tape tape(&grads);
  auto opt = make_optimizer(name, store, real(0.9));
  real first = 0, last = 0;
  for (int s = 0; s < steps; ++s) {
    tape.clear();
    grads.zero();
    const NodeId loss = quadratic(tape, tape.param(store, w), target, curvature);
    tape.backward(loss);
    clip_grad_norm(store, grads, real(5));
    opt->step(store, grads, lr);
    if (s == 0) first = tape.scalar(loss);
    last = tape.scalar(loss);
  }
  return {first, last};
}

}  // namespace

TEST_CASE("optimizers: sgd with momentum reduces a quadratic loss built on the tape") {
  const auto [first, last] = minimise("sgd", real(0.05), 200);
  CHECK(first > 10);
  CHECK(last < first * real(1e-4));
}

TEST_CASE("optimizers: adam reduces a quadratic loss built on the tape") {
  const auto [first, last] = minimise("adam", real(0.05), 300);
  CHECK(first > 10);
  CHECK(last < first * real(1e-3));
}
