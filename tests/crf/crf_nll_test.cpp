// The CRF NLL op: its value against brute force, its gradient against finite differences (single
// sentence, constraints, padded batch), a padded batch against its sentences one at a time, and
// the errors it raises.
#include "brute_force.h"
#include "common/gradcheck.h"
#include "core/error.h"
#include "crf/crf.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

using namespace medner;
using medner::test::brute_log_z;
using medner::test::brute_paths;
using medner::test::brute_score;
using medner::test::grad_check;
using medner::test::random_matrix;

namespace {

const double kTol = sizeof(real) == 4 ? 2e-4 : 1e-9;

struct Scores {
  Matrix trans, start, end;
};

Scores random_scores(Index L, uint64_t seed) {
  return Scores{random_matrix(L, L, seed, -1.5, 1.5), random_matrix(L, 1, seed + 1), random_matrix(L, 1, seed + 2)};
}

// grad_check of crf_nll over leaves {emissions, trans, start, end}.
medner::test::GradCheckReport check_nll(const Matrix& emit, const Scores& s, Index batch,
                                        const std::vector<int>& lengths, const std::vector<int>& gold,
                                        const CrfConstraints* c) {
  return grad_check({emit, s.trans, s.start, s.end}, [&](Tape& tape, const std::vector<NodeId>& x) {
    return crf_nll(tape, x[0], x[1], x[2], x[3], batch, lengths.data(), gold.data(), c);
  });
}

}  // namespace

