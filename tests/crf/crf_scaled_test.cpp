// The scaled recursions (crf_scaled.h) against the log-space reference (log_space_reference.h):
// 500-token sentences, emissions of +-1e4, -inf transitions from iob2 / iobes constraints, L = 1,
// T = 1, the underflow fallback, and the NLL gradient of a padded batch; the vectorised Viterbi
// against a scalar one with ties.
#include "common/gradcheck.h"
#include "crf/crf.h"
#include "crf/crf_scaled.h"
#include "log_space_reference.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

using namespace medner;
using medner::test::random_matrix;
using medner::test::ref_lattice;
using medner::test::ref_marginals;
using medner::test::RefLattice;

namespace {

const bool kFloat = sizeof(real) == 4;

// O plus B-, I-, E-, S- (iobes) or B-, I- (iob2) of `types` entity types.
std::vector<std::string> tag_set(int types, const std::string& scheme) {
  std::vector<std::string> labels = {"O"};
  const std::vector<std::string> prefixes =
      scheme == "iobes" ? std::vector<std::string>{"B", "I", "E", "S"} : std::vector<std::string>{"B", "I"};
  for (int k = 0; k < types; ++k)
    for (const std::string& p : prefixes) labels.push_back(p + "-T" + std::to_string(k));
  return labels;
}

struct Problem {
  Matrix emit, trans, start, end;
  std::optional<CrfConstraints> c;
  const CrfConstraints* cp() const { return c ? &*c : nullptr; }
};

// scheme "none": L labels unconstrained; else `types` entity types under the scheme.
Problem problem(const std::string& scheme, int n, Index T, uint64_t seed, double emit_range) {
  Problem p;
  Index L = n;
  if (scheme != "none") {
    p.c = crf_constraints(tag_set(n, scheme), scheme);
    L = p.c->size();
  }
  p.emit = random_matrix(L, T, seed, -emit_range, emit_range);
  p.trans = random_matrix(L, L, seed + 1, -2, 2);
  p.start = random_matrix(L, 1, seed + 2);
  p.end = random_matrix(L, 1, seed + 3);
  return p;
}

// +-1e4 in random places: the column maximum is then 2e4 above the rest.
Matrix extreme_emissions(Index L, Index T, uint64_t seed) {
  const Matrix r = random_matrix(L, T, seed);
  return r.unaryExpr([](real v) { return v > 0 ? real(1e4) : real(-1e4); });
}

// Whether the scaled recursions held for p (no fallback to log space).
bool scaled_ok(const Problem& p) {
  CrfWorkspace ws;
  std::vector<real> buf(crf_scores_size(p.emit.rows()));
  const CrfScores s = crf_make_scores(p.trans, p.start, p.end, p.cp(), buf.data());
  const CrfCols e(p.emit.data(), p.emit.rows(), p.emit.cols(), Eigen::OuterStride<>(p.emit.rows()));
  return crf_scaled_sentence(e, s, ws, true).ok[0] != 0;
}

// marg_tol bounds the distance to the double reference; the float log-space one (ref_tol) is
// itself off by more on long sentences and large scores.
void check_against_reference(const Problem& p, double lz_tol, double marg_tol, double ref_tol) {
  const RefLattice ref = ref_lattice(p.emit, p.trans, p.start, p.end, p.cp());
  const medner::test::RefDouble dref = medner::test::ref_double(p.emit, ref.s);
  const double ref_lz = dref.log_z;
  const real lz = crf_log_partition(p.emit, p.trans, p.start, p.end, p.cp());
  CHECK(std::abs(double(lz) - ref_lz) <= lz_tol * std::max(1.0, std::abs(ref_lz)));
  // the float log-space reference drifts more on long sentences: a looser bound
  CHECK(std::abs(double(lz) - double(ref.log_z)) <= 5 * lz_tol * std::max(1.0, std::abs(ref_lz)));
  const Matrix m = crf_marginals(p.emit, p.trans, p.start, p.end, p.cp());
  REQUIRE(m.allFinite());
  for (Index t = 0; t < m.cols(); ++t) CHECK(std::abs(m.col(t).sum() - 1) <= 1e-4);
  CHECK((m.cast<double>() - medner::test::ref_marginals_double(dref)).cwiseAbs().maxCoeff() <= marg_tol);
  CHECK((m - ref_marginals(ref)).cwiseAbs().maxCoeff() <= ref_tol);
}

}  // namespace

TEST_CASE("crf scaled: log Z and marginals equal the log-space reference on 500-token sentences") {
  struct Set {
    const char* scheme;
    int n;
  };
  uint64_t seed = 500;
  for (const Set& set : {Set{"none", 5}, Set{"iob2", 4}, Set{"iobes", 4}, Set{"iobes", 16}, Set{"none", 1}}) {
    CAPTURE(set.scheme);
    CAPTURE(set.n);
    const Problem p = problem(set.scheme, set.n, 500, seed += 10, 5);
    CHECK(scaled_ok(p));  // ordinary scores never need the fallback
    check_against_reference(p, kFloat ? 2e-6 : 1e-12, kFloat ? 2e-5 : 1e-9, kFloat ? 1e-2 : 1e-9);
  }
}

