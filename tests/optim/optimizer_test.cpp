// SGD and Adam: single updates against steps computed by hand, lazy sparse columns, frozen
// parameters, checkpoint state round trip, the factory and the lr schedule.
#include "core/error.h"
#include "core/params.h"
#include "optim/optimizer.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace medner;

namespace {

const double kTol = sizeof(real) == 4 ? 1e-6 : 1e-12;

// A sparse 2 x 3 table [1 2 3; 4 5 6] added first (finalize moves it behind the dense ones), a
// dense 2 x 1 "W" = [1, -2] and a dense 1 x 1 "b" = 5.
struct Fixture {
  ParamStore store;
  Param emb, w, b;
  GradBuffer grads;
  Fixture() {
    emb = store.add("emb", 2, 3, true);
    w = store.add("W", 2, 1);
    b = store.add("b", 1, 1);
    store.finalize();
    store.value(emb) << 1, 2, 3, 4, 5, 6;
    store.value(w) << 1, -2;
    store.value(b)(0, 0) = 5;
    grads.reset(store);
  }
  // Sets the dense gradients and touches column 1 of the table with gradient `e`.
  void set_grads(real gw0, real gw1, real gb, real e) {
    grads.zero();
    grads.grad(w) << gw0, gw1;
    grads.grad(b)(0, 0) = gb;
    grads.touch(emb, 1);
    grads.grad(emb).col(1).setConstant(e);
  }
};

bool close(double a, double b) { return std::abs(a - b) <= kTol * std::max(1.0, std::abs(b)); }

}  // namespace

TEST_CASE("sgd: momentum steps match the hand computation") {
  Fixture f;
  Sgd sgd(f.store, real(0.9));
  // w = 1, g = 0.5, lr = 0.1:  v = 0.5, w = 1 - 0.05 = 0.95
  f.set_grads(real(0.5), real(-1), real(2), real(1));
  sgd.step(f.store, f.grads, real(0.1));
  CHECK(close(f.store.value(f.w)(0, 0), 0.95));
  CHECK(close(f.store.value(f.w)(1, 0), -1.9));  // v = -1, w = -2 + 0.1
  CHECK(close(f.store.value(f.b)(0, 0), 4.8));   // v = 2, w = 5 - 0.2
  // g = 0.25:  v = 0.9 * 0.5 + 0.25 = 0.7, w = 0.95 - 0.07 = 0.88
  f.set_grads(real(0.25), real(0), real(0), real(1));
  sgd.step(f.store, f.grads, real(0.1));
  CHECK(close(f.store.value(f.w)(0, 0), 0.88));
  CHECK(close(f.store.value(f.w)(1, 0), -1.81));  // v = -0.9, w = -1.9 + 0.09
  CHECK(close(f.store.value(f.b)(0, 0), 4.62));   // v = 1.8, w = 4.8 - 0.18
  // Table column 1 = (2, 5) (the comma initialiser fills rows): v = 1 then 1.9, so
  // w = 2 - 0.1 - 0.19 = 1.71 and 5 - 0.29 = 4.71.
  CHECK(close(f.store.value(f.emb)(0, 1), 1.71));
  CHECK(close(f.store.value(f.emb)(1, 1), 4.71));
  CHECK(sgd.steps() == 2);
}

TEST_CASE("sgd: momentum 0 is plain gradient descent") {
  Fixture f;
  Sgd sgd(f.store, 0);
  f.set_grads(real(0.5), real(-1), real(2), real(1));
  sgd.step(f.store, f.grads, real(0.5));
  sgd.step(f.store, f.grads, real(0.5));
  CHECK(close(f.store.value(f.w)(0, 0), 0.5));  // 1 - 2 * 0.25
  CHECK(close(f.store.value(f.w)(1, 0), -1));   // -2 + 2 * 0.5
}

TEST_CASE("adam: two steps match the hand computation (bias-corrected)") {
  Fixture f;
  Adam adam(f.store);
  // t = 1, g = 0.5: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25, w = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
  // t = 2, g = 0.25: m = 0.9 * 0.05 + 0.1 * 0.25 = 0.07; v = 0.999 * 0.00025 + 0.001 * 0.0625
  //   = 0.00031225; m^ = 0.07 / 0.19 = 0.368421; v^ = 0.00031225 / 0.001999 = 0.156203;
  //   w = 0.9 - 0.1 * 0.368421 / 0.395225 = 0.806782
  // Second element: g = -1 then 3, from -2: -1.9 then -1.9494190.
  f.set_grads(real(0.5), real(-1), 0, 0);
  adam.step(f.store, f.grads, real(0.1));
  CHECK(std::abs(f.store.value(f.w)(0, 0) - 0.9) < 1e-6);
  CHECK(std::abs(f.store.value(f.w)(1, 0) - -1.9) < 1e-6);
  f.set_grads(real(0.25), real(3), 0, 0);
  adam.step(f.store, f.grads, real(0.1));
  CHECK(std::abs(f.store.value(f.w)(0, 0) - 0.8067820) < 2e-6);
  CHECK(std::abs(f.store.value(f.w)(1, 0) - -1.9494190) < 2e-6);
  CHECK(adam.steps() == 2);
  const auto state = adam.state_buffers();
  REQUIRE(state.size() == 2);
  CHECK(state[0].first == "m");
  const std::size_t at = f.store.info(f.w).offset;
  CHECK(close((*state[0].second)[at], 0.07));
  CHECK(close((*state[1].second)[at], 0.00031225));
}

