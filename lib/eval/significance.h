// Is system B's F1 really different from system A's on this test set? Two paired tests over
// sentences on two systems' predictions for the same gold data: the paired bootstrap (Efron and
// Tibshirani 1993; as used for NLP by Koehn 2004 and Berg-Kirkpatrick et al. 2012) and approximate
// randomization (Noreen 1989; Yeh 2000). Both work on per-sentence chunk counts, because a
// sentence is the unit that is sampled and chunk F1 is a function of the summed counts. Seeded
// and deterministic; no dependency on autodiff or on how the predictions were made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/conll.h"
#include "eval/metrics.h"
#include "eval/report.h"

namespace medner {

enum class SignificanceMethod { Bootstrap, Randomization };

// "bootstrap" or "randomization" (also "ar"); InputError otherwise.
SignificanceMethod parse_significance_method(const std::string& name);
const char* to_string(SignificanceMethod method);

struct SignificanceOptions {
  SignificanceMethod method = SignificanceMethod::Bootstrap;
  long samples = 10000;  // bootstrap samples or randomization rounds, >= 1
  uint64_t seed = 1;
};

struct SignificanceResult {
  SignificanceMethod method = SignificanceMethod::Bootstrap;
  long samples = 0;
  uint64_t seed = 0;
  long sentences = 0;
  ChunkCounts a;  // totals over all sentences
  ChunkCounts b;
  double difference = 0;  // b.f1() - a.f1(), in F1 points
  long extreme = 0;       // samples counted as at least as extreme (see compare_systems)
  double p_value = 1;     // (extreme + 1) / (samples + 1), two-sided
  bool has_interval = false;
  double interval_low = 0;   // bootstrap only: 2.5% and 97.5% percentiles of the resampled
  double interval_high = 0;  //   difference (95% percentile interval)
};

// Chunk counts (gold, predicted, correct) of each sentence, scored like evaluate(); summing them
// gives evaluate()'s overall counts. gold and pred must be aligned (check_aligned).
std::vector<ChunkCounts> sentence_counts(const Corpus& gold, const Corpus& pred);

// a[s], b[s]: counts of systems A and B on sentence s (same gold, so a[s].gold == b[s].gold;
// InputError otherwise, or if the sizes differ or there are no sentences). d = F1(B) - F1(A).
//   Bootstrap: draw n sentences with replacement, `samples` times; d* is the difference on each
//     draw; a draw is extreme when |d* - d| >= |d| (the resampled differences, shifted to mean 0
//     under the null hypothesis, reach the observed one: Berg-Kirkpatrick et al. 2012, two-sided).
//   Randomization: swap A's and B's counts of each sentence with probability 1/2, `samples`
//     times; a round is extreme when |d*| >= |d|.
// p = (extreme + 1) / (samples + 1), so p is never 0 and identical systems give p = 1.
SignificanceResult compare_systems(const std::vector<ChunkCounts>& a,
                                   const std::vector<ChunkCounts>& b,
                                   const SignificanceOptions& options);

// Text: one line per system (P/R/F1 and counts), the difference, the method and the p-value.
// Json: {"method", "samples", "seed", "sentences", "a": {"file", "precision", "recall", "f1",
//        "gold", "predicted", "correct"}, "b": {same}, "difference", "p_value", "extreme",
//        "interval": [low, high] or null}. Markdown: a table of both systems and the test.
std::string format_significance(const SignificanceResult& result, const std::string& name_a,
                                const std::string& name_b, ReportFormat format);

}  // namespace medner
