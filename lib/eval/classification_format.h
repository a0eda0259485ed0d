// Printing a ClassificationReport, after conlleval's lines (report.h). Text is seqeval's
// classification_report layout (fractions with 4 digits; rows per type, then micro, macro and
// weighted averages) with two count columns appended, predicted and correct, so a diff shows
// what changed; Markdown one table in percentages; JSON members in percentages like the rest of
// the JSON report.
#pragma once

#include <string>

#include "eval/classification.h"

namespace medner {

// Text, three blocks separated by blank lines, each under a one-line heading:
//                 precision    recall  f1-score   support predicted   correct
//   <type, right-aligned>   0.5000    ...                2         2         1
// for the exact table, the partial table, and one "tokens" row for the token-level scores.
std::string format_classification_text(const ClassificationReport& r);

// A table with the exact and partial P/R/F1 per type and averaged, then the token-level line.
std::string format_classification_markdown(const ClassificationReport& r);

// {"exact": TABLE, "partial": TABLE, "token": SIX} where SIX is {"precision", "recall", "f1",
// "support", "predicted", "correct"} and TABLE {"types": {"<type>": SIX}, "micro": SIX,
// "macro": SIX, "weighted": SIX} (the averages' counts are the totals); percentages 0-100.
std::string format_classification_json(const ClassificationReport& r, const std::string& indent);

}  // namespace medner
