// Report printers: conlleval's text layout details (byte padding, long types, no-token case),
// the JSON object's exact shape, Markdown escaping, and the statistics report.
#include "eval/report.h"

#include <doctest/doctest.h>

#include <string>

#include "core/error.h"
#include "data/conll.h"
#include "data/corpus_stats.h"
#include "eval/stats_report.h"

using namespace medner;

namespace {

EvalReport one_type(const std::string& type, long gold, long predicted, long correct) {
  EvalReport r;
  r.overall = ChunkCounts{gold, predicted, correct};
  r.types[type] = r.overall;
  r.sentences = 1;
  r.tokens = 4;
  r.correct_tags = 3;
  r.accuracy = 75.0;
  r.macro_f1 = r.overall.f1();
  return r;
}

}  // namespace

TEST_CASE("report: text is conlleval's layout; types right-aligned in 17 bytes, never cut") {
  std::string text = format_report(one_type("a_type_longer_than_17", 2, 1, 1), ReportFormat::Text);
  CHECK(text ==
        "processed 4 tokens with 2 phrases; found: 1 phrases; correct: 1.\n"
        "accuracy:  75.00%; precision: 100.00%; recall:  50.00%; FB1:  66.67\n"
        "a_type_longer_than_17: precision: 100.00%; recall:  50.00%; FB1:  66.67  1\n");
  // Two-byte UTF-8 letter: Perl's %17s counts bytes, so 15 spaces + 2 bytes.
  std::string utf8 = format_report(one_type("\xCE\xB2", 1, 1, 1), ReportFormat::Text);
  CHECK(utf8.find("\n" + std::string(15, ' ') + "\xCE\xB2: precision") != std::string::npos);
}

TEST_CASE("report: text without tokens prints only the first line, like conlleval") {
  EvalReport r;
  CHECK(format_report(r, ReportFormat::Text) ==
        "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n");
}

TEST_CASE("report: json holds the specified fields, unrounded") {
  EvalReport r = one_type("Disease", 3, 3, 2);
  r.types["Chemical"] = ChunkCounts{1, 0, 0};
  r.overall = ChunkCounts{4, 3, 2};
  r.macro_f1 = 100.0 / 3;  // (0 + 200/3) / 2
  CHECK(format_report(r, ReportFormat::Json) ==
        "{\n"
        "  \"overall\": {\"precision\": 66.66666666666667, \"recall\": 50, \"f1\": "
        "57.142857142857146, \"gold\": 4, \"predicted\": 3, \"correct\": 2},\n"
        "  \"types\": {\n"
        "    \"Chemical\": {\"precision\": 0, \"recall\": 0, \"f1\": 0, \"gold\": 1, "
        "\"predicted\": 0, \"correct\": 0},\n"
        "    \"Disease\": {\"precision\": 66.66666666666667, \"recall\": 66.66666666666667, "
        "\"f1\": 66.66666666666667, \"gold\": 3, \"predicted\": 3, \"correct\": 2}\n"
        "  },\n"
        "  \"macro_f1\": 33.333333333333336,\n"
        "  \"accuracy\": 75,\n"
        "  \"sentences\": 1,\n"
        "  \"tokens\": 4\n"
        "}\n");
  EvalReport empty;
  CHECK(format_report(empty, ReportFormat::Json).find("\"types\": {},") != std::string::npos);
}

TEST_CASE("report: json and markdown escape type names") {
  CHECK(json_quote("a\"b\\c\x01") == "\"a\\\"b\\\\c\\u0001\"");
  CHECK(markdown_cell("a|b") == "a\\|b");
  std::string md = format_report(one_type("x|y", 1, 1, 1), ReportFormat::Markdown);
  CHECK(md.find("| x\\|y | 100.00 | 100.00 | 100.00 | 1 | 1 | 1 |\n") != std::string::npos);
}

TEST_CASE("report: format names") {
  CHECK(parse_report_format("text") == ReportFormat::Text);
  CHECK(parse_report_format("markdown") == ReportFormat::Markdown);
  CHECK(parse_report_format("md") == ReportFormat::Markdown);
  CHECK(parse_report_format("json") == ReportFormat::Json);
  CHECK_THROWS_WITH_AS(parse_report_format("xml"),
                       "unknown report format 'xml'; expected text, markdown or json", InputError);
}

TEST_CASE("report: statistics in text, markdown and json") {
  Corpus c = read_conll_text("a\tB-Chemical\nb\tO\n\nc\tB-Disease\nd\tI-Disease\ne\tO\n", "x.tsv");
  std::vector<CorpusStats> st{corpus_stats(c)};
  CHECK(format_stats(st, ReportFormat::Text) ==
        "x.tsv\n"
        "  sentences          2\n"
        "  tokens             5\n"
        "  tag scheme         iob2\n"
        "  longest sentence   3 tokens (line 4)\n"
        "  invalid sequences  0\n"
        "  chunks             2\n"
        "    Chemical         1\n"
        "    Disease          1\n");
  CHECK(format_stats(st, ReportFormat::Markdown) ==
        "| file | sentences | tokens | longest | scheme | Chemical | Disease | chunks |\n"
        "|:-----|----------:|-------:|--------:|:-------|---:|---:|-------:|\n"
        "| x.tsv | 2 | 5 | 3 | iob2 | 1 | 1 | 2 |\n");
  CHECK(format_stats(st, ReportFormat::Json) ==
        "[\n  {\"path\": \"x.tsv\", \"sentences\": 2, \"tokens\": 5, \"tag_scheme\": \"iob2\", "
        "\"longest_sentence\": 3, \"longest_sentence_line\": 4, \"invalid_sentences\": 0, "
        "\"chunks\": 2, \"chunks_by_type\": {\"Chemical\": 1, \"Disease\": 1}}\n]\n");
}
