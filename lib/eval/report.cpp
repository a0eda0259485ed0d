// Report printers. Numbers in the text layout go through snprintf("%6.2f") because that is
// what Perl's printf uses, so rounding (on the exact binary value) matches conlleval's.
#include "eval/report.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/error.h"

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

std::string json_counts(const ChunkCounts& c) {
  return fmt::format(
      "{{\"precision\": {}, \"recall\": {}, \"f1\": {}, \"gold\": {}, \"predicted\": {}, "
      "\"correct\": {}}}",
      c.precision(), c.recall(), c.f1(), c.gold, c.predicted, c.correct);
}

std::string format_json(const EvalReport& r) {
  std::string out = "{\n  \"overall\": " + json_counts(r.overall) + ",\n  \"types\": {";
  bool first = true;
  for (const auto& [type, c] : r.types) {
    out += first ? "\n" : ",\n";
    out += "    " + json_string(type) + ": " + json_counts(c);
    first = false;
  }
  out += r.types.empty() ? "},\n" : "\n  },\n";
  out += fmt::format(
      "  \"macro_f1\": {},\n  \"accuracy\": {},\n  \"sentences\": {},\n"
      "  \"tokens\": {}\n}}\n",
      r.macro_f1, r.accuracy, r.sentences, r.tokens);
  return out;
}

}  // namespace

ReportFormat parse_report_format(const std::string& name) {
  if (name == "text") return ReportFormat::Text;
  if (name == "markdown" || name == "md") return ReportFormat::Markdown;
  if (name == "json") return ReportFormat::Json;
  throw InputError(fmt::format("unknown report format '{}'; expected text, markdown or json",
                               name.substr(0, 40)));
}

std::string format_report(const EvalReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::Text:
      return format_text(report);
    case ReportFormat::Markdown:
      return format_markdown(report);
    case ReportFormat::Json:
      return format_json(report);
  }
  MEDNER_CHECK(false, "unknown ReportFormat {}", static_cast<int>(format));
  return "";
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += ch;  // UTF-8 passes through (readers have validated it)
    }
  }
  return out + "\"";
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
