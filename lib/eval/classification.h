// The seqeval-style classification report: per type precision, recall, F1 and support (gold
// entities), with micro, macro and weighted averages, once for conlleval's exact match and once
// for partial (overlap) match; and token-level micro scores without O. conlleval's own figures
// stay in metrics.h; the exact table here has the same counts (tests/eval pin that).
//
// Partial match, the "type" scheme of SemEval-2013 task 9.1 / nervaluate (some overlap and the
// same type) made one-to-one: a predicted chunk is a partial true positive if it shares at least
// one token with a gold chunk of its type, and each gold and each predicted chunk is matched at
// most once. The partial count is the size of the largest such matching (overlap_matches).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/conll.h"
#include "data/tag_scheme.h"
#include "eval/metrics.h"

namespace medner {

// Percentages from 0 to 100, like ChunkCounts'; 0 when undefined.
struct ScoreTriple {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// One matching rule (exact or partial) over all types. macro: unweighted mean of the per-type
// P, R and F1 (seqeval's, so F1 is the mean of the F1s, not the F1 of the means); weighted: the
// same weighted by support (gold chunks; 0 when no type has any).
struct MatchTable {
  std::map<std::string, ChunkCounts> types;  // types with a gold or predicted chunk, sorted
  ChunkCounts micro;
  ScoreTriple macro;
  ScoreTriple weighted;
};

struct ClassificationReport {
  MatchTable exact;    // conlleval's rule: same first token, last token and type
  MatchTable partial;  // overlap and same type, one to one (see above)
  // Per token, the tag's type without its B-/I-/E-/S- prefix: gold = tokens whose gold tag is
  // not O, predicted = tokens whose predicted tag is not O, correct = tokens whose gold type
  // equals the predicted type (and is not O).
  ChunkCounts token;
};

// Pairs (gold index, predicted index) of a largest one-to-one matching of gold to predicted
// chunks of the same type that share a token; each list sorted by begin and non-overlapping,
// as extract_spans returns them. Exact matches are always among the pairs.
std::vector<std::pair<std::size_t, std::size_t>> overlap_matches(const std::vector<Span>& gold,
                                                                 const std::vector<Span>& pred);

// gold and pred must hold the same sentences and tokens (check_aligned); InputError otherwise.
ClassificationReport classification_report(const Corpus& gold, const Corpus& pred);

// The averages of a table whose types and micro counts are filled in.
void match_table_average(MatchTable& table);

}  // namespace medner
