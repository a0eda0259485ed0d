// A step split into slices (optim/optimizer.h, optim/grad_clip.h) against the whole step: the
// optimizers, L2 and scaling give identical bits for any split, and the norm from per-slice sums
// is grad_norm's for one slice and equal to it within rounding for more.
#include "core/params.h"
#include "core/rng.h"
#include "optim/grad_clip.h"
#include "optim/optimizer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace medner;

namespace {

// Dense parameters with gaps between them, one of them frozen, two sparse tables (one frozen);
// random values, gradients and touched columns (out of order) from the seed.
struct Model {
  ParamStore store;
  Param words, chars, w1, frozen, w2;
  GradBuffer grads;
  explicit Model(bool freeze) {
    words = store.add("words", 9, 60, true);
    w1 = store.add("W1", 37, 11);
    chars = store.add("chars", 4, 30, true);
    frozen = store.add("F", 17, 3);
    w2 = store.add("W2", 101, 7);
    store.finalize();
    if (freeze) {
      store.set_trainable(frozen, false);
      store.set_trainable(chars, false);
    }
    Rng rng(3);
    for (std::size_t i = 0; i < store.size(); ++i) store.data()[i] = static_cast<real>(rng.normal());
    grads.reset(store);
  }
  void set_grads(uint64_t seed) {
    grads.zero();
    Rng rng(seed);
    for (Param p : {w1, w2})
      for (Index i = 0; i < grads.grad(p).size(); ++i) grads.grad(p).data()[i] = static_cast<real>(rng.normal());
    for (Param p : {words, chars})
      for (int k = 0; k < 12; ++k) {
        const auto col = static_cast<Index>(rng.next() % static_cast<uint64_t>(store.info(p).cols));
        grads.touch(p, col);
        grads.grad(p).col(col) += Vector::Constant(store.info(p).rows, static_cast<real>(rng.normal()));
      }
  }
};

bool same_bits(const real* a, const real* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(real)) == 0; }

}  // namespace

TEST_CASE("optimizers: a step over the slices of any split gives the whole step's bits") {
  for (const char* name : {"sgd", "adam"})
    for (bool freeze : {false, true})
      for (int parts : {1, 2, 3, 8}) {
        CAPTURE(name);
        CAPTURE(freeze);
        CAPTURE(parts);
        Model whole(freeze), sliced(freeze);
        auto opt_whole = make_optimizer(name, whole.store, real(0.9));
        auto opt_sliced = make_optimizer(name, sliced.store, real(0.9));
        for (uint64_t step = 1; step <= 3; ++step) {
          whole.set_grads(step);
          sliced.set_grads(step);
          opt_whole->step(whole.store, whole.grads, real(0.01));
          opt_sliced->begin_step();
          const std::vector<GradSlice> s = sliced.grads.split(parts);
          for (auto it = s.rbegin(); it != s.rend(); ++it) opt_sliced->step(sliced.store, sliced.grads, real(0.01), *it);
        }
        CHECK(opt_whole->steps() == opt_sliced->steps());
        CHECK(same_bits(whole.store.data(), sliced.store.data(), whole.store.size()));
        auto a = opt_whole->state_buffers(), b = opt_sliced->state_buffers();
        for (std::size_t k = 0; k < a.size(); ++k) CHECK(*a[k].second == *b[k].second);
        // The step did something, and not to frozen values.
        Model start(freeze);
        CHECK_FALSE(same_bits(start.store.data(), sliced.store.data(), start.store.size()));
        if (freeze) CHECK(start.store.value(start.frozen) == sliced.store.value(sliced.frozen));
      }
}

TEST_CASE("grad_clip: L2 and scaling over the slices give the whole buffer's bits") {
  for (int parts : {1, 2, 5}) {
    CAPTURE(parts);
    Model whole(true), sliced(true);
    whole.set_grads(9);
    sliced.set_grads(9);
    add_l2(whole.store, whole.grads, real(0.01));
    scale_grads(whole.store, whole.grads, whole.grads.whole(), real(0.3));
    for (const GradSlice& s : sliced.grads.split(parts)) {
      add_l2(sliced.store, sliced.grads, real(0.01), s);
      scale_grads(sliced.store, sliced.grads, s, real(0.3));
    }
    CHECK(same_bits(whole.grads.data(), sliced.grads.data(), whole.grads.size()));
  }
}

TEST_CASE("grad_clip: the norm from per-slice sums of squares") {
  Model m(false);
  m.set_grads(5);
  const real norm = grad_norm(m.store, m.grads);
  // By hand: dense values and touched columns.
  double sum = 0;
  for (Param p : {m.w1, m.w2}) sum += m.grads.grad(p).cast<double>().squaredNorm();
  for (Param p : {m.words, m.chars})
    for (int32_t c : m.grads.touched(p)) sum += m.grads.grad(p).col(c).cast<double>().squaredNorm();
  CHECK(norm == doctest::Approx(std::sqrt(sum)).epsilon(1e-6));
  for (int parts : {1, 2, 3, 7}) {
    CAPTURE(parts);
    std::vector<double> sums;
    for (const GradSlice& s : m.grads.split(parts)) sums.push_back(grad_norm_squared(m.store, m.grads, s));
    const real sliced = norm_of_slices(sums);
    if (parts == 1)
      CHECK(sliced == norm);  // the serial order: the same bits
    else
      CHECK(sliced == doctest::Approx(norm).epsilon(1e-6));
    CHECK(norm_of_slices(sums) == sliced);  // a function of the split, not of timing
  }
  // Junk in an untouched column is not part of any slice.
  m.grads.grad(m.words).col(m.store.info(m.words).cols - 1).setConstant(1e3);
  if (!m.grads.is_touched(m.words, m.store.info(m.words).cols - 1)) {
    std::vector<double> sums;
    for (const GradSlice& s : m.grads.split(3)) sums.push_back(grad_norm_squared(m.store, m.grads, s));
    CHECK(norm_of_slices(sums) == doctest::Approx(norm).epsilon(1e-6));
  }
}
