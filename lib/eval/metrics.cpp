// Chunk matching per sentence: both span lists are sorted by begin and non-overlapping, so one
// merge pass finds the exact matches. That equals conlleval's line-by-line "inCorrect" state
// machine (a chunk counts when both sides start it together with one type and end it together);
// tests/eval/metrics_test.cpp checks the equivalence on random sequences.
#include "eval/metrics.h"

#include <fmt/format.h>

#include "core/error.h"
#include "data/tag_scheme.h"

namespace medner {

double ChunkCounts::precision() const {
  return predicted > 0 ? 100.0 * static_cast<double>(correct) / static_cast<double>(predicted)
                       : 0.0;
}

double ChunkCounts::recall() const {
  return gold > 0 ? 100.0 * static_cast<double>(correct) / static_cast<double>(gold) : 0.0;
}

double ChunkCounts::f1() const {
  double p = precision();
  double r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::vector<std::size_t> matching_spans(const std::vector<Span>& gold,
                                        const std::vector<Span>& pred) {
  std::vector<std::size_t> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < gold.size() && j < pred.size()) {
    if (gold[i].begin < pred[j].begin) {
      ++i;
    } else if (pred[j].begin < gold[i].begin) {
      ++j;
    } else {
      if (gold[i].end == pred[j].end && gold[i].type == pred[j].type) out.push_back(i);
      ++i;
      ++j;
    }
  }
  return out;
}

EvalReport evaluate(const std::vector<std::vector<std::string>>& gold,
                    const std::vector<std::vector<std::string>>& pred) {
  if (gold.size() != pred.size()) {
    throw InputError(fmt::format("evaluate: {} gold sentences but {} predicted sentences",
                                 gold.size(), pred.size()));
  }
  EvalReport r;
  for (std::size_t s = 0; s < gold.size(); ++s) {
    const auto& g = gold[s];
    const auto& p = pred[s];
    if (g.size() != p.size()) {
      throw InputError(fmt::format("sentence {}: {} gold tags but {} predicted tags", s + 1,
                                   g.size(), p.size()));
    }
    ++r.sentences;
    r.tokens += static_cast<long>(g.size());
    for (std::size_t i = 0; i < g.size(); ++i) r.correct_tags += g[i] == p[i] ? 1 : 0;

    std::vector<Span> gs = extract_spans(g);
    std::vector<Span> ps = extract_spans(p);
    for (const Span& sp : gs) ++r.types[sp.type].gold;
    for (const Span& sp : ps) ++r.types[sp.type].predicted;
    r.overall.gold += static_cast<long>(gs.size());
    r.overall.predicted += static_cast<long>(ps.size());
    for (std::size_t k : matching_spans(gs, ps)) {
      ++r.overall.correct;
      ++r.types[gs[k].type].correct;
    }
  }
  if (!r.types.empty()) {
    double sum = 0;
    for (const auto& kv : r.types) sum += kv.second.f1();
    r.macro_f1 = sum / static_cast<double>(r.types.size());
  }
  r.accuracy = r.tokens > 0
                   ? 100.0 * static_cast<double>(r.correct_tags) / static_cast<double>(r.tokens)
                   : 0.0;
  return r;
}

}  // namespace medner
