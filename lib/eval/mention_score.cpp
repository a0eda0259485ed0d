#include "eval/mention_score.h"

#include "core/error.h"
#include "data/json_text.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

namespace medner {

namespace {

using MentionKey = std::tuple<std::size_t, std::size_t, std::string>;  // start, end, type

std::set<MentionKey> keys(const PubTatorDocument& d) {
  std::set<MentionKey> out;
  for (const PubTatorMention& m : d.mentions) out.emplace(m.begin, m.end, m.type);
  return out;
}

std::string text_row(const std::string& name, const ChunkCounts& c) {
  return fmt::format("{:>17}: precision: {:6.2f}%; recall: {:6.2f}%; FB1: {:6.2f}  ({} correct, {} predicted, {} "
                     "gold)\n",
                     name, c.precision(), c.recall(), c.f1(), c.correct, c.predicted, c.gold);
}

std::string json_row(const ChunkCounts& c) {
  return fmt::format("{{\"precision\": {}, \"recall\": {}, \"f1\": {}, \"gold\": {}, \"predicted\": {}, "
                     "\"correct\": {}}}",
                     json_number(c.precision()), json_number(c.recall()), json_number(c.f1()), c.gold, c.predicted,
                     c.correct);
}

}  // namespace

MentionScores score_mentions(const std::vector<PubTatorDocument>& gold, const std::vector<PubTatorDocument>& pred,
                             const std::string& gold_name, const std::string& pred_name) {
  std::map<std::string, std::set<MentionKey>> gold_keys;
  for (const PubTatorDocument& d : gold) {
    std::set<MentionKey> k = keys(d);
    gold_keys[d.pmid].insert(k.begin(), k.end());
  }
  MentionScores s;
  s.documents = static_cast<long>(gold_keys.size());
  std::map<std::string, std::set<MentionKey>> pred_keys;
  for (const PubTatorDocument& d : pred) {
    if (gold_keys.count(d.pmid) == 0)
      throw InputError(fmt::format("{}:{}: PMID '{}' is not a document of {}", pred_name, d.line,
                                   message_excerpt(d.pmid), gold_name));
    std::set<MentionKey> k = keys(d);
    pred_keys[d.pmid].insert(k.begin(), k.end());
  }
  for (const auto& [pmid, g] : gold_keys) {
    for (const MentionKey& k : g) {
      ++s.types[std::get<2>(k)].gold;
      ++s.overall.gold;
    }
    auto p = pred_keys.find(pmid);
    if (p == pred_keys.end()) continue;
    for (const MentionKey& k : p->second) {
      const bool correct = g.count(k) != 0;
      ChunkCounts& t = s.types[std::get<2>(k)];
      ++t.predicted;
      ++s.overall.predicted;
      t.correct += correct;
      s.overall.correct += correct;
    }
  }
  return s;
}

std::string format_mention_scores(const MentionScores& m, ReportFormat format) {
  std::string out;
  switch (format) {
    case ReportFormat::Text:
      out = fmt::format("\nPubTator mentions (exact PMID, start, end and type; BioCreative CDR), {} document{}:\n",
                        m.documents, m.documents == 1 ? "" : "s");
      out += text_row("all (micro)", m.overall);
      for (const auto& [type, c] : m.types) out += text_row(type, c);
      return out;
    case ReportFormat::Markdown:
      out = fmt::format("\n### PubTator mentions (exact offsets and type), {} document{}\n\n"
                        "| type | precision | recall | F1 | correct | predicted | gold |\n|---|---|---|---|---|---|---|\n",
                        m.documents, m.documents == 1 ? "" : "s");
      for (const auto& [type, c] : m.types)
        out += fmt::format("| {} | {:.2f} | {:.2f} | {:.2f} | {} | {} | {} |\n", markdown_cell(type), c.precision(),
                           c.recall(), c.f1(), c.correct, c.predicted, c.gold);
      out += fmt::format("| **all (micro)** | {:.2f} | {:.2f} | {:.2f} | {} | {} | {} |\n", m.overall.precision(),
                         m.overall.recall(), m.overall.f1(), m.overall.correct, m.overall.predicted, m.overall.gold);
      return out;
    case ReportFormat::Json:
      out = fmt::format("{{\n    \"documents\": {},\n    \"overall\": {},\n    \"types\": {{", m.documents,
                        json_row(m.overall));
      bool first = true;
      for (const auto& [type, c] : m.types) {
        out += (first ? "\n      " : ",\n      ") + json_quote(type) + ": " + json_row(c);
        first = false;
      }
      return out + (m.types.empty() ? "}\n  }" : "\n    }\n  }");
  }
  MEDNER_CHECK(false, "unknown ReportFormat {}", static_cast<int>(format));
  return out;
}

}  // namespace medner
