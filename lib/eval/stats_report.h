// Printing corpus statistics (medner-eval --stats): per file sentences, tokens, chunks per type,
// tag scheme, longest sentence. Text is a block per file, Markdown one table with a column per
// entity type (the table in data/README.md), JSON an array of objects.
#pragma once

#include <string>
#include <vector>

#include "data/corpus_stats.h"
#include "eval/report.h"

namespace medner {

std::string format_stats(const std::vector<CorpusStats>& stats, ReportFormat format);

}  // namespace medner
