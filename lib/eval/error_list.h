// medner-eval --errors FILE: every false positive (a predicted chunk that no gold chunk matches
// exactly) and every false negative (a gold chunk that no predicted chunk matches exactly), with
// its sentence, grouped by type and, with --train, by whether the mention was seen in training
// (novelty.h's rule: each chunk by its own type and lower-cased text). Seeing the unseen errors
// apart is where the reading of an error list starts on biomedical corpora.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/conll.h"
#include "data/tag_scheme.h"
#include "eval/report.h"

namespace medner {

class TrainMentions;  // eval/novelty.h

enum class ErrorPart { Seen, Unseen, All };  // All: no training file to split by

struct ChunkError {
  std::size_t sentence = 0;  // index into the corpora
  Span chunk;
  std::vector<Span> other;  // the other side's chunks sharing a token with it (any type)
};

struct ErrorGroup {
  std::string type;
  ErrorPart part = ErrorPart::All;
  std::vector<ChunkError> false_positives;  // predicted chunks, in corpus order
  std::vector<ChunkError> false_negatives;  // gold chunks, in corpus order
};

// The groups that hold an error, by type (byte order), seen before unseen. `train` may be null.
// gold and pred must hold the same sentences and tokens (check_aligned); InputError otherwise.
std::vector<ErrorGroup> collect_errors(const Corpus& gold, const Corpus& pred,
                                       const TrainMentions* train);

// The file --errors writes. Text (also for --format markdown): a heading line, then per group
//   <type> seen: 1 false positive, 2 false negatives
//   FP gold.tsv:14 "cancer risk" (gold there: Disease "cancer")
//      lung cancer and [cancer risk] .
// (the location is the gold file's line of the chunk's first token; "sentence N" when the
// corpus has no line numbers). Json: {"gold": path, "train": path or null, "groups": [{"type",
// "mentions": "seen"|"unseen"|"all", "false_positives": [E], "false_negatives": [E]}]} with E
// {"text", "sentence" (1-based), "line" (0 when unknown), "begin", "end" (token indices, end
// exclusive), "other": [{"type", "text", "begin", "end"}], "tokens": [...]}.
std::string format_errors(const std::vector<ErrorGroup>& groups, const Corpus& gold,
                          const TrainMentions* train, ReportFormat format);

}  // namespace medner
