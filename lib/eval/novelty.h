// Scores split by whether a mention was seen in training. A model that only memorises its
// training mentions scores well on the "seen" part and poorly on the "unseen" one, and on
// biomedical corpora most errors sit in the unseen part (Kim and Kang 2022, "How do your
// biomedical named entity recognition models generalize to novel entities?"); the split tells an
// ablation that helps generalisation from one that helps memorisation.
//
// A mention is *seen* when the training file has a mention of the same type with the same tokens,
// compared lower-cased (ASCII, as word lookup does) and joined by single spaces. Gold and
// predicted chunks are both classified by their own text, so a correct chunk is in the same part
// on both sides and precision, recall and F1 are defined per part; seen + unseen = the overall
// counts of evaluate().
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "data/conll.h"
#include "eval/metrics.h"

namespace medner {

// The (type, key) pairs of a training corpus's gold chunks.
class TrainMentions {
 public:
  explicit TrainMentions(const Corpus& train);
  bool contains(const std::string& type, const std::string& key) const;
  const std::string& path() const { return path_; }
  long distinct() const { return static_cast<long>(keys_.size()); }

  // The comparison key of tokens [begin, end): lower-cased, space-joined.
  static std::string key(const std::vector<std::string>& tokens, int begin, int end);

 private:
  std::string path_;
  std::set<std::pair<std::string, std::string>> keys_;
};

struct NoveltySplit {
  ChunkCounts seen;
  ChunkCounts unseen;
};

struct NoveltyReport {
  std::string train_path;
  long train_mentions = 0;                    // distinct (type, key) pairs of the training file
  NoveltySplit overall;                       // micro over all types
  std::map<std::string, NoveltySplit> types;  // the types of evaluate()'s report
};

// gold and pred must hold the same sentences and tokens (check_aligned); InputError otherwise.
NoveltyReport novelty_report(const Corpus& gold, const Corpus& pred, const TrainMentions& train);

}  // namespace medner
