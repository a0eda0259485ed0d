#include "core/arena.h"
#include "core/error.h"
#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"

#include <doctest/doctest.h>

#include <limits>

using namespace medner;

TEST_CASE("tape: nodes get a gradient only if an input has one") {
  Tape tape;
  NodeId c = tape.constant(Matrix::Ones(2, 2));
  NodeId v = tape.variable(Matrix::Ones(2, 2));
  NodeId a = tape.add_node("test", 2, 2, {c});
  NodeId b = tape.add_node("test", 2, 2, {c, v});
  CHECK_FALSE(tape.needs_grad(c));
  CHECK(tape.needs_grad(v));
  CHECK_FALSE(tape.needs_grad(a));
  CHECK(tape.needs_grad(b));
  CHECK(tape.grad(b).isZero());
}

TEST_CASE("tape: backward runs closures in reverse creation order and accumulates") {
  Tape tape;
  NodeId x = tape.variable(Matrix::Constant(1, 1, 3));
  // y = x + x through two nodes that each add their gradient to x: fan-out must accumulate.
  NodeId y = tape.add_node("twice", 1, 1, {x});
  tape.value(y)(0, 0) = 2 * tape.value(x)(0, 0);
  tape.set_backward(y, [y, x](Tape& t) {
    t.grad(x)(0, 0) += t.grad(y)(0, 0);
    t.grad(x)(0, 0) += t.grad(y)(0, 0);
  });
  tape.backward(y);
  CHECK(tape.grad(x)(0, 0) == doctest::Approx(2));
}

TEST_CASE("tape: clear keeps arena memory, so a repeated step allocates nothing new") {
  Tape tape;
  for (int step = 0; step < 3; ++step) {
    tape.clear();
    for (int i = 0; i < 2000; ++i) tape.constant(64, 32);
  }
  std::size_t cap = tape.arena_capacity();
  tape.clear();
  for (int i = 0; i < 2000; ++i) tape.constant(64, 32);
  CHECK(tape.arena_capacity() == cap);
}

TEST_CASE("tape: check_finite names the op") {
  Tape tape;
  tape.set_check_finite(true);
  NodeId x = tape.constant(1, 1);
  tape.value(x)(0, 0) = std::numeric_limits<real>::quiet_NaN();
  CHECK_THROWS_WITH_AS(tape.constant(1, 1), doctest::Contains("non-finite value in node 0 (constant"),
                       NumericError);
}

TEST_CASE("params: finalize puts dense parameters first and keeps values") {
  ParamStore store;
  Param e = store.add("emb", 3, 10, true);
  Param w = store.add("W", 2, 2);
  store.value(e).setConstant(1);
  store.value(w).setConstant(2);
  store.finalize();
  CHECK(store.info(w).offset == 0);
  CHECK(store.info(e).offset == kParamAlign);  // next 64-byte boundary after W
  CHECK(store.dense_size() == kParamAlign);
  CHECK(reinterpret_cast<std::uintptr_t>(store.data()) % kBufferAlign == 0);
  CHECK(store.value(e).isConstant(1));
  CHECK(store.value(w).isConstant(2));
}

TEST_CASE("params: sparse gradients zero and add only touched columns") {
  ParamStore store;
  Param e = store.add("emb", 2, 5, true);
  store.finalize();
  GradBuffer a(store), b(store);
  b.grad(e).col(3).setConstant(1);
  b.touch(e, 3);
  a.add(b);
  CHECK(a.touched(e).size() == 1);
  CHECK(a.grad(e).col(3).isConstant(1));
  a.zero();
  CHECK(a.touched(e).empty());
  CHECK(a.grad(e).isZero());
}

TEST_CASE("rng: same seed, same sequence; state round-trips") {
  Rng a(42), b(42);
  for (int i = 0; i < 10; ++i) CHECK(a.next() == b.next());
  auto s = a.state();
  uint64_t next = a.next();
  b.set_state(s);
  CHECK(b.next() == next);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) sum += a.uniform();
  CHECK(sum / 10000 == doctest::Approx(0.5).epsilon(0.02));
}
