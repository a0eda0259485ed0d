// Finite-difference checks of every op's full Jacobian (tests/common/gradcheck.h).
#include "common/gradcheck.h"
#include "core/rng.h"
#include "ops/concat_slice.h"
#include "ops/dropout.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/lookup.h"
#include "ops/loss.h"
#include "ops/reduce.h"

#include <doctest/doctest.h>

using namespace medner;
using medner::test::grad_check;
using medner::test::random_matrix;

#define CHECK_GRADS(report)                                 \
  do {                                                      \
    auto r_ = (report);                                     \
    INFO(r_.worst);                                         \
    CHECK(r_.checked > 0);                                  \
    CHECK(r_.ok);                                           \
  } while (0)

TEST_CASE("ops: matmul gradients, all four transpose combinations") {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      Matrix a = ta ? random_matrix(4, 3, 1) : random_matrix(3, 4, 1);
      Matrix b = tb ? random_matrix(2, 4, 2) : random_matrix(4, 2, 2);
      CHECK_GRADS(grad_check({a, b}, [ta, tb](Tape& t, const std::vector<NodeId>& x) {
        return matmul(t, x[0], x[1], ta != 0, tb != 0);
      }));
    }
}

TEST_CASE("ops: matmul values equal Eigen's product") {
  Tape t;
  Matrix a = random_matrix(3, 4, 1), b = random_matrix(5, 4, 2);
  NodeId y = matmul(t, t.constant(a), t.constant(b), false, true);
  CHECK(t.value(y).isApprox(a * b.transpose()));
}

TEST_CASE("ops: affine and add_bias gradients") {
  CHECK_GRADS(grad_check({random_matrix(3, 4, 1), random_matrix(4, 5, 2), random_matrix(3, 1, 3)},
                         [](Tape& t, const std::vector<NodeId>& x) { return affine(t, x[0], x[1], x[2]); }));
  CHECK_GRADS(grad_check({random_matrix(3, 4, 1), random_matrix(3, 1, 3)},
                         [](Tape& t, const std::vector<NodeId>& x) { return add_bias(t, x[0], x[1]); }));
}

TEST_CASE("ops: elementwise gradients") {
  Matrix a = random_matrix(3, 4, 1, -2, 2), b = random_matrix(3, 4, 2, -2, 2);
  CHECK_GRADS(grad_check({a, b}, [](Tape& t, const std::vector<NodeId>& x) { return add(t, x[0], x[1]); }));
  CHECK_GRADS(grad_check({a, b}, [](Tape& t, const std::vector<NodeId>& x) { return subtract(t, x[0], x[1]); }));
  CHECK_GRADS(grad_check({a, b}, [](Tape& t, const std::vector<NodeId>& x) { return multiply(t, x[0], x[1]); }));
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return scale(t, x[0], real(-1.5)); }));
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return sigmoid(t, x[0]); }));
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return medner::tanh(t, x[0]); }));
}

TEST_CASE("ops: relu gradient away from the kink") {
  Matrix a = random_matrix(3, 4, 1, -2, 2);
  // Move elements away from 0 so that central differences do not straddle the kink.
  a = a.unaryExpr([](real v) { return std::abs(v) < real(0.1) ? v + real(0.3) : v; });
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return relu(t, x[0]); }));
}

TEST_CASE("ops: relu skip hook excludes points at the kink") {
  Matrix a = random_matrix(2, 2, 1, 0.5, 1);
  a(0, 0) = 0;  // exactly at the kink: the central difference is 0.5, the subgradient 0
  medner::test::GradCheckOptions opt;
  opt.skip = [](int input, Index element) { return input == 0 && element == 0; };
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return relu(t, x[0]); }, nullptr, opt));
  CHECK_FALSE(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return relu(t, x[0]); }).ok);
}

TEST_CASE("ops: sum, mean gradients") {
  Matrix a = random_matrix(3, 4, 1);
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return sum(t, x[0]); }));
  CHECK_GRADS(grad_check({a}, [](Tape& t, const std::vector<NodeId>& x) { return mean(t, x[0]); }));
}

TEST_CASE("ops: max_over_time values and gradients with unequal lengths") {
  // F=3, T=4, B=3 with lengths 4, 2, 0: distinct values so the arg-max is unique.
  Matrix x = random_matrix(3, 12, 7, -3, 3);
  const int lengths[3] = {4, 2, 0};
  Tape t;
  NodeId y = max_over_time(t, t.constant(x), 3, lengths);
  for (Index f = 0; f < 3; ++f) {
    CHECK(t.value(y)(f, 0) == std::max({x(f, 0), x(f, 3), x(f, 6), x(f, 9)}));
    CHECK(t.value(y)(f, 1) == std::max(x(f, 1), x(f, 4)));
    CHECK(t.value(y)(f, 2) == 0);
  }
  CHECK_GRADS(grad_check({x}, [&lengths](Tape& tp, const std::vector<NodeId>& v) {
    return max_over_time(tp, v[0], 3, lengths);
  }));
}

