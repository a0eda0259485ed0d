// Statistics printers; see stats_report.h for the three layouts.
#include "eval/stats_report.h"

#include <fmt/format.h>

#include <set>

#include "core/error.h"

namespace medner {

namespace {

std::string format_text(const std::vector<CorpusStats>& all) {
  std::string out;
  for (const CorpusStats& st : all) {
    if (!out.empty()) out += "\n";
    out += st.path + "\n";
    out += fmt::format("  {:<19}{}\n", "sentences", st.sentences);
    out += fmt::format("  {:<19}{}\n", "tokens", st.tokens);
    out += fmt::format("  {:<19}{}\n", "tag scheme", to_string(st.scheme));
    out += fmt::format("  {:<19}{} tokens (line {})\n", "longest sentence", st.longest_sentence,
                       st.longest_sentence_line);
    if (st.invalid_sentences == 0) {
      out += fmt::format("  {:<19}0\n", "invalid sequences");
    } else {
      out += fmt::format("  {:<19}{} sentences (first at line {})\n", "invalid sequences",
                         st.invalid_sentences, st.first_invalid_line);
    }
    out += fmt::format("  {:<19}{}\n", "chunks", st.chunks);
    for (const auto& [type, n] : st.chunks_by_type) {
      out += "    " + type + std::string(type.size() < 17 ? 17 - type.size() : 1, ' ') +
             std::to_string(n) + "\n";
    }
  }
  return out;
}

std::set<std::string> all_types(const std::vector<CorpusStats>& all) {
  std::set<std::string> types;
  for (const CorpusStats& st : all) {
    for (const auto& kv : st.chunks_by_type) types.insert(kv.first);
  }
  return types;
}

std::string format_markdown(const std::vector<CorpusStats>& all) {
  std::set<std::string> types = all_types(all);
  std::string head = "| file | sentences | tokens | longest | scheme |";
  std::string rule = "|:-----|----------:|-------:|--------:|:-------|";
  for (const std::string& t : types) {
    head += " " + markdown_cell(t) + " |";
    rule += "---:|";
  }
  head += " chunks |\n";
  rule += "-------:|\n";
  std::string out = head + rule;
  for (const CorpusStats& st : all) {
    out += fmt::format("| {} | {} | {} | {} | {} |", markdown_cell(st.path), st.sentences,
                       st.tokens, st.longest_sentence, to_string(st.scheme));
    for (const std::string& t : types) {
      auto it = st.chunks_by_type.find(t);
      out += fmt::format(" {} |", it == st.chunks_by_type.end() ? 0 : it->second);
    }
    out += fmt::format(" {} |\n", st.chunks);
  }
  return out;
}

std::string format_json(const std::vector<CorpusStats>& all) {
  std::string out = "[";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const CorpusStats& st = all[i];
    out += i == 0 ? "\n" : ",\n";
    out += fmt::format(
        "  {{\"path\": {}, \"sentences\": {}, \"tokens\": {}, \"tag_scheme\": \"{}\", "
        "\"longest_sentence\": {}, \"longest_sentence_line\": {}, \"invalid_sentences\": {}, "
        "\"chunks\": {}, \"chunks_by_type\": {{",
        json_quote(st.path), st.sentences, st.tokens, to_string(st.scheme), st.longest_sentence,
        st.longest_sentence_line, st.invalid_sentences, st.chunks);
    bool first = true;
    for (const auto& [type, n] : st.chunks_by_type) {
      out += fmt::format("{}{}: {}", first ? "" : ", ", json_quote(type), n);
      first = false;
    }
    out += "}}";
  }
  out += all.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace

std::string format_stats(const std::vector<CorpusStats>& stats, ReportFormat format) {
  switch (format) {
    case ReportFormat::Text:
      return format_text(stats);
    case ReportFormat::Markdown:
      return format_markdown(stats);
    case ReportFormat::Json:
      return format_json(stats);
  }
  MEDNER_CHECK(false, "unknown ReportFormat {}", static_cast<int>(format));
  return "";
}

}  // namespace medner
