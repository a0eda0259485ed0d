// Reference CRF by exhaustive enumeration of all L^T label paths, in double, for the tests that
// pin log Z, Viterbi, marginals, span probabilities, k-best and the NLL (STYLE.md section 7).
#pragma once

#include "core/tensor.h"
#include "crf/crf_constraints.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace medner::test {

struct BrutePath {
  std::vector<int> labels;
  double score;
};

// Score of path y under the linear-chain CRF: start(y_0) + sum_t emit(y_t, t)
// + sum_{t>0} trans(y_{t-1}, y_t) + end(y_{T-1}).
inline double brute_score(const Matrix& emit, const Matrix& trans, const Matrix& start, const Matrix& end,
                          const std::vector<int>& y) {
  double s = static_cast<double>(start(y[0], 0)) + static_cast<double>(end(y.back(), 0));
  for (std::size_t t = 0; t < y.size(); ++t) {
    s += static_cast<double>(emit(y[t], static_cast<Index>(t)));
    if (t > 0) s += static_cast<double>(trans(y[t - 1], y[t]));
  }
  return s;
}

inline bool brute_allowed(const CrfConstraints* c, const std::vector<int>& y) {
  if (c == nullptr) return true;
  if (!c->allowed_start(y[0]) || !c->allowed_end(y.back())) return false;
  for (std::size_t t = 1; t < y.size(); ++t)
    if (!c->allowed_trans(y[t - 1], y[t])) return false;
  return true;
}

// Every allowed path with its score, in enumeration order (label 0 first, last token fastest).
inline std::vector<BrutePath> brute_paths(const Matrix& emit, const Matrix& trans, const Matrix& start,
                                          const Matrix& end, const CrfConstraints* c = nullptr) {
  const auto L = static_cast<int>(emit.rows());
  const auto T = static_cast<std::size_t>(emit.cols());
  std::vector<BrutePath> out;
  std::vector<int> y(T, 0);
  while (true) {
    if (brute_allowed(c, y)) out.push_back(BrutePath{y, brute_score(emit, trans, start, end, y)});
    std::size_t t = T;
    while (t > 0 && y[t - 1] == L - 1) y[--t] = 0;
    if (t == 0) break;
    ++y[t - 1];
  }
  return out;
}

inline double brute_log_z(const std::vector<BrutePath>& paths) {
  if (paths.empty()) return -std::numeric_limits<double>::infinity();
  double m = paths[0].score;
  for (const BrutePath& p : paths) m = std::max(m, p.score);
  double sum = 0;
  for (const BrutePath& p : paths) sum += std::exp(p.score - m);
  return m + std::log(sum);
}

}  // namespace medner::test
