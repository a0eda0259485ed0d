// k-best Viterbi ("list Viterbi"): every lattice cell (t, j) keeps the k best prefixes ending in
// label j at token t instead of one. The r-th best full path ending in j at t extends one of the
// k best prefixes of some label i at t-1, so keeping k per cell is exact. Cost O(T L^2 k log k).
#include "core/error.h"
#include "crf/crf.h"
#include "crf/crf_scaled.h"

#include <algorithm>
#include <limits>

namespace medner {

namespace {

// Higher score first; equal scores by origin, so the order never depends on the sort.
bool better(const CrfCandidate& a, const CrfCandidate& b) {
  return a.score > b.score || (a.score == b.score && a.from < b.from);
}

// Sorts the best min(k, n) of cand[0, n) to the front; returns how many are allowed (> -inf).
int top_k(CrfCandidate* cand, int n, int k) {
  const int m = std::min(k, n);
  std::partial_sort(cand, cand + m, cand + n, better);
  int allowed = 0;
  while (allowed < m && cand[allowed].score > kCrfNegInf) ++allowed;
  return allowed;
}

// score(y) summed in double. The lattice's float sums of scores of a few hundred are off by ~1e-4,
// and exp(score - log Z) of near-certain paths would then sum to more than 1 against the scaled
// log Z, which is summed in double (the log-space one shared the float rounding of the best path).
double path_score_double(const CrfCols& e, const CrfScores& s, const std::vector<int>& y) {
  const auto trans = s.trans_m();
  double score = double(s.start[y[0]]) + double(s.end[y.back()]);
  for (std::size_t t = 0; t < y.size(); ++t) {
    score += double(e(y[t], static_cast<Index>(t)));
    if (t > 0) score += double(trans(y[t - 1], y[t]));
  }
  return score;
}

}  // namespace

std::vector<std::pair<std::vector<int>, real>> crf_kbest(const CrfMatrix& emissions, const CrfMatrix& trans,
                                                         const CrfMatrix& start, const CrfMatrix& end, int k,
                                                         const CrfConstraints* constraints, CrfWorkspace* ws) {
  MEDNER_CHECK(k >= 1, "crf_kbest: k = {}, expected k >= 1", k);
  MEDNER_CHECK(emissions.cols() >= 1 && emissions.rows() == trans.rows(),
               "crf_kbest: emissions {}x{}, trans {}x{}", emissions.rows(), emissions.cols(), trans.rows(),
               trans.cols());
  CrfWorkspace local;
  CrfWorkspace& w = ws != nullptr ? *ws : local;
  const Index L = emissions.rows(), T = emissions.cols();
  const CrfCols e(emissions.data(), L, T, Eigen::OuterStride<>(emissions.outerStride()));
  const CrfScores s =
      crf_make_scores(trans, start, end, constraints, CrfWorkspace::grow(w.scores, crf_scores_size(L)));
  const double lz = crf_log_z(e, s, w);
  if (lz == -std::numeric_limits<double>::infinity()) return {};

  // Cell (t, j), rank r lives at ((t * L + j) * k + r): its score and its origin i * k + r' at t-1.
  const auto K = static_cast<Index>(k);
  const auto cells = static_cast<std::size_t>(T * L * K);
  real* score = CrfWorkspace::grow(w.kscore, cells);
  int* from = CrfWorkspace::grow(w.kfrom, cells);
  CrfCandidate* cand = CrfWorkspace::grow(w.candidates, static_cast<std::size_t>(L * K));
  auto at = [L, K](Index t, Index j, Index r) { return static_cast<std::size_t>((t * L + j) * K + r); };
  const auto trans_e = s.trans_m();

  // s_0(j, 0) = start(j) + emit(j, 0);  s_0(j, r) = -inf for r > 0 (one prefix of length 1)
  for (Index j = 0; j < L; ++j) {
    score[at(0, j, 0)] = s.start[j] + e(j, 0);
    for (Index r = 1; r < K; ++r) score[at(0, j, r)] = kCrfNegInf;
  }
  // s_t(j, .) = emit(j, t) + the k largest of { s_{t-1}(i, r) + trans(i, j) : all i, r }
  for (Index t = 1; t < T; ++t) {
    for (Index j = 0; j < L; ++j) {
      int n = 0;
      for (Index i = 0; i < L; ++i)
        for (Index r = 0; r < K && score[at(t - 1, i, r)] > kCrfNegInf; ++r)
          cand[n++] = CrfCandidate{score[at(t - 1, i, r)] + trans_e(i, j), static_cast<int>(i * K + r)};
      const int m = top_k(cand, n, k);
      for (Index r = 0; r < K; ++r) {
        score[at(t, j, r)] = r < m ? e(j, t) + cand[r].score : kCrfNegInf;
        from[at(t, j, r)] = r < m ? cand[r].from : -1;
      }
    }
  }
  // The k best paths: the k largest of { s_{T-1}(j, r) + end(j) }, then follow the origins back.
  int n = 0;
  for (Index j = 0; j < L; ++j)
    for (Index r = 0; r < K && score[at(T - 1, j, r)] > kCrfNegInf; ++r)
      cand[n++] = CrfCandidate{score[at(T - 1, j, r)] + s.end[j], static_cast<int>(j * K + r)};
  const int m = top_k(cand, n, k);

  std::vector<std::pair<std::vector<int>, real>> result(static_cast<std::size_t>(m));
  for (int q = 0; q < m; ++q) {
    std::vector<int>& path = result[static_cast<std::size_t>(q)].first;
    path.resize(static_cast<std::size_t>(T));
    int label = cand[q].from / k, rank = cand[q].from % k;
    for (Index t = T - 1; t >= 0; --t) {
      path[static_cast<std::size_t>(t)] = label;
      if (t == 0) break;
      const int f = from[at(t, label, rank)];
      label = f / k;
      rank = f % k;
    }
    // At most 0: rounding of score and log Z must not make a path more likely than certain.
    result[static_cast<std::size_t>(q)].second = static_cast<real>(std::min(path_score_double(e, s, path) - lz, 0.0));
  }
  // Best first by the double scores (a stable sort: ties keep the lattice's deterministic order).
  std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return result;
}

}  // namespace medner
