// Printing an EvalReport. Text is conlleval's own layout, digit for digit, so our output can be
// diffed against published conlleval output; Markdown is a table for experiment write-ups with
// the counts behind every score; JSON is one object with unrounded percentages for scripts.
#pragma once

#include <string>

#include "eval/metrics.h"

namespace medner {

enum class ReportFormat { Text, Markdown, Json };

// "text", "markdown" (or "md"), "json"; InputError "unknown report format 'x'; expected ..."
ReportFormat parse_report_format(const std::string& name);

// Text (conlleval):
//   processed N tokens with G phrases; found: P phrases; correct: C.
//   accuracy:  AA.AA%; precision:  PP.PP%; recall:  RR.RR%; FB1:  FF.FF
//   <type right-aligned to 17 bytes>: precision: ...%; recall: ...%; FB1: ...  <predicted>
// (the accuracy line is left out when there are no tokens, as conlleval does).
// Json: {"overall": {"precision", "recall", "f1", "gold", "predicted", "correct"},
//        "types": {"<type>": {same six}}, "macro_f1", "accuracy", "sentences", "tokens"}.
std::string format_report(const EvalReport& report, ReportFormat format);

// Helpers shared with the statistics report.
std::string json_string(const std::string& s);    // quoted and escaped
std::string markdown_cell(const std::string& s);  // '|' escaped

}  // namespace medner
