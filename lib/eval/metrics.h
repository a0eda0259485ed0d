// Chunk-level scores the way the CoNLL-2000 conlleval script computes them: a chunk is correct
// only if gold and prediction have it with the same first token, last token and type;
// precision, recall and F1 are micro-averaged over all chunks, and also reported per type.
// Chunks come from extract_spans (data/tag_scheme.h), which is conlleval's rule set on IOB1/IOB2
// and reads IOBES correctly. No dependency on autodiff: any two tag sequences can be scored.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "data/tag_scheme.h"

namespace medner {

// Percentages from 0 to 100; 0 (never NaN) when undefined (no predicted / no gold chunks).
// f1 = 2*P*R/(P+R) computed from the percentages in that order, as conlleval does, so that
// rounding to 2 decimals gives conlleval's digits.
struct ChunkCounts {
  long gold = 0;
  long predicted = 0;
  long correct = 0;
  double precision() const;
  double recall() const;
  double f1() const;
};

struct EvalReport {
  ChunkCounts overall;                       // micro: all types together
  std::map<std::string, ChunkCounts> types;  // types with a gold or predicted chunk, sorted
  double macro_f1 = 0;                       // mean of the per-type F1 (0 with no types)
  double accuracy = 0;                       // token accuracy in percent (equal tag strings)
  long sentences = 0;
  long tokens = 0;
  long correct_tags = 0;
};

// Indices into `gold` of the chunks that `pred` has too (same first token, last token and type).
// Both lists sorted by begin and non-overlapping, as extract_spans returns them.
std::vector<std::size_t> matching_spans(const std::vector<Span>& gold,
                                        const std::vector<Span>& pred);

// gold[s] and pred[s] are the tags of sentence s; they must have equal lengths (InputError
// "sentence s: ..." otherwise). An empty sentence is allowed and counts as a sentence.
EvalReport evaluate(const std::vector<std::vector<std::string>>& gold,
                    const std::vector<std::vector<std::string>>& pred);

}  // namespace medner