TEST_CASE("crf scaled: emissions of +-1e4, with and without constraints, T = 1 .. 12") {
  uint64_t seed = 900;
  for (const char* scheme : {"none", "iob2", "iobes"}) {
    for (Index T : {1, 2, 5, 12}) {
      CAPTURE(scheme);
      CAPTURE(T);
      Problem p = problem(scheme, 3, T, seed += 10, 1);
      p.emit = extreme_emissions(p.emit.rows(), T, seed + 5);
      // The float reference itself rounds sums of 1e4s to ~1e-3: its marginals are good to ~1%.
      check_against_reference(p, kFloat ? 1e-6 : 1e-12, kFloat ? 1e-4 : 1e-9, kFloat ? 3e-2 : 1e-6);
    }
  }
}

TEST_CASE("crf scaled: a column that underflows to 0 falls back to log space and stays exact") {
  // L = 2, trans(0, 1) = trans(1, 0) = -1e4: alpha-hat_0 = (1, 0) and E_1 = (0, 1), so a_1 = 0
  // although the path 0 -> 1 exists (score 1e4 - 1e4 + 1e4).
  Problem p;
  p.emit.resize(2, 2);
  p.emit << real(1e4), real(-1e4), real(-1e4), real(1e4);
  p.trans.resize(2, 2);
  p.trans << 0, real(-1e4), real(-1e4), 0;
  p.start = Matrix::Zero(2, 1);
  p.end = Matrix::Zero(2, 1);
  CHECK_FALSE(scaled_ok(p));
  check_against_reference(p, kFloat ? 1e-6 : 1e-12, 1e-6, 1e-6);
  const Matrix m = crf_marginals(p.emit, p.trans, p.start, p.end);
  CHECK(m(0, 0) == doctest::Approx(1));
  CHECK(m(1, 1) == doctest::Approx(1));
}

