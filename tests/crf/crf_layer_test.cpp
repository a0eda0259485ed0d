// The Crf layer: parameters in the store, its NLL through tape.param (gradient-checked over the
// store), decoders reading the store, and a steady-state training step that allocates nothing.
#include "common/gradcheck.h"
#include "core/error.h"
#include "core/rng.h"
#include "crf/crf_layer.h"

#include <doctest/doctest.h>

// The operator new counter of this binary (included here and nowhere else in tests/crf).
#include "common/alloc_counter.h"

using namespace medner;
using medner::test::grad_check;
using medner::test::random_matrix;

TEST_CASE("crf layer: parameters are named and shaped, zero or small uniform") {
  ParamStore store;
  Crf crf(store, "crf", 5);
  store.finalize();
  CHECK(store.info(store.find("crf/trans")).rows == 5);
  CHECK(store.info(store.find("crf/trans")).cols == 5);
  CHECK(store.info(store.find("crf/start")).rows == 5);
  CHECK(store.info(store.find("crf/start")).cols == 1);
  CHECK(store.info(store.find("crf/end")).rows == 5);
  CHECK(crf.trans().isZero(0));
  Rng rng(7);
  crf.init_uniform(rng, real(0.1));
  CHECK(crf.trans().cwiseAbs().maxCoeff() <= real(0.1));
  CHECK(crf.end().cwiseAbs().maxCoeff() <= real(0.1));
  CHECK(!crf.trans().isZero(0));
  CHECK(!crf.start().isZero(0));
  CHECK(!crf.end().isZero(0));
}

TEST_CASE("crf layer: nll gradient check over emissions and the stored parameters, with constraints") {
  ParamStore store;
  Crf crf(store, "crf", 4);
  Rng rng(3);
  crf.init_uniform(rng, real(1));
  crf.set_constraints(crf_constraints({"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2"));
  const Index T = 3, B = 2;
  const int lengths[B] = {3, 2};
  const int gold[T * B] = {1, 3, 2, 0, 0, -1};  // sentence 0: B I O; sentence 1: B-Dis O
  const auto report = grad_check({random_matrix(4, T * B, 5, -2, 2)}, [&](Tape& tape, const std::vector<NodeId>& x) {
    return crf.nll(tape, x[0], B, lengths, gold);
  }, &store);
  INFO(report.worst);
  CHECK(report.ok);
  CHECK(report.checked == 4 * T * B + 16 + 4 + 4);
}

TEST_CASE("crf layer: decoders read the current parameter values and the constraints") {
  ParamStore store;
  Crf crf(store, "tagger/crf", 3);
  store.finalize();
  Rng rng(9);
  crf.init_uniform(rng, real(2));
  const Matrix emit = random_matrix(3, 4, 11, -2, 2);
  CHECK(crf.viterbi(emit) == crf_viterbi(emit, crf.trans(), crf.start(), crf.end()));
  CHECK(crf.log_partition(emit) == crf_log_partition(emit, crf.trans(), crf.start(), crf.end()));

  const CrfConstraints c = crf_constraints({"O", "B-X", "I-X"}, "iob2");
  crf.set_constraints(c);
  // A strong O -> I-X transition and emission would win unconstrained; the layer must not take it.
  store.value(crf.trans_param())(0, 2) = 50;
  Matrix strong = emit;
  strong(2, 1) = 50;
  CrfWorkspace ws;
  const std::vector<int> path = crf.viterbi(strong, nullptr, &ws);
  CHECK(path == crf_viterbi(strong, crf.trans(), crf.start(), crf.end(), &c));
  CHECK(crf.span_probability(strong, 0, {0, 2}, &ws) == 0);
  crf.clear_constraints();
  CHECK(crf.viterbi(strong, nullptr, &ws)[1] == 2);

  crf.set_constraints(c);
  const int lengths[2] = {2, 1};
  const Matrix batch = random_matrix(3, 4, 12, -2, 2);
  const auto paths = crf.viterbi_batch(batch, 2, lengths, &ws);
  CHECK(paths == crf_viterbi_batch(batch, crf.trans(), crf.start(), crf.end(), 2, lengths, &c));
  const auto best = crf.kbest(emit, 2, &ws);
  REQUIRE(best.size() == 2);
  CHECK(best[0].first == crf.viterbi(emit));
  CHECK(crf.marginals(emit, &ws).colwise().sum().isOnes(static_cast<real>(1e-4)));
  CHECK_THROWS_AS(crf.set_constraints(CrfConstraints::none(4)), InternalError);
}

TEST_CASE("crf layer: a steady-state nll forward+backward makes no heap allocation") {
  ParamStore store;
  Crf crf(store, "crf", 5);
  Rng rng(1);
  crf.init_uniform(rng, real(0.5));
  crf.set_constraints(crf_constraints({"O", "B-X", "I-X", "E-X", "S-X"}, "iobes"));
  store.finalize();
  GradBuffer grads(store);
  Tape tape(&grads);
  const Index T = 6, B = 3;
  const int lengths[B] = {6, 4, 1};
  // time-major gold: sentence 0 = S O B I E O, sentence 1 = O B E O, sentence 2 = S
  const int gold[T * B] = {4, 0, 4, 0, 1, -1, 1, 3, -1, 2, 0, -1, 3, -1, -1, 0, -1, -1};
  const Matrix emit = random_matrix(5, T * B, 2, -2, 2);

  auto step = [&]() {
    tape.clear();
    grads.zero();
    const NodeId e = tape.variable(emit);
    tape.backward(crf.nll(tape, e, B, lengths, gold));
    return tape.grad(e)(0, 0);
  };
  const real first = step();
  step();
  const std::size_t capacity = tape.arena_capacity();
  const long before = medner::test::allocations();
  const real again = step();
  const long news = medner::test::allocations() - before;
  CHECK(news == 0);
  CHECK(tape.arena_capacity() == capacity);
  CHECK(again == first);
  CHECK(grads.grad(crf.trans_param()).norm() > 0);
}
