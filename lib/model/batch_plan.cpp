#include "model/batch_plan.h"

#include "core/rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace medner {

namespace {
void shuffle(std::vector<int>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}
}  // namespace

std::vector<int> mixed_batch_counts(const std::vector<int>& sentences, int batch_size, double temperature) {
  const std::size_t heads = sentences.size();
  std::vector<int> m(heads, 0);
  int total = 0, corpora = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    m[h] = (sentences[h] + batch_size - 1) / batch_size;
    total += m[h];
    corpora += sentences[h] > 0 ? 1 : 0;
  }
  if (temperature == 1.0 || corpora < 2) return m;
  std::vector<double> weight(heads, 0.0), remainder(heads, -HUGE_VAL);  // a head without sentences: never
  double sum = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    if (sentences[h] > 0) weight[h] = std::pow(static_cast<double>(sentences[h]), 1.0 / temperature);
    sum += weight[h];
  }
  int given = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    if (sentences[h] == 0) {
      m[h] = 0;
      continue;
    }
    const double want = total * weight[h] / sum;
    m[h] = std::max(1, static_cast<int>(std::floor(want)));
    remainder[h] = want - std::floor(want);
    given += m[h];
  }
  // The batches the floors left go to the largest remainders; the ones the at-least-one rule
  // added come back from the heads with the most batches. Either loop runs about `heads` times at most.
  while (given < total) {
    const auto h = static_cast<std::size_t>(std::max_element(remainder.begin(), remainder.end()) - remainder.begin());
    ++m[h];
    remainder[h] -= 1.0;  // after every other head (rounding error could ask for a second round)
    ++given;
  }
  while (given > total) {
    const auto h = static_cast<std::size_t>(std::max_element(m.begin(), m.end()) - m.begin());
    --m[h];
    --given;
  }
  return m;
}

BatchPlan plan_epoch(const std::vector<EncodedSentence>& sentences, int batch_size, uint64_t seed,
                     int epoch, double temperature) {
  Rng rng(seed * 1000003ULL + static_cast<uint64_t>(epoch));
  int heads = 1;
  for (const EncodedSentence& s : sentences) heads = std::max(heads, s.head + 1);
  std::vector<std::vector<int>> members(static_cast<std::size_t>(heads));
  for (int i = 0; i < static_cast<int>(sentences.size()); ++i)
    members[static_cast<std::size_t>(sentences[static_cast<std::size_t>(i)].head)].push_back(i);
  std::vector<int> sizes;
  for (const auto& ids : members) sizes.push_back(static_cast<int>(ids.size()));
  const std::vector<int> counts = mixed_batch_counts(sizes, batch_size, temperature);
  std::vector<std::vector<int>> batches;
  for (std::size_t h = 0; h < members.size(); ++h) {
    // One shuffled pass when the head's batches are one pass's (always with T = 1: the plan of
    // before temperatures, draw for draw); else as many passes as its m_h * B sentences need.
    const int pass = sizes[h];
    const bool one_pass = counts[h] == (pass + batch_size - 1) / batch_size;
    const int n = one_pass ? pass : counts[h] * batch_size;
    std::vector<int> order;
    while (pass > 0 && static_cast<int>(order.size()) < n) {
      std::vector<int> shuffled = members[h];
      shuffle(shuffled, rng);
      order.insert(order.end(), shuffled.begin(),
                   shuffled.begin() + std::min(pass, n - static_cast<int>(order.size())));
    }
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
