// evaluate()'s chunk matching (matching_spans), with each chunk counted in the part its own text
// belongs to.
#include "eval/novelty.h"

#include "data/tag_scheme.h"
#include "data/word_features.h"
#include "eval/eval_input.h"

namespace medner {

TrainMentions::TrainMentions(const Corpus& train) : path_(train.path) {
  for (const Sentence& s : train.sentences)
    for (const Span& sp : extract_spans(s.tags)) keys_.emplace(sp.type, key(s.tokens, sp.begin, sp.end));
}

bool TrainMentions::contains(const std::string& type, const std::string& key) const {
  return keys_.count({type, key}) != 0;
}

std::string TrainMentions::key(const std::vector<std::string>& tokens, int begin, int end) {
  const WordOptions lower{/*lowercase=*/true, /*normalize_digits=*/false};
  std::string out;
  for (int i = begin; i < end; ++i) {
    if (i > begin) out += ' ';
    out += normalize_word(tokens[static_cast<std::size_t>(i)], lower);
  }
  return out;
}

namespace {

ChunkCounts& part(NoveltySplit& split, bool seen) { return seen ? split.seen : split.unseen; }

}  // namespace

NoveltyReport novelty_report(const Corpus& gold, const Corpus& pred, const TrainMentions& train) {
  check_aligned(gold, pred);
  NoveltyReport r;
  r.train_path = train.path();
  r.train_mentions = train.distinct();
  for (std::size_t s = 0; s < gold.sentences.size(); ++s) {
    const std::vector<std::string>& tokens = gold.sentences[s].tokens;
    std::vector<Span> gs = extract_spans(gold.sentences[s].tags);
    std::vector<Span> ps = extract_spans(pred.sentences[s].tags);
    auto seen = [&](const Span& sp) {
      return train.contains(sp.type, TrainMentions::key(tokens, sp.begin, sp.end));
    };
    for (const Span& sp : gs) {
      bool in_train = seen(sp);
      ++part(r.overall, in_train).gold;
      ++part(r.types[sp.type], in_train).gold;
    }
    for (const Span& sp : ps) {
      bool in_train = seen(sp);
      ++part(r.overall, in_train).predicted;
      ++part(r.types[sp.type], in_train).predicted;
    }
    for (std::size_t k : matching_spans(gs, ps)) {
      bool in_train = seen(gs[k]);
      ++part(r.overall, in_train).correct;
      ++part(r.types[gs[k].type], in_train).correct;
    }
  }
  return r;
}

}  // namespace medner
