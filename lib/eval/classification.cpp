// Counting for the classification report. The exact table repeats evaluate()'s merge
// (matching_spans); the partial one matches in text order, which is optimal here: the chunks of
// one side never overlap each other, so the gold chunks a predicted chunk overlaps are a window
// whose both ends move right from one predicted chunk to the next, and on such windows taking
// for each predicted chunk the leftmost free gold chunk of its type gives a largest matching
// (exchange argument: any matching can be rearranged into the greedy one without losing a pair).
#include "eval/classification.h"

#include "eval/eval_input.h"

namespace medner {

std::vector<std::pair<std::size_t, std::size_t>> overlap_matches(const std::vector<Span>& gold,
                                                                 const std::vector<Span>& pred) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::vector<bool> taken(gold.size(), false);
  std::size_t lo = 0;  // first gold chunk that ends after the current predicted chunk begins
  for (std::size_t j = 0; j < pred.size(); ++j) {
    const Span& p = pred[j];
    while (lo < gold.size() && gold[lo].end <= p.begin) ++lo;
    // The scan visits only gold chunks that overlap p: linear in the overlapping pairs.
    for (std::size_t i = lo; i < gold.size() && gold[i].begin < p.end; ++i) {
      if (!taken[i] && gold[i].type == p.type) {
        taken[i] = true;
        out.emplace_back(i, j);
        break;
      }
    }
  }
  return out;
}

void match_table_average(MatchTable& table) {
  table.macro = ScoreTriple{};
  table.weighted = ScoreTriple{};
  if (table.types.empty()) return;
  long support = 0;
  for (const auto& kv : table.types) {
    const ChunkCounts& c = kv.second;
    const auto w = static_cast<double>(c.gold);
    table.macro.precision += c.precision();
    table.macro.recall += c.recall();
    table.macro.f1 += c.f1();
    table.weighted.precision += w * c.precision();
    table.weighted.recall += w * c.recall();
    table.weighted.f1 += w * c.f1();
    support += c.gold;
  }
  const auto n = static_cast<double>(table.types.size());
  table.macro = ScoreTriple{table.macro.precision / n, table.macro.recall / n, table.macro.f1 / n};
  const double s = support > 0 ? static_cast<double>(support) : 1.0;  // all weights 0 otherwise
  table.weighted =
      ScoreTriple{table.weighted.precision / s, table.weighted.recall / s, table.weighted.f1 / s};
}

namespace {

// Adds one sentence's chunks to both tables.
void count_chunks(const std::vector<Span>& gs, const std::vector<Span>& ps,
                  ClassificationReport& r) {
  for (MatchTable* t : {&r.exact, &r.partial}) {
    for (const Span& sp : gs) ++t->types[sp.type].gold;
    for (const Span& sp : ps) ++t->types[sp.type].predicted;
    t->micro.gold += static_cast<long>(gs.size());
    t->micro.predicted += static_cast<long>(ps.size());
  }
  for (std::size_t k : matching_spans(gs, ps)) {
    ++r.exact.micro.correct;
    ++r.exact.types[gs[k].type].correct;
  }
  for (const auto& pair : overlap_matches(gs, ps)) {
    ++r.partial.micro.correct;
    ++r.partial.types[gs[pair.first].type].correct;
  }
}

// Adds one sentence's tokens to the token-level counts.
void count_tokens(const std::vector<std::string>& gold, const std::vector<std::string>& pred,
                  ChunkCounts& c) {
  for (std::size_t i = 0; i < gold.size(); ++i) {
    TagParts g;
    TagParts p;
    parse_tag(gold[i], &g);  // both validated when read (extract_spans throws otherwise)
    parse_tag(pred[i], &p);
    const bool gold_entity = g.prefix != 'O';
    const bool pred_entity = p.prefix != 'O';
    c.gold += gold_entity ? 1 : 0;
    c.predicted += pred_entity ? 1 : 0;
    c.correct += gold_entity && pred_entity && g.type == p.type ? 1 : 0;
  }
}

}  // namespace

ClassificationReport classification_report(const Corpus& gold, const Corpus& pred) {
  check_aligned(gold, pred);
  ClassificationReport r;
  for (std::size_t s = 0; s < gold.sentences.size(); ++s) {
    const std::vector<std::string>& g = gold.sentences[s].tags;
    const std::vector<std::string>& p = pred.sentences[s].tags;
    count_chunks(extract_spans(g), extract_spans(p), r);
    count_tokens(g, p, r.token);
  }
  match_table_average(r.exact);
  match_table_average(r.partial);
  return r;
}

}  // namespace medner
