// Report printers. Numbers in the text layout go through snprintf("%6.2f") because that is
// what Perl's printf uses, so rounding (on the exact binary value) matches conlleval's.
#include "eval/report.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/error.h"
#include "eval/classification_format.h"
#include "eval/mention_score.h"
#include "eval/novelty.h"

namespace medner {

namespace {

std::string fixed2(double v, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%*.2f", width, v);
  return buf;
}

// Perl's "%17s": right-aligned in 17 *bytes* (fmt would count display width).
std::string pad_left_bytes(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string format_text(const EvalReport& r) {
  std::string out =
      fmt::format("processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n",
                  r.tokens, r.overall.gold, r.overall.predicted, r.overall.correct);
  if (r.tokens > 0) {
    out += "accuracy: " + fixed2(r.accuracy, 6) +
           "%; precision: " + fixed2(r.overall.precision(), 6) +
           "%; recall: " + fixed2(r.overall.recall(), 6) + "%; FB1: " + fixed2(r.overall.f1(), 6) +
           "\n";
  }
  for (const auto& [type, c] : r.types) {
    out += pad_left_bytes(type, 17) + ": precision: " + fixed2(c.precision(), 6) +
           "%; recall: " + fixed2(c.recall(), 6) + "%; FB1: " + fixed2(c.f1(), 6) + "  " +
           std::to_string(c.predicted) + "\n";
  }
  return out;
}

double share(long part, long whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string novelty_text_line(const std::string& label, const ChunkCounts& c, long gold_total) {
  return pad_left_bytes(label, 17) + ": gold " + std::to_string(c.gold) + " (" +
         fixed2(share(c.gold, gold_total), 0) + "%); precision: " + fixed2(c.precision(), 6) +
         "%; recall: " + fixed2(c.recall(), 6) + "%; FB1: " + fixed2(c.f1(), 6) + "  " +
         std::to_string(c.predicted) + "\n";
}

std::string format_novelty_text(const NoveltyReport& n) {
  std::string out = fmt::format("mentions seen in training ({}: {} distinct) and unseen:\n",
                                n.train_path, n.train_mentions);
  const long all = n.overall.seen.gold + n.overall.unseen.gold;
  out += novelty_text_line("seen", n.overall.seen, all);
  out += novelty_text_line("unseen", n.overall.unseen, all);
  for (const auto& [type, split] : n.types) {
    const long of_type = split.seen.gold + split.unseen.gold;
    out += novelty_text_line(type + " seen", split.seen, of_type);
    out += novelty_text_line(type + " unseen", split.unseen, of_type);
  }
  return out;
}

std::string markdown_row(const std::string& name, const ChunkCounts& c) {
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, fixed2(c.precision(), 0),
                     fixed2(c.recall(), 0), fixed2(c.f1(), 0), c.gold, c.predicted, c.correct);
}

std::string format_markdown(const EvalReport& r) {
  std::string out =
      "| type | precision | recall | F1 | gold | predicted | correct |\n"
      "|:-----|----------:|-------:|---:|-----:|----------:|--------:|\n";
  for (const auto& [type, c] : r.types) out += markdown_row(markdown_cell(type), c);
  out += markdown_row("**all (micro)**", r.overall);
  out += fmt::format("\nmacro-F1: {}; token accuracy: {}% ({} of {} tokens); sentences: {}\n",
                     fixed2(r.macro_f1, 0), fixed2(r.accuracy, 0), r.correct_tags, r.tokens,
                     r.sentences);
  return out;
}

std::string format_novelty_markdown(const NoveltyReport& n) {
  std::string out = fmt::format(
      "\nMentions seen in training (the same type and lower-cased text in {}, {} distinct) and "
      "unseen:\n\n"
      "| type | mentions | precision | recall | F1 | gold | predicted | correct |\n"
      "|:-----|:---------|----------:|-------:|---:|-----:|----------:|--------:|\n",
      markdown_cell(n.train_path), n.train_mentions);
  auto rows = [&out](const std::string& type, const NoveltySplit& split) {
    for (bool seen : {true, false}) {
      const ChunkCounts& c = seen ? split.seen : split.unseen;
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", type,
                         seen ? "seen" : "unseen", fixed2(c.precision(), 0), fixed2(c.recall(), 0),
                         fixed2(c.f1(), 0), c.gold, c.predicted, c.correct);
    }
  };
  for (const auto& [type, split] : n.types) rows(markdown_cell(type), split);
  rows("**all (micro)**", n.overall);
  return out;
}

std::string json_counts(const ChunkCounts& c) {
  return fmt::format(
      "{{\"precision\": {}, \"recall\": {}, \"f1\": {}, \"gold\": {}, \"predicted\": {}, "
      "\"correct\": {}}}",
      c.precision(), c.recall(), c.f1(), c.gold, c.predicted, c.correct);
}

std::string json_novelty(const NoveltyReport& n) {
  std::string out = "{\n    \"train\": " + json_quote(n.train_path) +
                    ",\n    \"train_mentions\": " + std::to_string(n.train_mentions) +
                    ",\n    \"seen\": " + json_counts(n.overall.seen) +
                    ",\n    \"unseen\": " + json_counts(n.overall.unseen) + ",\n    \"types\": {";
  bool first = true;
  for (const auto& [type, split] : n.types) {
    out += first ? "\n" : ",\n";
    out += "      " + json_quote(type) + ": {\"seen\": " + json_counts(split.seen) +
           ", \"unseen\": " + json_counts(split.unseen) + "}";
    first = false;
  }
  out += n.types.empty() ? "}\n  }" : "\n    }\n  }";
  return out;
}

std::string format_json(const EvalReport& r, const NoveltyReport* novelty,
                        const ClassificationReport* classification) {
  std::string out = "{\n  \"overall\": " + json_counts(r.overall) + ",\n  \"types\": {";
  bool first = true;
  for (const auto& [type, c] : r.types) {
    out += first ? "\n" : ",\n";
    out += "    " + json_quote(type) + ": " + json_counts(c);
    first = false;
  }
  out += r.types.empty() ? "},\n" : "\n  },\n";
  out += fmt::format(
      "  \"macro_f1\": {},\n  \"accuracy\": {},\n  \"sentences\": {},\n"
      "  \"tokens\": {}",
      r.macro_f1, r.accuracy, r.sentences, r.tokens);
  if (novelty != nullptr) out += ",\n  \"novelty\": " + json_novelty(*novelty);
  if (classification != nullptr)
    out += ",\n  \"classification\": " + format_classification_json(*classification, "  ");
  return out + "\n}\n";
}

}  // namespace

ReportFormat parse_report_format(const std::string& name) {
  if (name == "text") return ReportFormat::Text;
  if (name == "markdown" || name == "md") return ReportFormat::Markdown;
  if (name == "json") return ReportFormat::Json;
  throw InputError(fmt::format("unknown report format '{}'; expected text, markdown or json",
                               name.substr(0, 40)));
}

std::string format_report(const EvalReport& report, ReportFormat format,
                          const NoveltyReport* novelty,
                          const ClassificationReport* classification,
                          const MentionScores* mentions) {
  const bool c = classification != nullptr;
  const std::string m = mentions != nullptr ? format_mention_scores(*mentions, format) : "";
  switch (format) {
    case ReportFormat::Text:
      return format_text(report) + (novelty != nullptr ? format_novelty_text(*novelty) : "") +
             (c ? "\n" + format_classification_text(*classification) : "") + m;
    case ReportFormat::Markdown:
      return format_markdown(report) +
             (novelty != nullptr ? format_novelty_markdown(*novelty) : "") +
             (c ? format_classification_markdown(*classification) : "") + m;
    case ReportFormat::Json: {
      std::string out = format_json(report, novelty, classification);
      if (mentions != nullptr) out.insert(out.size() - 3, ",\n  \"pubtator_mentions\": " + m);  // before "\n}\n"
      return out;
    }
  }
  MEDNER_CHECK(false, "unknown ReportFormat {}", static_cast<int>(format));
  return "";
}

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace medner
