#include "model/batch_plan.h"

#include "core/rng.h"

#include <algorithm>
#include <numeric>

namespace medner {

namespace {
void shuffle(std::vector<int>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}
}  // namespace

BatchPlan plan_epoch(const std::vector<EncodedSentence>& sentences, int batch_size, uint64_t seed,
                     int epoch) {
  Rng rng(seed * 1000003ULL + static_cast<uint64_t>(epoch));
  int heads = 1;
  for (const EncodedSentence& s : sentences) heads = std::max(heads, s.head + 1);
  std::vector<std::vector<int>> batches;
  for (int h = 0; h < heads; ++h) {
    std::vector<int> order;
    for (int i = 0; i < static_cast<int>(sentences.size()); ++i)
      if (sentences[static_cast<std::size_t>(i)].head == h) order.push_back(i);
    const int n = static_cast<int>(order.size());
    shuffle(order, rng);
    const int window = batch_size * 50;
    for (int w = 0; w < n; w += window) {
      auto first = order.begin() + w, last = order.begin() + std::min(n, w + window);
      std::stable_sort(first, last, [&](int a, int b) {
        return sentences[static_cast<std::size_t>(a)].size() < sentences[static_cast<std::size_t>(b)].size();
      });
    }
    for (int s = 0; s < n; s += batch_size)
      batches.emplace_back(order.begin() + s, order.begin() + std::min(n, s + batch_size));
  }
  std::vector<int> perm(batches.size());
  std::iota(perm.begin(), perm.end(), 0);
  shuffle(perm, rng);
  BatchPlan plan;
  plan.starts.push_back(0);
  for (int k : perm) {
    const auto& b = batches[static_cast<std::size_t>(k)];
    plan.order.insert(plan.order.end(), b.begin(), b.end());
    plan.starts.push_back(static_cast<int>(plan.order.size()));
  }
  return plan;
}

BatchPlan plan_by_length(const std::vector<EncodedSentence>& sentences, int tokens, int max_sentences) {
  BatchPlan plan;
  plan.order.resize(sentences.size());
  std::iota(plan.order.begin(), plan.order.end(), 0);
  std::stable_sort(plan.order.begin(), plan.order.end(), [&](int a, int b) {
    return sentences[static_cast<std::size_t>(a)].size() < sentences[static_cast<std::size_t>(b)].size();
  });
  plan.starts.push_back(0);
  int count = 0, longest = 0;
  for (std::size_t i = 0; i < plan.order.size(); ++i) {
    int len = std::max(1, sentences[static_cast<std::size_t>(plan.order[i])].size());
    // Padded size if this sentence joins the batch (sorted, so it is the longest).
    if (count > 0 && (static_cast<long>(count + 1) * std::max(longest, len) > tokens || count >= max_sentences)) {
      plan.starts.push_back(static_cast<int>(i));
      count = 0;
      longest = 0;
    }
    ++count;
    longest = std::max(longest, len);
  }
  if (!plan.order.empty()) plan.starts.push_back(static_cast<int>(plan.order.size()));
  return plan;
}

std::vector<int> shard_bounds(int begin, int end, int shards) {
  std::vector<int> b(static_cast<std::size_t>(shards) + 1);
  const int n = end - begin;
  for (int i = 0; i <= shards; ++i) b[static_cast<std::size_t>(i)] = begin + n * i / shards;
  return b;
}

}  // namespace medner
