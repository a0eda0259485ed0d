// Printing an EvalReport. Text is conlleval's own layout, digit for digit, so our output can be
// diffed against published conlleval output; Markdown is a table for experiment write-ups with
// the counts behind every score; JSON is one object with unrounded percentages for scripts.
#pragma once

#include "data/json_text.h"

#include <string>

#include "eval/metrics.h"

namespace medner {

struct NoveltyReport;         // eval/novelty.h
struct ClassificationReport;  // eval/classification.h
struct MentionScores;         // eval/mention_score.h

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
//
// With `novelty` (medner-eval --train), the report goes on with the split into mentions seen and
// unseen in training: in text, after conlleval's lines (which stay diffable), a header line and
//   <label right-aligned to 17 bytes>: gold G (SS.SS%); precision: ...%; recall: ...%; FB1: ...  <predicted>
// for "seen", "unseen", then "<type> seen" and "<type> unseen" (SS.SS: share of the gold chunks);
// in Markdown a second table; in JSON a member "novelty": {"train", "train_mentions", "seen":
// {six}, "unseen": {six}, "types": {"<type>": {"seen": {six}, "unseen": {six}}}}.
//
// With `classification` (medner-eval's default --report all), the seqeval-style report follows
// last (classification_format.h): in text after one blank line, in Markdown as another table,
// in JSON as a member "classification". Without it the output is what it was before that report
// existed, byte for byte. With `mentions` (PubTator gold and predictions), the mention-level
// scores come last: a section in text and Markdown, a member "pubtator_mentions" in JSON.
std::string format_report(const EvalReport& report, ReportFormat format,
                          const NoveltyReport* novelty = nullptr,
                          const ClassificationReport* classification = nullptr,
                          const MentionScores* mentions = nullptr);

// Helpers shared with the statistics report.
std::string markdown_cell(const std::string& s);  // '|' escaped

}  // namespace medner
