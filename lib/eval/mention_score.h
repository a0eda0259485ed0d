// Mention-level scores of PubTator predictions against PubTator gold, the BioCreative V CDR way:
// a predicted mention is correct when its document (PMID), start and end offsets and type equal
// a gold mention's; duplicates count once (both sides are sets). Unlike the token-level score of
// the same files, mentions the tokenizer cannot hold still count here (as misses).
#pragma once

#include "data/pubtator.h"
#include "eval/metrics.h"
#include "eval/report.h"

#include <string>
#include <vector>

namespace medner {

struct MentionScores {
  ChunkCounts overall;                       // micro over all types
  std::map<std::string, ChunkCounts> types;  // sorted
  long documents = 0;                        // gold documents
};

// InputError "pred:line: PMID 'x' is not a document of GOLD" for a predicted document that the
// gold file does not have; gold documents without predictions count their mentions as missed.
MentionScores score_mentions(const std::vector<PubTatorDocument>& gold, const std::vector<PubTatorDocument>& pred,
                             const std::string& gold_name, const std::string& pred_name);

// The section medner-eval prints after its token-level report: text (conlleval's layout),
// a Markdown table, or a JSON object (no trailing newline).
std::string format_mention_scores(const MentionScores& m, ReportFormat format);

}  // namespace medner
