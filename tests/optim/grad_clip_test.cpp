// Gradient norm, clipping and L2 over dense and touched sparse gradients.
#include "core/params.h"
#include "optim/grad_clip.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

// Dense "W" 2 x 1 with gradient (3, 4); sparse "emb" 3 x 3 with column 2 touched, gradient
// (12, 0, 0), and junk in untouched column 0 that must be ignored. Norm = sqrt(9 + 16 + 144) = 13.
struct Fixture {
  ParamStore store;
  Param w, emb;
  GradBuffer grads;
  Fixture() {
    emb = store.add("emb", 3, 3, true);
    w = store.add("W", 2, 1);
    store.finalize();
    store.value(w) << 2, -1;
    store.value(emb).setConstant(10);
    grads.reset(store);
    grads.grad(w) << 3, 4;
    grads.touch(emb, 2);
    grads.grad(emb).col(2) << 12, 0, 0;
    grads.grad(emb).col(0).setConstant(100);  // untouched: not part of the gradient
  }
};

}  // namespace

TEST_CASE("grad_norm: dense prefix plus touched sparse columns only") {
  Fixture f;
  CHECK(grad_norm(f.store, f.grads) == doctest::Approx(13));
}

TEST_CASE("clip_grad_norm: rescales to max_norm and returns the norm before clipping") {
  Fixture f;
  CHECK(clip_grad_norm(f.store, f.grads, real(6.5)) == doctest::Approx(13));
  CHECK(f.grads.grad(f.w)(0, 0) == doctest::Approx(1.5));
  CHECK(f.grads.grad(f.w)(1, 0) == doctest::Approx(2));
  CHECK(f.grads.grad(f.emb)(0, 2) == doctest::Approx(6));
  CHECK(f.grads.grad(f.emb)(0, 0) == 100);  // untouched column left alone
  CHECK(grad_norm(f.store, f.grads) == doctest::Approx(6.5));
}

TEST_CASE("clip_grad_norm: no change below the threshold or with max_norm <= 0") {
  for (real max_norm : {real(0), real(-1), real(13.5)}) {
    CAPTURE(max_norm);
    Fixture f;
    CHECK(clip_grad_norm(f.store, f.grads, max_norm) == doctest::Approx(13));
    CHECK(f.grads.grad(f.w)(0, 0) == 3);
    CHECK(f.grads.grad(f.emb)(0, 2) == 12);
  }
}

TEST_CASE("add_l2: grad += l2 * w on trainable dense and touched sparse values") {
  Fixture f;
  add_l2(f.store, f.grads, real(0.5));
  CHECK(f.grads.grad(f.w)(0, 0) == doctest::Approx(4));      // 3 + 0.5 * 2
  CHECK(f.grads.grad(f.w)(1, 0) == doctest::Approx(3.5));    // 4 + 0.5 * -1
  CHECK(f.grads.grad(f.emb)(1, 2) == doctest::Approx(5));    // 0 + 0.5 * 10
  CHECK(f.grads.grad(f.emb)(0, 1) == 0);                     // untouched
  Fixture frozen;
  frozen.store.set_trainable(frozen.w, false);
  add_l2(frozen.store, frozen.grads, real(0.5));
  CHECK(frozen.grads.grad(frozen.w)(0, 0) == 3);
  CHECK(frozen.grads.grad(frozen.emb)(1, 2) == doctest::Approx(5));
}
