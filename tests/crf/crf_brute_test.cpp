// CRF inference against exhaustive enumeration of all L^T paths (L <= 5, T <= 5), with and
// without iob2 / iobes constraints: log Z, Viterbi, marginals, span probabilities, k-best.
#include "brute_force.h"
#include "common/gradcheck.h"
#include "core/error.h"
#include "crf/crf.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

using namespace medner;
using medner::test::brute_log_z;
using medner::test::brute_paths;
using medner::test::BrutePath;
using medner::test::random_matrix;

namespace {

const double kTol = sizeof(real) == 4 ? 2e-4 : 1e-9;

bool close(double a, double b) { return std::abs(a - b) <= kTol * std::max(1.0, std::abs(b)); }

struct LabelSet {
  const char* name;
  std::vector<std::string> labels;  // empty: unconstrained with L labels
  const char* scheme;
  Index L;
};

const std::vector<LabelSet>& label_sets() {
  static const std::vector<LabelSet> sets = {
      {"none L=2", {}, "", 2},
      {"none L=3", {}, "", 3},
      {"none L=4", {}, "", 4},
      {"iob2 L=3", {"O", "B-Chem", "I-Chem"}, "iob2", 3},
      {"iob2 L=4", {"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2", 4},
      {"iobes L=4", {"O", "B-X", "E-X", "S-X"}, "iobes", 4},
      {"iobes L=5", {"O", "B-X", "I-X", "E-X", "S-X"}, "iobes", 5},
  };
  return sets;
}

struct Case {
  Matrix emit, trans, start, end;
  std::optional<CrfConstraints> constraints;
  std::vector<BrutePath> paths;  // allowed paths
  double log_z = 0;
  const CrfConstraints* c() const { return constraints ? &*constraints : nullptr; }
};

Case make_case(const LabelSet& set, Index T, uint64_t seed) {
  Case k;
  k.emit = random_matrix(set.L, T, seed, -2, 2);
  k.trans = random_matrix(set.L, set.L, seed + 1, -1.5, 1.5);
  k.start = random_matrix(set.L, 1, seed + 2, -1, 1);
  k.end = random_matrix(set.L, 1, seed + 3, -1, 1);
  if (!set.labels.empty()) k.constraints = crf_constraints(set.labels, set.scheme);
  k.paths = brute_paths(k.emit, k.trans, k.start, k.end, k.c());
  k.log_z = brute_log_z(k.paths);
  return k;
}

// Runs f on every label set and T = 1..5, two random draws each.
template <class F>
void for_each_case(F f) {
  uint64_t seed = 100;
  for (const LabelSet& set : label_sets()) {
    for (Index T = 1; T <= 5; ++T) {
      for (int draw = 0; draw < 2; ++draw, seed += 10) {
        CAPTURE(set.name);
        CAPTURE(T);
        CAPTURE(seed);
        f(make_case(set, T, seed));
      }
    }
  }
}

}  // namespace

TEST_CASE("crf: log_partition equals the log-sum-exp of all allowed path scores") {
  for_each_case([](const Case& k) {
    REQUIRE(!k.paths.empty());
    const real lz = crf_log_partition(k.emit, k.trans, k.start, k.end, k.c());
    CHECK(close(lz, k.log_z));
  });
}

TEST_CASE("crf: constraints remove paths from the partition function") {
  // The same scores with and without iob2 constraints: Z must drop by exactly the forbidden mass.
  const LabelSet& set = label_sets()[4];
  Case k = make_case(set, 4, 7);
  const auto all = brute_paths(k.emit, k.trans, k.start, k.end);
  REQUIRE(all.size() > k.paths.size());
  CHECK(close(crf_log_partition(k.emit, k.trans, k.start, k.end), brute_log_z(all)));
  CHECK(close(crf_log_partition(k.emit, k.trans, k.start, k.end, k.c()), k.log_z));
  CHECK(k.log_z < brute_log_z(all));
}

TEST_CASE("crf: viterbi equals the brute-force argmax path and its score") {
  for_each_case([](const Case& k) {
    const BrutePath& best = *std::max_element(k.paths.begin(), k.paths.end(),
                                              [](const BrutePath& a, const BrutePath& b) { return a.score < b.score; });
    real score = 0;
    const std::vector<int> path = crf_viterbi(k.emit, k.trans, k.start, k.end, k.c(), &score);
    CHECK(path == best.labels);
    CHECK(close(score, best.score));
  });
}

TEST_CASE("crf: marginals sum to 1 per position and equal brute-force marginals") {
  for_each_case([](const Case& k) {
    const Matrix m = crf_marginals(k.emit, k.trans, k.start, k.end, k.c());
    REQUIRE(m.rows() == k.emit.rows());
    REQUIRE(m.cols() == k.emit.cols());
    Eigen::MatrixXd ref = Eigen::MatrixXd::Zero(m.rows(), m.cols());
    for (const BrutePath& p : k.paths)
      for (std::size_t t = 0; t < p.labels.size(); ++t)
        ref(p.labels[t], static_cast<Index>(t)) += std::exp(p.score - k.log_z);
    for (Index t = 0; t < m.cols(); ++t) CHECK(close(m.col(t).sum(), 1.0));
    for (Index t = 0; t < m.cols(); ++t)
      for (Index j = 0; j < m.rows(); ++j) CHECK(close(m(j, t), ref(j, t)));
  });
}

TEST_CASE("crf: span probability equals the brute-force sum over matching paths") {
  for_each_case([](const Case& k) {
    const auto L = static_cast<int>(k.emit.rows());
    const auto T = static_cast<int>(k.emit.cols());
    CrfWorkspace ws;
    for (int begin = 0; begin < T; ++begin) {
      for (int n = 1; n <= std::min(3, T - begin); ++n) {
        std::vector<int> labels(static_cast<std::size_t>(n), 0);
        // Every label tuple of length n, forbidden ones included (their probability is 0).
        for (int code = 0; code < static_cast<int>(std::pow(L, n)); ++code) {
          for (int i = 0, c = code; i < n; ++i, c /= L) labels[static_cast<std::size_t>(i)] = c % L;
          double ref = 0;
          for (const BrutePath& p : k.paths)
            if (std::equal(labels.begin(), labels.end(), p.labels.begin() + begin)) ref += std::exp(p.score - k.log_z);
          const real got = crf_span_probability(k.emit, k.trans, k.start, k.end, begin, labels, k.c(), &ws);
          CHECK(std::abs(got - ref) <= kTol);
        }
      }
    }
  });
}

TEST_CASE("crf: kbest equals the top k of the enumeration, in order, with log-probabilities") {
  for_each_case([](const Case& k) {
    std::vector<BrutePath> sorted = k.paths;
    std::stable_sort(sorted.begin(), sorted.end(), [](const BrutePath& a, const BrutePath& b) { return a.score > b.score; });
    CrfWorkspace ws;
    // k below and above the number of allowed paths (L=2, T=1 has only 2).
    for (int kk : {1, 5, static_cast<int>(sorted.size()) + 3}) {
      CAPTURE(kk);
      const auto best = crf_kbest(k.emit, k.trans, k.start, k.end, kk, k.c(), &ws);
      REQUIRE(best.size() == std::min<std::size_t>(static_cast<std::size_t>(kk), sorted.size()));
      for (std::size_t q = 0; q < best.size(); ++q) {
        CAPTURE(q);
        CHECK(best[q].first == sorted[q].labels);
        CHECK(close(best[q].second, sorted[q].score - k.log_z));
      }
    }
  });
}

TEST_CASE("crf: viterbi_batch equals viterbi of each sentence of a padded time-major batch") {
  const Index L = 4, T = 5, B = 4;
  const int lengths[B] = {5, 2, 0, 4};
  const Matrix batch = random_matrix(L, T * B, 31, -2, 2);
  const Matrix trans = random_matrix(L, L, 32), start = random_matrix(L, 1, 33), end = random_matrix(L, 1, 34);
  const CrfConstraints c = crf_constraints({"O", "B-Chem", "I-Chem", "B-Dis"}, "iob2");
  for (const CrfConstraints* cp : {static_cast<const CrfConstraints*>(nullptr), &c}) {
    CrfWorkspace ws;
    const auto paths = crf_viterbi_batch(batch, trans, start, end, B, lengths, cp, &ws);
    REQUIRE(paths.size() == static_cast<std::size_t>(B));
    for (Index b = 0; b < B; ++b) {
      CAPTURE(b);
      if (lengths[b] == 0) {
        CHECK(paths[static_cast<std::size_t>(b)].empty());
        continue;
      }
      Matrix one(L, lengths[b]);
      for (Index t = 0; t < lengths[b]; ++t) one.col(t) = batch.col(t * B + b);
      CHECK(paths[static_cast<std::size_t>(b)] == crf_viterbi(one, trans, start, end, cp));
    }
  }
}

TEST_CASE("crf: a reused workspace gives the same results as a fresh one") {
  const Index L = 3;
  const Matrix trans = random_matrix(L, L, 41), start = random_matrix(L, 1, 42), end = random_matrix(L, 1, 43);
  const Matrix longer = random_matrix(L, 5, 44, -2, 2), shorter = random_matrix(L, 2, 45, -2, 2);
  CrfWorkspace ws;
  crf_kbest(longer, trans, start, end, 4, nullptr, &ws);
  crf_marginals(longer, trans, start, end, nullptr, &ws);
  CHECK(crf_viterbi(shorter, trans, start, end, nullptr, nullptr, &ws) == crf_viterbi(shorter, trans, start, end));
  CHECK(crf_log_partition(shorter, trans, start, end, nullptr, &ws) == crf_log_partition(shorter, trans, start, end));
  CHECK(crf_marginals(shorter, trans, start, end, nullptr, &ws) == crf_marginals(shorter, trans, start, end));
  const auto a = crf_kbest(shorter, trans, start, end, 3, nullptr, &ws);
  const auto b = crf_kbest(shorter, trans, start, end, 3);
  REQUIRE(a.size() == b.size());
  for (std::size_t q = 0; q < a.size(); ++q) CHECK(a[q] == b[q]);
}

TEST_CASE("crf: log_sum_exp is -inf over all -inf and stable for large scores") {
  const real inf = std::numeric_limits<real>::infinity();
  Eigen::Array<real, 3, 1> all_forbidden(-inf, -inf, -inf);
  CHECK(crf_log_sum_exp(all_forbidden) == -inf);
  Eigen::Array<real, 3, 1> big(1000, 1000, -inf);
  CHECK(close(crf_log_sum_exp(big), 1000 + std::log(2.0)));
  Eigen::Array<real, 2, 1> small(-1000, -1000);
  CHECK(close(crf_log_sum_exp(small), -1000 + std::log(2.0)));
}

TEST_CASE("crf: constraints that allow no path give log Z = -inf, and decoders say so") {
  // iobes without O or S-X: a one-token sentence would have to start with B-X and end with E-X.
  const CrfConstraints c = crf_constraints({"B-X", "I-X", "E-X"}, "iobes");
  const Matrix emit = random_matrix(3, 1, 51), trans = random_matrix(3, 3, 52);
  const Matrix start = random_matrix(3, 1, 53), end = random_matrix(3, 1, 54);
  const real lz = crf_log_partition(emit, trans, start, end, &c);
  CHECK(std::isinf(lz));
  CHECK(lz < 0);
  CHECK(crf_kbest(emit, trans, start, end, 3, &c).empty());
  CHECK_THROWS_AS(crf_viterbi(emit, trans, start, end, &c), InternalError);
  CHECK_THROWS_AS(crf_marginals(emit, trans, start, end, &c), InternalError);
  // Two tokens: B-X E-X is the one allowed path, so its probability is 1.
  const Matrix emit2 = random_matrix(3, 2, 55);
  CHECK(crf_viterbi(emit2, trans, start, end, &c) == std::vector<int>{0, 2});
  CHECK(close(crf_span_probability(emit2, trans, start, end, 0, {0, 2}, &c), 1.0));
  const Matrix m = crf_marginals(emit2, trans, start, end, &c);
  CHECK(m.allFinite());
  CHECK(close(m(0, 0), 1.0));
  CHECK(close(m(2, 1), 1.0));
}

TEST_CASE("crf: span and path probabilities stay in [0, 1] when one path dominates large scores") {
  // Long sentences with large emissions: log Z and the path score are sums of big terms whose
  // rounding can put score - log Z a few ulps above 0. A probability must still be at most 1.
  int near_one = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const Index L = 5, T = 60;
    Matrix emit = random_matrix(L, T, seed) * real(40);
    const Matrix trans = random_matrix(L, L, seed + 1000), start = random_matrix(L, 1, seed + 2000);
    const Matrix end = random_matrix(L, 1, seed + 3000);
    const std::vector<int> path = crf_viterbi(emit, trans, start, end);
    for (int begin : {0, 10, 59}) {
      const int n = begin == 59 ? 1 : 20;
      const std::vector<int> labels(path.begin() + begin, path.begin() + begin + n);
      const real p = crf_span_probability(emit, trans, start, end, begin, labels);
      CHECK(p >= 0);
      CHECK(p <= 1);
      near_one += p > real(0.999);
    }
    for (const auto& [y, logp] : crf_kbest(emit, trans, start, end, 2)) CHECK(logp <= 0);
  }
  CHECK(near_one > 100);  // the case this guards: spans the model is sure of
}