TEST_CASE("crf scaled: L = 1 and T = 1") {
  for (Index L : {1, 3}) {
    for (Index T : {1, 7}) {
      CAPTURE(L);
      CAPTURE(T);
      Problem p = problem("none", static_cast<int>(L), T, 70 + static_cast<uint64_t>(L * T), 3);
      check_against_reference(p, kFloat ? 1e-6 : 1e-12, kFloat ? 1e-5 : 1e-10, kFloat ? 1e-5 : 1e-10);
      if (L == 1) {  // one path: log Z is its score, every marginal 1
        const double score = p.start(0, 0) + p.emit.sum() + double(T - 1) * p.trans(0, 0) + p.end(0, 0);
        CHECK(crf_log_partition(p.emit, p.trans, p.start, p.end) == doctest::Approx(score).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("crf scaled: a padded batch's NLL and gradient equal the log-space reference per sentence") {
  // IOBES with 4 types (L = 17); sentence 2 is empty; sentence 3 has emissions of +-1e4, and its
  // first two tokens favour B-T0 then O, which iobes forbids: alpha-hat_0 is all on B-T0, E_1 all on
  // O, so a_1 = 0 and that sentence falls back to log space while the others stay scaled.
  const std::vector<std::string> labels = tag_set(4, "iobes");
  const CrfConstraints c = crf_constraints(labels, "iobes");
  const Index L = c.size(), B = 4, T = 300;
  const std::vector<int> lengths = {300, 1, 0, 40};
  Matrix emit = random_matrix(L, T * B, 81, -4, 4);
  const Matrix extreme = extreme_emissions(L, T, 82);
  for (Index t = 0; t < lengths[3]; ++t) emit.col(t * B + 3) = extreme.col(t);
  for (Index t = 0; t < 2; ++t) emit.col(t * B + 3).setConstant(real(-1e4));
  emit(1, 3) = real(1e4);      // B-T0 at token 0
  emit(0, B + 3) = real(1e4);  // O at token 1
  const Matrix trans = random_matrix(L, L, 83, -2, 2), start = random_matrix(L, 1, 84), end = random_matrix(L, 1, 85);
  // Gold: the Viterbi path of each sentence, which the constraints allow.
  std::vector<int> gold(static_cast<std::size_t>(T * B), -1);
  std::vector<Matrix> sentences(B);
  std::vector<std::vector<int>> paths(B);
  for (Index b = 0; b < B; ++b) {
    sentences[b].resize(L, lengths[b]);
    for (Index t = 0; t < lengths[b]; ++t) sentences[b].col(t) = emit.col(t * B + b);
    if (lengths[b] == 0) continue;
    // Viterbi of the time-reversed emissions: a gold path that is allowed but not the most likely.
    paths[b] = crf_viterbi(sentences[b].rowwise().reverse(), trans, start, end, &c);
    for (Index t = 0; t < lengths[b]; ++t) gold[static_cast<std::size_t>(t * B + b)] = paths[b][t];
  }
  Problem third{sentences[3], trans, start, end, c};
  CHECK_FALSE(scaled_ok(third));  // the fallback is exercised inside the batch
  Tape tape;
  const NodeId e = tape.variable(emit), tr = tape.variable(trans), st = tape.variable(start), en = tape.variable(end);
  const NodeId loss = crf_nll(tape, e, tr, st, en, B, lengths.data(), gold.data(), &c);
  tape.backward(loss);

  double ref_loss = 0;
  Matrix dtrans = Matrix::Zero(L, L), dstart = Matrix::Zero(L, 1), dend = Matrix::Zero(L, 1);
  const double tol = kFloat ? 2e-3 : 1e-8;
  for (Index b = 0; b < B; ++b) {
    CAPTURE(b);
    if (lengths[b] == 0) continue;
    const RefLattice ref = ref_lattice(sentences[b], trans, start, end, &c);
    const medner::test::RefDouble dref = medner::test::ref_double(sentences[b], ref.s);
    // Sentence 3 runs the log-space code in float, which is good to ~1e-2 with scores of 1e4: it
    // is compared with the same code outside the op, the others with the double reference.
    const bool fallback = b == 3;
    const auto g = fallback ? medner::test::ref_nll_grads(sentences[b], ref, paths[b])
                            : medner::test::ref_nll_grads_double(sentences[b], dref, paths[b]);
    ref_loss += fallback ? double(ref.log_z) : dref.log_z;
    ref_loss -= double(crf_path_score(CrfCols(sentences[b].data(), L, lengths[b], Eigen::OuterStride<>(L)), ref.s,
                                      paths[b].data(), 1));
    dtrans += g.dtrans;
    dstart += g.dstart;
    dend += g.dend;
    for (Index t = 0; t < lengths[b]; ++t)
      CHECK((tape.grad(e).col(t * B + b) - g.demit.col(t)).cwiseAbs().maxCoeff() <= tol);
  }
  CHECK(std::abs(double(tape.scalar(loss)) - ref_loss) <= tol * std::max(1.0, std::abs(ref_loss)));
  CHECK((tape.grad(tr) - dtrans).cwiseAbs().maxCoeff() <= tol * std::max(1.0, double(dtrans.cwiseAbs().maxCoeff())));
  CHECK((tape.grad(st) - dstart).cwiseAbs().maxCoeff() <= tol);
  CHECK((tape.grad(en) - dend).cwiseAbs().maxCoeff() <= tol);
  // forbidden transitions get exactly zero gradient (expected and observed counts are both 0)
  for (Index i = 0; i < L; ++i)
    for (Index j = 0; j < L; ++j)
      if (!c.allowed_trans(i, j)) CHECK(tape.grad(tr)(i, j) == 0);
}

namespace {

// Viterbi with a scalar argmax per (t, j), lowest i on ties: the loop the vectorised one replaced.
std::vector<int> scalar_viterbi(const Matrix& emit, const CrfScores& s) {
  const Index L = emit.rows(), T = emit.cols();
  const auto trans = s.trans_m();
  Matrix delta(L, T);
  Eigen::MatrixXi bp = Eigen::MatrixXi::Zero(L, T);
  delta.col(0) = s.start_v() + emit.col(0);
  for (Index t = 1; t < T; ++t)
    for (Index j = 0; j < L; ++j) {
      Index arg = 0;
      for (Index i = 1; i < L; ++i)
        if (delta(i, t - 1) + trans(i, j) > delta(arg, t - 1) + trans(arg, j)) arg = i;
      delta(j, t) = emit(j, t) + delta(arg, t - 1) + trans(arg, j);
      bp(j, t) = static_cast<int>(arg);
    }
  Index last = 0;
  (delta.col(T - 1) + s.end_v()).maxCoeff(&last);
  std::vector<int> path(static_cast<std::size_t>(T));
  path.back() = static_cast<int>(last);
  for (Index t = T - 1; t > 0; --t) path[static_cast<std::size_t>(t - 1)] = bp(path[static_cast<std::size_t>(t)], t);
  return path;
}

}  // namespace

TEST_CASE("crf viterbi: the vectorised recursion equals a scalar argmax, ties to the lower label") {
  uint64_t seed = 1300;
  for (const char* scheme : {"none", "iobes"}) {
    for (int n : {1, 4, 16, 64}) {
      for (Index T : {1, 2, 60}) {
        for (bool ties : {false, true}) {
          CAPTURE(scheme);
          CAPTURE(n);
          CAPTURE(T);
          CAPTURE(ties);
          Problem p = problem(scheme, n, T, seed += 10, 3);
          if (ties) {  // scores in {-1, 0, 1}: many equal candidates
            for (Matrix* m : {&p.emit, &p.trans, &p.start, &p.end}) *m = m->array().round().matrix();
          }
          std::vector<real> buf(crf_scores_size(p.emit.rows()));
          const CrfScores s = crf_make_scores(p.trans, p.start, p.end, p.cp(), buf.data());
          CHECK(crf_viterbi(p.emit, p.trans, p.start, p.end, p.cp()) == scalar_viterbi(p.emit, s));
        }
      }
    }
  }
}