TEST_CASE("optimizers: sparse columns not listed as touched are not updated") {
  for (const char* name : {"sgd", "adam"}) {
    CAPTURE(name);
    Fixture f;
    auto opt = make_optimizer(name, f.store, real(0.9));
    f.set_grads(1, 1, 1, 1);
    // Gradient in untouched columns 0 and 2 (breaking GradBuffer's invariant on purpose):
    // a lazy optimizer must not even read them.
    f.grads.grad(f.emb).col(0).setConstant(7);
    f.grads.grad(f.emb).col(2).setConstant(7);
    const Matrix before = f.store.value(f.emb);
    opt->step(f.store, f.grads, real(0.1));
    opt->step(f.store, f.grads, real(0.1));
    CHECK(f.store.value(f.emb).col(0) == before.col(0));
    CHECK(f.store.value(f.emb).col(2) == before.col(2));
    CHECK(f.store.value(f.emb).col(1) != before.col(1));
    // No state either for the untouched columns.
    for (auto& [buffer, values] : opt->state_buffers()) {
      CAPTURE(buffer);
      const std::size_t col0 = f.store.info(f.emb).offset;
      CHECK((*values)[col0] == 0);
      CHECK((*values)[col0 + 4] == 0);
      CHECK((*values)[col0 + 2] != 0);
    }
  }
}

TEST_CASE("optimizers: frozen parameters never change") {
  for (const char* name : {"sgd", "adam"}) {
    CAPTURE(name);
    Fixture f;
    f.store.set_trainable(f.w, false);
    f.store.set_trainable(f.emb, false);
    auto opt = make_optimizer(name, f.store, real(0.9));
    f.set_grads(1, 1, 1, 1);
    const Matrix w = f.store.value(f.w), emb = f.store.value(f.emb);
    opt->step(f.store, f.grads, real(0.1));
    CHECK(f.store.value(f.w) == w);
    CHECK(f.store.value(f.emb) == emb);
    CHECK(f.store.value(f.b)(0, 0) != 5);  // the trainable one between them moved
  }
}

TEST_CASE("optimizers: state copied into a fresh optimizer continues bit-identically") {
  for (const char* name : {"sgd", "adam"}) {
    CAPTURE(name);
    Fixture f;
    auto opt = make_optimizer(name, f.store, real(0.9));
    for (int s = 0; s < 3; ++s) {
      f.set_grads(real(0.5) * real(s + 1), real(-1), real(0.25), real(s) - 1);
      opt->step(f.store, f.grads, real(0.1));
    }
    // "Checkpoint": copy parameters and state out, restore into a new optimizer.
    ParamStore restored = f.store;
    auto fresh = make_optimizer(name, restored, real(0.9));
    auto from = opt->state_buffers();
    auto to = fresh->state_buffers();
    REQUIRE(from.size() == to.size());
    for (std::size_t i = 0; i < from.size(); ++i) {
      CHECK(from[i].first == to[i].first);
      *to[i].second = *from[i].second;
    }
    fresh->set_steps(opt->steps());
    auto never_restored = make_optimizer(name, restored, real(0.9));
    ParamStore control = restored;

    f.set_grads(real(0.3), real(0.7), real(-0.2), real(0.9));
    opt->step(f.store, f.grads, real(0.1));
    fresh->step(restored, f.grads, real(0.1));
    never_restored->step(control, f.grads, real(0.1));
    CHECK(std::memcmp(f.store.data(), restored.data(), f.store.size() * sizeof(real)) == 0);
    CHECK(std::memcmp(f.store.data(), control.data(), f.store.size() * sizeof(real)) != 0);
  }
}

TEST_CASE("optimizers: factory names and lr schedule") {
  Fixture f;
  CHECK(dynamic_cast<Sgd*>(make_optimizer("sgd", f.store, real(0.9)).get()) != nullptr);
  CHECK(dynamic_cast<Adam*>(make_optimizer("adam", f.store, 0).get()) != nullptr);
  CHECK_THROWS_WITH_AS(make_optimizer("adagrad", f.store, 0), doctest::Contains("got 'adagrad'"), InputError);
  CHECK(close(lr_at_epoch(real(0.1), real(0.05), 0), 0.1));
  CHECK(close(lr_at_epoch(real(0.1), real(0.05), 10), 0.1 / 1.5));
  CHECK(close(lr_at_epoch(real(0.015), 0, 7), 0.015));
}