TEST_CASE("crf_nll: value is log Z minus the gold score (brute force), with and without constraints") {
  const CrfConstraints iob2 = crf_constraints({"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2");
  for (const CrfConstraints* c : {static_cast<const CrfConstraints*>(nullptr), &iob2}) {
    const Index L = 4, T = 5;
    const Matrix emit = random_matrix(L, T, 3, -2, 2);
    const Scores s = random_scores(L, 4);
    const std::vector<int> gold = {0, 1, 2, 2, 3};  // allowed under iob2
    const std::vector<int> lengths = {static_cast<int>(T)};
    const auto paths = brute_paths(emit, s.trans, s.start, s.end, c);
    const double expected = brute_log_z(paths) - brute_score(emit, s.trans, s.start, s.end, gold);
    Tape tape;
    const NodeId loss = crf_nll(tape, tape.constant(emit), tape.constant(s.trans), tape.constant(s.start),
                                tape.constant(s.end), 1, lengths.data(), gold.data(), c);
    CHECK(tape.shape(loss) == Shape{1, 1});
    CHECK(std::abs(tape.scalar(loss) - expected) <= kTol * std::max(1.0, expected));
    CHECK(tape.scalar(loss) > 0);
  }
}

TEST_CASE("crf_nll: gradient check, one sentence, L=4 T=5") {
  const Matrix emit = random_matrix(4, 5, 11, -2, 2);
  const auto report = check_nll(emit, random_scores(4, 12), 1, {5}, {3, 0, 0, 2, 1}, nullptr);
  INFO(report.worst);
  CHECK(report.ok);
  CHECK(report.checked == 4 * 5 + 16 + 4 + 4);
}

TEST_CASE("crf_nll: gradient check, one token") {
  const auto report = check_nll(random_matrix(3, 1, 13, -2, 2), random_scores(3, 14), 1, {1}, {2}, nullptr);
  INFO(report.worst);
  CHECK(report.ok);
}

TEST_CASE("crf_nll: gradient check with iob2 and iobes constraints") {
  SUBCASE("iob2") {
    const CrfConstraints c = crf_constraints({"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2");
    const auto report = check_nll(random_matrix(4, 5, 15, -2, 2), random_scores(4, 16), 1, {5},
                                  {1, 2, 0, 3, 3}, &c);
    INFO(report.worst);
    CHECK(report.ok);
  }
  SUBCASE("iobes") {
    const CrfConstraints c = crf_constraints({"O", "B-X", "I-X", "E-X", "S-X"}, "iobes");
    const auto report = check_nll(random_matrix(5, 5, 17, -2, 2), random_scores(5, 18), 1, {5},
                                  {4, 1, 2, 3, 0}, &c);
    INFO(report.worst);
    CHECK(report.ok);
  }
}

TEST_CASE("crf_nll: gradient check on a padded batch with unequal lengths") {
  // T = 4, B = 4, time-major: column t*4 + b. Sentence 2 is empty; padding gold is garbage on
  // purpose (it must not be read), and padded emission columns must get zero gradient.
  const Index L = 3, T = 4, B = 4;
  const std::vector<int> lengths = {4, 1, 0, 3};
  std::vector<int> gold(static_cast<std::size_t>(T * B), 99);
  const int y[4][4] = {{0, 1, 2, 2}, {2, -1, -1, -1}, {-1, -1, -1, -1}, {1, 1, 0, -1}};
  for (Index b = 0; b < B; ++b)
    for (Index t = 0; t < lengths[static_cast<std::size_t>(b)]; ++t)
      gold[static_cast<std::size_t>(t * B + b)] = y[b][t];
  const Matrix emit = random_matrix(L, T * B, 19, -2, 2);
  const auto report = check_nll(emit, random_scores(L, 20), B, lengths, gold, nullptr);
  INFO(report.worst);
  CHECK(report.ok);

  Tape tape;
  const NodeId e = tape.variable(emit);
  const Scores s = random_scores(L, 20);
  tape.backward(crf_nll(tape, e, tape.constant(s.trans), tape.constant(s.start), tape.constant(s.end), B,
                        lengths.data(), gold.data()));
  for (Index t = 0; t < T; ++t)
    for (Index b = 0; b < B; ++b)
      if (t >= lengths[static_cast<std::size_t>(b)]) CHECK(tape.grad(e).col(t * B + b).isZero(0));
}

TEST_CASE("crf_nll: a padded batch gives the same loss and gradients as its sentences one at a time") {
  const Index L = 4, T = 5, B = 3;
  const std::vector<int> lengths = {3, 5, 2};
  const CrfConstraints c = crf_constraints({"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2");
  const std::vector<std::vector<int>> y = {{1, 2, 0}, {0, 3, 1, 2, 2}, {3, 0}};
  const Matrix emit = random_matrix(L, T * B, 21, -2, 2);
  const Scores s = random_scores(L, 22);
  std::vector<int> gold(static_cast<std::size_t>(T * B), -1);
  for (Index b = 0; b < B; ++b)
    for (std::size_t t = 0; t < y[static_cast<std::size_t>(b)].size(); ++t)
      gold[t * static_cast<std::size_t>(B) + static_cast<std::size_t>(b)] = y[static_cast<std::size_t>(b)][t];

  for (const CrfConstraints* cp : {static_cast<const CrfConstraints*>(nullptr), &c}) {
    Tape batch_tape;
    const NodeId be = batch_tape.variable(emit), bt = batch_tape.variable(s.trans);
    const NodeId bs = batch_tape.variable(s.start), bn = batch_tape.variable(s.end);
    const NodeId bl = crf_nll(batch_tape, be, bt, bs, bn, B, lengths.data(), gold.data(), cp);
    batch_tape.backward(bl);

    double loss_sum = 0;
    Matrix dtrans = Matrix::Zero(L, L), dstart = Matrix::Zero(L, 1), dend = Matrix::Zero(L, 1);
    for (Index b = 0; b < B; ++b) {
      CAPTURE(b);
      const auto& yb = y[static_cast<std::size_t>(b)];
      const auto len = static_cast<Index>(yb.size());
      Matrix one(L, len);
      for (Index t = 0; t < len; ++t) one.col(t) = emit.col(t * B + b);
      Tape tape;
      const NodeId e = tape.variable(one), tr = tape.variable(s.trans);
      const NodeId st = tape.variable(s.start), en = tape.variable(s.end);
      const int n = static_cast<int>(len);
      const NodeId loss = crf_nll(tape, e, tr, st, en, 1, &n, yb.data(), cp);
      tape.backward(loss);
      loss_sum += tape.scalar(loss);
      dtrans += tape.grad(tr);
      dstart += tape.grad(st);
      dend += tape.grad(en);
      for (Index t = 0; t < len; ++t)
        CHECK(batch_tape.grad(be).col(t * B + b).isApprox(tape.grad(e).col(t), static_cast<real>(kTol)));
    }
    CHECK(std::abs(batch_tape.scalar(bl) - loss_sum) <= kTol * loss_sum);
    CHECK(batch_tape.grad(bt).isApprox(dtrans, static_cast<real>(kTol)));
    CHECK(batch_tape.grad(bs).isApprox(dstart, static_cast<real>(kTol)));
    CHECK(batch_tape.grad(bn).isApprox(dend, static_cast<real>(kTol)));
  }
}

TEST_CASE("crf_nll: the gradient is marginals minus observed counts") {
  // d/d emit = marginals - one-hot(gold): the columns of the emission gradient sum to 0 and equal
  // crf_marginals minus the indicator.
  const Index L = 3, T = 4;
  const Matrix emit = random_matrix(L, T, 23, -2, 2);
  const Scores s = random_scores(L, 24);
  const std::vector<int> gold = {2, 0, 1, 1};
  const int len = static_cast<int>(T);
  Tape tape;
  const NodeId e = tape.variable(emit);
  tape.backward(crf_nll(tape, e, tape.constant(s.trans), tape.constant(s.start), tape.constant(s.end), 1, &len,
                        gold.data()));
  Matrix expected = crf_marginals(emit, s.trans, s.start, s.end);
  for (Index t = 0; t < T; ++t) expected(gold[static_cast<std::size_t>(t)], t) -= 1;
  CHECK(tape.grad(e).isApprox(expected, static_cast<real>(kTol)));
}

TEST_CASE("crf_nll: a gold path the constraints forbid is an internal error naming the labels") {
  const CrfConstraints c = crf_constraints({"O", "B-Chem", "I-Chem"}, "iob2");
  const Scores s = random_scores(3, 25);
  const Matrix emit = random_matrix(3, 3, 26);
  const int len = 3;
  auto run = [&](std::vector<int> gold) {
    Tape tape;
    crf_nll(tape, tape.constant(emit), tape.constant(s.trans), tape.constant(s.start), tape.constant(s.end), 1, &len,
            gold.data(), &c);
  };
  CHECK_THROWS_WITH_AS(run({0, 2, 0}), doctest::Contains("label 0 ('O') -> label 2 ('I-Chem') at token 1"),
                       InternalError);
  CHECK_THROWS_WITH_AS(run({2, 2, 0}), doctest::Contains("starts with label 2 ('I-Chem')"), InternalError);
  CHECK_NOTHROW(run({1, 2, 0}));
}

TEST_CASE("crf_nll: bad shapes, lengths and label ids are rejected when the node is built") {
  const Scores s = random_scores(3, 27);
  Tape tape;
  const NodeId tr = tape.constant(s.trans), st = tape.constant(s.start), en = tape.constant(s.end);
  const std::vector<int> gold(6, 0);
  const int ok_len[2] = {3, 2};
  // 7 columns are not T*B for B = 2.
  CHECK_THROWS_WITH_AS(crf_nll(tape, tape.constant(random_matrix(3, 7, 1)), tr, st, en, 2, ok_len, gold.data()),
                       doctest::Contains("crf_nll: bad input shapes (3x7, 3x3, 3x1, 3x1)"), InternalError);
  // 4 labels of emissions against 3x3 transitions.
  CHECK_THROWS_WITH_AS(crf_nll(tape, tape.constant(random_matrix(4, 6, 1)), tr, st, en, 2, ok_len, gold.data()),
                       doctest::Contains("4x6, 3x3"), InternalError);
  const NodeId e = tape.constant(random_matrix(3, 6, 2));
  const int long_len[2] = {4, 2};
  CHECK_THROWS_WITH_AS(crf_nll(tape, e, tr, st, en, 2, long_len, gold.data()), doctest::Contains("lengths[0] = 4"),
                       InternalError);
  std::vector<int> bad_gold = gold;
  bad_gold[2] = 3;  // token 1 of sentence 0, L = 3
  CHECK_THROWS_WITH_AS(crf_nll(tape, e, tr, st, en, 2, ok_len, bad_gold.data()), doctest::Contains("gold[2] = 3"),
                       InternalError);
  bad_gold[2] = 0;
  bad_gold[5] = 7;  // token 2 of sentence 1, which has length 2: padding, not read
  CHECK_NOTHROW(crf_nll(tape, e, tr, st, en, 2, ok_len, bad_gold.data()));
}