TEST_CASE("ops: concat_rows, slice_rows, slice_cols gradients") {
  Matrix a = random_matrix(2, 3, 1), b = random_matrix(3, 3, 2);
  CHECK_GRADS(grad_check({a, b}, [](Tape& t, const std::vector<NodeId>& x) { return concat_rows(t, {x[0], x[1], x[0]}); }));
  CHECK_GRADS(grad_check({b}, [](Tape& t, const std::vector<NodeId>& x) { return slice_rows(t, x[0], 1, 2); }));
  CHECK_GRADS(grad_check({b}, [](Tape& t, const std::vector<NodeId>& x) { return slice_cols(t, x[0], 1, 2); }));
}

TEST_CASE("ops: shape errors name the op and every input shape") {
  Tape t;
  NodeId a = t.constant(Matrix::Zero(2, 3)), b = t.constant(Matrix::Zero(4, 5));
  CHECK_THROWS_WITH(matmul(t, a, b), doctest::Contains("matmul: bad input shapes (2x3, 4x5)"));
  CHECK_THROWS_WITH(add(t, a, b), doctest::Contains("add: bad input shapes (2x3, 4x5)"));
  CHECK_THROWS_WITH(concat_rows(t, {a, b}), doctest::Contains("concat_rows: bad input shapes (2x3, 4x5)"));
}

TEST_CASE("ops: gather_columns gradient with repeats and zero columns") {
  const int idx[5] = {2, 0, 2, -1, 1};
  CHECK_GRADS(grad_check({random_matrix(3, 3, 4)}, [&idx](Tape& t, const std::vector<NodeId>& x) {
    return gather_columns(t, x[0], idx, 5);
  }));
}

TEST_CASE("ops: lookup gradient lands in touched columns of a sparse table only") {
  ParamStore store;
  Param table = store.add("emb", 3, 6, true);
  store.finalize();
  store.value(table) = random_matrix(3, 6, 5);
  const int ids[4] = {4, 1, 4, 0};
  CHECK_GRADS(grad_check({random_matrix(3, 4, 6)}, [&](Tape& t, const std::vector<NodeId>& x) {
    return multiply(t, lookup(t, store, table, ids, 4), x[0]);
  }, &store));
  GradBuffer grads(store);
  Tape t(&grads);
  NodeId loss = sum(t, lookup(t, store, table, ids, 4));
  t.backward(loss);
  std::vector<int32_t> touched = grads.touched(table);
  std::sort(touched.begin(), touched.end());
  CHECK(touched == std::vector<int32_t>{0, 1, 4});
  CHECK(grads.grad(table).col(4).isConstant(2));
  CHECK(grads.grad(table).col(2).isZero());
}

TEST_CASE("ops: frozen table gets no gradient") {
  ParamStore store;
  Param table = store.add("emb", 2, 3, true);
  store.set_trainable(table, false);
  store.finalize();
  GradBuffer grads(store);
  Tape t(&grads);
  const int ids[1] = {1};
  NodeId y = lookup(t, store, table, ids, 1);
  CHECK_FALSE(t.needs_grad(y));
}

TEST_CASE("ops: dropout is inverted, seeded, and the identity at inference") {
  Matrix a = random_matrix(20, 50, 1, 1, 2);
  Tape t;
  NodeId x = t.constant(a);
  Rng rng(3);
  CHECK(dropout(t, x, real(0.5), rng, false) == x);
  NodeId y = dropout(t, x, real(0.5), rng, true);
  auto Y = t.value(y);
  Index zeros = 0;
  for (Index i = 0; i < Y.size(); ++i) {
    if (Y.data()[i] == 0) ++zeros;
    else CHECK(Y.data()[i] == doctest::Approx(2 * a.data()[i]));
  }
  CHECK(zeros > 400);
  CHECK(zeros < 600);
  Rng r1(9), r2(9);
  Tape t2;
  NodeId x2 = t2.constant(a);
  CHECK(t2.value(dropout(t2, x2, real(0.3), r1, true)) == t2.value(dropout(t2, x2, real(0.3), r2, true)));
  CHECK_GRADS(grad_check({a}, [](Tape& tp, const std::vector<NodeId>& v) {
    Rng r(5);
    return dropout(tp, v[0], real(0.4), r, true);
  }));
}

TEST_CASE("ops: log_softmax and softmax_nll gradients, padding ignored") {
  Matrix x = random_matrix(4, 5, 2, -2, 2);
  CHECK_GRADS(grad_check({x}, [](Tape& t, const std::vector<NodeId>& v) { return log_softmax(t, v[0]); }));
  const int gold[5] = {1, 3, -1, 0, 2};
  CHECK_GRADS(grad_check({x}, [&gold](Tape& t, const std::vector<NodeId>& v) { return softmax_nll(t, v[0], gold, 5); }));
  Tape t;
  NodeId loss = softmax_nll(t, t.constant(x), gold, 5);
  double expected = 0;
  for (int j = 0; j < 5; ++j) {
    if (gold[j] < 0) continue;
    double lse = std::log(x.col(j).cast<double>().array().exp().sum());
    expected += lse - static_cast<double>(x(gold[j], j));
  }
  CHECK(t.scalar(loss) == doctest::Approx(expected).epsilon(1e-5));
}
