// Training a network with several heads (multi-corpus training, model/ner_network.h): with no
// sentences for the second head, training is exactly the one-head training of the same seed
// (every shared parameter and head 0's end bit for bit equal, and head 0 tags alike), because
// the extra head's parameters are made last and get no gradient; with sentences of both heads,
// each batch is one head's and every epoch passes once over each corpus.
#include "common/tiny_batches.h"
#include "dist/communicator.h"
#include "model/batch_plan.h"
#include "model/dataset.h"
#include "model/ner_network.h"
#include "optim/optimizer.h"
#include "train/parallel_step.h"

#include <doctest/doctest.h>

#include <set>

using namespace medner;

namespace {

// 24 sentences of 2..6 words over the tiny network's 8 words; tags from the words, so there is
// something to learn.
Dataset corpus(int head, int labels, int n, int offset) {
  Dataset d;
  d.forms = test::tiny_forms(8);
  d.word_counts.assign(8, 0);
  for (int i = 0; i < n; ++i) {
    EncodedSentence s;
    s.head = head;
    const int len = 2 + (i + offset) % 5;
    for (int t = 0; t < len; ++t) {
      const int w = 2 + (i * 3 + t * 5 + offset) % 6;
      s.words.push_back(w);
      s.forms.push_back(w);
      s.casing.push_back(2);
      s.tags.push_back(w % labels);
      ++d.word_counts[static_cast<std::size_t>(w)];
    }
    d.tokens += len;
    d.sentences.push_back(std::move(s));
  }
  return d;
}

NetworkConfig one_head() {
  NetworkConfig c = test::tiny_network_config({"O", "S-Disease", "B-Disease"});
  c.dropout = 0.2f;
  return c;
}

NetworkConfig two_heads() {
  NetworkConfig c = one_head();
  c.extra_heads = {{"bc5cdr", {"O", "S-Chemical", "S-Disease", "B-Chemical"}}};
  return c;
}

// Trains `net` on `data` for `epochs` (Adam, clipping, singletons to <unk>) on 2 threads.
void train(NerNetwork& net, const Dataset& data, int epochs) {
  LocalComm comm;
  StepSettings settings;
  settings.seed = 7;
  settings.singleton_unk = 0.5;
  settings.clip = 0.5;
  ParallelStep step(net, data, 8, settings, comm, 2);
  std::unique_ptr<Optimizer> opt = make_optimizer("adam", net.params(), 0.9f);
  int64_t steps = 0;
  for (int e = 0; e < epochs; ++e) {
    const BatchPlan plan = plan_epoch(data.sentences, 4, settings.seed, e);
    for (int k = 0; k < plan.batches(); ++k) step.run(plan, k, steps++, *opt, nullptr, 0.01f);
  }
}

}  // namespace

TEST_CASE("heads training: with an empty second corpus, a two-head network trains as the one-head network") {
  const Dataset data = corpus(0, 3, 24, 0);
  Rng init_a(11), init_b(11);
  NerNetwork one(one_head(), init_a), two(two_heads(), init_b);
  std::vector<real> second_head_before;
  for (int i = 0; i < two.params().count(); ++i) {
    const Param p = two.params().param(i);
    if (one.params().find(two.params().info(p).name).valid()) continue;
    auto v = two.params().value(p);
    second_head_before.insert(second_head_before.end(), v.data(), v.data() + v.size());
  }
  REQUIRE(!second_head_before.empty());
  train(one, data, 3);
  train(two, data, 3);
  std::vector<real> second_head_after;
  for (int i = 0; i < two.params().count(); ++i) {
    const Param p = two.params().param(i);
    const std::string& name = two.params().info(p).name;
    const Param q = one.params().find(name);
    auto b = two.params().value(p);
    if (!q.valid()) {
      second_head_after.insert(second_head_after.end(), b.data(), b.data() + b.size());
      continue;
    }
    INFO(name);
    auto a = one.params().value(q);
    REQUIRE(a.size() == b.size());
    for (Index k = 0; k < a.size(); ++k) REQUIRE(a.data()[k] == b.data()[k]);
  }
  CHECK(second_head_after == second_head_before);  // no sentence, no gradient, no update
  // Training moved the shared layers (the comparison above is not of two untouched networks).
  Rng init_c(11);
  NerNetwork fresh(one_head(), init_c);
  int moved = 0;
  for (int i = 0; i < fresh.params().count(); ++i) {
    const Param p = fresh.params().param(i);
    if (fresh.params().info(p).name.rfind("bilstm", 0) == 0)
      moved += fresh.params().value(p) != one.params().value(one.params().find(fresh.params().info(p).name));
  }
  CHECK(moved > 0);
  // Head 0 tags alike.
  Tape ta, tb;
  const Batch batch = test::batch_of({data.sentences[0], data.sentences[1], data.sentences[5]}, data.forms);
  CHECK(one.decode(ta, batch) == two.decode(tb, batch));
}

TEST_CASE("heads training: batches keep to one head, and an epoch covers each corpus once") {
  Dataset data = corpus(0, 3, 24, 0);
  append_dataset(data, corpus(1, 4, 10, 3));
  REQUIRE(data.sentences.size() == 34);
  REQUIRE(data.forms.size() == 16);
  CHECK(data.sentences[24].forms[0] >= 8);  // the second corpus's forms moved past the first's
  for (int epoch = 0; epoch < 3; ++epoch) {
    const BatchPlan plan = plan_epoch(data.sentences, 4, 5, epoch);
    std::multiset<int> seen(plan.order.begin(), plan.order.end());
    CHECK(seen.size() == 34);
    CHECK(std::set<int>(plan.order.begin(), plan.order.end()).size() == 34);
    int mixed_first = 0;  // batches of head 1 among the first half: the corpora are interleaved
    for (int k = 0; k < plan.batches(); ++k) {
      const int first = plan.order[static_cast<std::size_t>(plan.starts[static_cast<std::size_t>(k)])];
      const int head = data.sentences[static_cast<std::size_t>(first)].head;
      for (int i = plan.starts[static_cast<std::size_t>(k)]; i < plan.starts[static_cast<std::size_t>(k) + 1]; ++i)
        REQUIRE(data.sentences[static_cast<std::size_t>(plan.order[static_cast<std::size_t>(i)])].head == head);
      if (k < plan.batches() / 2 && head == 1) ++mixed_first;
    }
    CHECK(plan.batches() == 6 + 3);  // 24 / 4 and ceil(10 / 4)
    CHECK(mixed_first > 0);
  }
  // One head: the plan is the one-corpus plan of those sentences.
  const Dataset alone = corpus(0, 3, 24, 0);
  Dataset with_empty = corpus(0, 3, 24, 0);
  append_dataset(with_empty, Dataset{});
  CHECK(plan_epoch(alone.sentences, 4, 5, 2).order == plan_epoch(with_empty.sentences, 4, 5, 2).order);
  // Both heads train: each head's output moves.
  Rng init(2);
  NerNetwork net(two_heads(), init);
  const std::vector<real> before(net.params().data(), net.params().data() + net.params().size());
  train(net, data, 1);
  for (const char* name : {"output.bc5cdr/W", "crf.bc5cdr/trans", "output/W"}) {
    CAPTURE(name);
    const Param p = net.params().find(name);
    REQUIRE(p.valid());
    const auto v = net.params().value(p);
    const std::size_t at = static_cast<std::size_t>(v.data() - net.params().data());
    CHECK(!std::equal(v.data(), v.data() + v.size(), before.begin() + static_cast<long>(at)));
  }
}
