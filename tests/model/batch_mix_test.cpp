// How an epoch mixes the batches of several corpora (model/batch_plan.h): the counts against
// hand-computed temperature shares, and plans that draw each head's sentences as those counts say.
#include "model/batch_plan.h"

#include <doctest/doctest.h>

#include <map>

using namespace medner;

namespace {

// n sentences of head `head`, of lengths 1..5 in turn.
void add_sentences(std::vector<EncodedSentence>& out, int head, int n) {
  for (int i = 0; i < n; ++i) {
    EncodedSentence s;
    s.head = head;
    s.words.assign(static_cast<std::size_t>(1 + i % 5), 2);
    s.forms = s.words;
    s.casing = s.words;
    s.tags.assign(s.words.size(), 0);
    out.push_back(std::move(s));
  }
}

// Batches of each head in the plan, after checking that no batch mixes heads.
std::map<int, int> batches_per_head(const BatchPlan& plan, const std::vector<EncodedSentence>& sentences) {
  std::map<int, int> out;
  for (int k = 0; k < plan.batches(); ++k) {
    const auto b = static_cast<std::size_t>(plan.starts[static_cast<std::size_t>(k)]);
    const auto e = static_cast<std::size_t>(plan.starts[static_cast<std::size_t>(k) + 1]);
    const int head = sentences[static_cast<std::size_t>(plan.order[b])].head;
    for (std::size_t i = b; i < e; ++i) REQUIRE(sentences[static_cast<std::size_t>(plan.order[i])].head == head);
    ++out[head];
  }
  return out;
}

}  // namespace

TEST_CASE("batch mix: counts follow sentences^(1/T), sum to one pass's batches, at least one per corpus") {
  // 100 and 25 sentences in batches of 10: one pass is 10 + 3 = 13 batches.
  CHECK(mixed_batch_counts({100, 25}, 10, 1.0) == std::vector<int>{10, 3});
  // T = 2: weights 10 and 5, so 13 * 2/3 = 8.67 and 4.33; the batch left goes to the larger remainder.
  CHECK(mixed_batch_counts({100, 25}, 10, 2.0) == std::vector<int>{9, 4});
  // T very large: 6.5 each; the tie goes to the first head.
  CHECK(mixed_batch_counts({100, 25}, 10, 1e3) == std::vector<int>{7, 6});
  // T = 0.5: weights 10^4 and 625, so 12.24 and 0.76; floors 12 and 0, raised to 1.
  CHECK(mixed_batch_counts({100, 25}, 10, 0.5) == std::vector<int>{12, 1});
  // Two corpora raised to one batch: the extra batch comes back from the largest.
  CHECK(mixed_batch_counts({1000, 1, 1}, 10, 0.25) == std::vector<int>{100, 1, 1});
  // A head without sentences gets no batch; one corpus keeps its pass whatever T is.
  CHECK(mixed_batch_counts({100, 0, 25}, 10, 2.0) == std::vector<int>{9, 0, 4});
  CHECK(mixed_batch_counts({0, 37}, 10, 5.0) == std::vector<int>{0, 4});
  const std::vector<int> sizes = {541, 456, 250, 1088};
  for (double t : {0.3, 0.7, 1.5, 3.0, 10.0}) {
    CAPTURE(t);
    const std::vector<int> m = mixed_batch_counts(sizes, 32, t);
    int sum = 0;
    for (int x : m) sum += x;
    CHECK(sum == 17 + 15 + 8 + 34);
    for (std::size_t i = 0; i < m.size(); ++i)  // a larger corpus never gets fewer batches
      for (std::size_t j = 0; j < m.size(); ++j)
        if (sizes[i] > sizes[j]) CHECK(m[i] >= m[j]);
  }
}

TEST_CASE("batch mix: a plan draws each head's batches as the counts say, full, from whole passes") {
  std::vector<EncodedSentence> sentences;
  add_sentences(sentences, 0, 100);
  add_sentences(sentences, 1, 25);
  for (int epoch = 0; epoch < 3; ++epoch) {
    // T = 1: one pass over each, each sentence once.
    const BatchPlan pass = plan_epoch(sentences, 10, 9, epoch, 1.0);
    CHECK(pass.order.size() == 125);
    CHECK(batches_per_head(pass, sentences) == std::map<int, int>{{0, 10}, {1, 3}});
    // T = 2: 9 batches of head 0 (90 of its 100 sentences, each at most once) and 4 of head 1
    // (40 sentences: every one of the 25 once, then 15 of a second pass).
    const BatchPlan mixed = plan_epoch(sentences, 10, 9, epoch, 2.0);
    CHECK(batches_per_head(mixed, sentences) == std::map<int, int>{{0, 9}, {1, 4}});
    CHECK(mixed.order.size() == 130);
    std::map<int, int> times;
    for (int i : mixed.order) ++times[i];
    int head0 = 0;
    for (int i = 0; i < 100; ++i) {
      CHECK(times[i] <= 1);
      head0 += times[i];
    }
    CHECK(head0 == 90);
    int twice = 0;
    for (int i = 100; i < 125; ++i) {
      CHECK((times[i] == 1 || times[i] == 2));
      twice += times[i] == 2;
    }
    CHECK(twice == 15);
    // A pure function of (seed, epoch, T).
    CHECK(plan_epoch(sentences, 10, 9, epoch, 2.0).order == mixed.order);
    CHECK(plan_epoch(sentences, 10, 9, epoch + 1, 2.0).order != mixed.order);
  }
  // One corpus: the temperature changes nothing.
  std::vector<EncodedSentence> one;
  add_sentences(one, 0, 37);
  CHECK(plan_epoch(one, 10, 4, 1, 3.0).order == plan_epoch(one, 10, 4, 1).order);
  CHECK(plan_epoch(one, 10, 4, 1, 3.0).starts == plan_epoch(one, 10, 4, 1).starts);
}
