// Classification report printers. The text rows are seqeval's format strings,
// '{:>{width}s} ' + ' {:>9.4f}' * 3 + ' {:>9}', with width = max(longest type, len("weighted
// avg")) counted in code points as Python counts them, plus the two count columns.
#include "eval/classification_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "data/json_text.h"
#include "eval/report.h"

namespace medner {

namespace {

constexpr int kDigits = 4;

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t n = code_points(s);
  return n >= width ? s : std::string(width - n, ' ') + s;
}

std::string fraction(double percent) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " %9.*f", kDigits, percent / 100.0);
  return buf;
}

std::string text_row(const std::string& name, std::size_t width, const ScoreTriple& s,
                     const ChunkCounts& c) {
  return pad_left(name, width) + ' ' + fraction(s.precision) + fraction(s.recall) + fraction(s.f1) +
         fmt::format(" {:>9} {:>9} {:>9}\n", c.gold, c.predicted, c.correct);
}

ScoreTriple scores(const ChunkCounts& c) { return ScoreTriple{c.precision(), c.recall(), c.f1()}; }

// seqeval's head_fmt, '{:>{width}s} ' + ' {:>9}' * 4, then a blank line.
std::string text_header(std::size_t width) {
  return fmt::format("{}  {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n\n", std::string(width, ' '),
                     "precision", "recall", "f1-score", "support", "predicted", "correct");
}

std::string text_table(const MatchTable& t, std::size_t width) {
  std::string out = text_header(width);
  for (const auto& [type, c] : t.types) out += text_row(type, width, scores(c), c);
  if (!t.types.empty()) out += '\n';
  out += text_row("micro avg", width, scores(t.micro), t.micro);
  out += text_row("macro avg", width, t.macro, t.micro);
  out += text_row("weighted avg", width, t.weighted, t.micro);
  return out;
}

std::string percent(double v) { return fmt::format("{:.2f}", v); }

std::string markdown_row(const std::string& name, const ScoreTriple& exact,
                         const ScoreTriple& partial, const ChunkCounts& e, const ChunkCounts& p) {
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", name,
                     percent(exact.precision), percent(exact.recall), percent(exact.f1),
                     percent(partial.precision), percent(partial.recall), percent(partial.f1),
                     e.gold, e.predicted, e.correct, p.correct);
}

std::string json_six(const ScoreTriple& s, const ChunkCounts& c) {
  return fmt::format(
      "{{\"precision\": {}, \"recall\": {}, \"f1\": {}, \"support\": {}, \"predicted\": {}, "
      "\"correct\": {}}}",
      json_number(s.precision), json_number(s.recall), json_number(s.f1), c.gold, c.predicted,
      c.correct);
}

std::string json_table(const MatchTable& t, const std::string& indent) {
  const std::string in = indent + "  ";
  std::string out = "{\n" + in + "\"types\": {";
  bool first = true;
  for (const auto& [type, c] : t.types) {
    out += (first ? "\n" : ",\n") + in + "  " + json_quote(type) + ": " + json_six(scores(c), c);
    first = false;
  }
  out += t.types.empty() ? "},\n" : "\n" + in + "},\n";
  out += in + "\"micro\": " + json_six(scores(t.micro), t.micro) + ",\n";
  out += in + "\"macro\": " + json_six(t.macro, t.micro) + ",\n";
  out += in + "\"weighted\": " + json_six(t.weighted, t.micro) + "\n" + indent + "}";
  return out;
}

}  // namespace

std::string format_classification_text(const ClassificationReport& r) {
  std::size_t width = code_points("weighted avg");
  for (const auto& kv : r.exact.types) width = std::max(width, code_points(kv.first));
  std::string out = "classification report (seqeval's layout), exact match (conlleval's rule):\n";
  out += text_table(r.exact, width);
  out += "\npartial match: a predicted chunk overlapping a gold chunk of its type, one to one:\n";
  out += text_table(r.partial, width);
  out += "\ntoken level without O (the type of each token's tag):\n";
  out += text_header(width) + text_row("tokens", width, scores(r.token), r.token);
  return out;
}

std::string format_classification_markdown(const ClassificationReport& r) {
  std::string out =
      "\nClassification report: exact match (as above) and partial match (a predicted chunk "
      "overlapping a gold chunk of its type, each matched at most once); support = gold chunks.\n\n"
      "| type | precision | recall | F1 | partial precision | partial recall | partial F1 | "
      "support "
      "| predicted | correct | partial correct |\n"
      "|:-----|----------:|-------:|---:|------------------:|---------------:|-----------:|--------"
      ":"
      "|----------:|--------:|----------------:|\n";
  for (const auto& [type, e] : r.exact.types) {
    const ChunkCounts& p = r.partial.types.at(type);
    out += markdown_row(markdown_cell(type), scores(e), scores(p), e, p);
  }
  const MatchTable& e = r.exact;
  const MatchTable& p = r.partial;
  out += markdown_row("**micro avg**", scores(e.micro), scores(p.micro), e.micro, p.micro);
  out += markdown_row("**macro avg**", e.macro, p.macro, e.micro, p.micro);
  out += markdown_row("**weighted avg**", e.weighted, p.weighted, e.micro, p.micro);
  const ChunkCounts& t = r.token;
  out += fmt::format(
      "\nToken level without O: precision {}, recall {}, F1 {} ({} gold, {} predicted, {} correct "
      "tokens)\n",
      percent(t.precision()), percent(t.recall()), percent(t.f1()), t.gold, t.predicted, t.correct);
  return out;
}

std::string format_classification_json(const ClassificationReport& r, const std::string& indent) {
  const std::string in = indent + "  ";
  return "{\n" + in + "\"exact\": " + json_table(r.exact, in) + ",\n" + in +
         "\"partial\": " + json_table(r.partial, in) + ",\n" + in +
         "\"token\": " + json_six(scores(r.token), r.token) + "\n" + indent + "}";
}

}  // namespace medner
