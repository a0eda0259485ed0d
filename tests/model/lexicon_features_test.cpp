// Lexicon features in the network (data/lexicon.h, model/ner_network.h): the batch layout, the
// windows of document context, that the features reach the emissions, and a finite-difference
// check of the loss's gradient through the lexicon embedding and every other parameter.
#include "common/gradcheck.h"
#include "common/tiny_batches.h"
#include "model/batch.h"
#include "model/context.h"
#include "model/ner_network.h"

#include <doctest/doctest.h>

using namespace medner;
using test::batch_of;

namespace {

constexpr int K = 2;  // lexicon types

// A sentence of the given words (form = word) with lexicon positions for each type, per token.
EncodedSentence sentence(const std::vector<int>& words, const std::vector<std::vector<int>>& positions) {
  EncodedSentence s;
  s.words = words;
  s.forms = words;
  s.casing.assign(words.size(), 3);
  for (std::size_t t = 0; t < words.size(); ++t) {
    s.tags.push_back(static_cast<int>(t % 3));
    for (int k = 0; k < K; ++k) s.lexicon.push_back(k * kLexiconPositions + positions[t][static_cast<std::size_t>(k)]);
  }
  return s;
}

NetworkConfig tiny_config() {
  NetworkConfig c = test::tiny_network_config({"O", "S-Disease", "S-Chemical"});
  c.lexicon_dim = 2;
  c.lexicon_types = K;
  return c;
}

}  // namespace

TEST_CASE("lexicon features: batches are type-major, padding is each type's none id") {
  const FormTable table = test::tiny_forms(8);
  const Batch b = batch_of({sentence({2, 3}, {{1, 0}, {3, 4}}), sentence({4}, {{4, 4}})}, table);
  REQUIRE(b.lexicon_types == K);
  const int N = b.input_T * b.B;  // 2 x 2, position t*B + b
  REQUIRE(static_cast<int>(b.lexicon.size()) == K * N);
  CHECK(std::vector<int>(b.lexicon.begin(), b.lexicon.begin() + N) == std::vector<int>{1, 4, 3, 0});
  CHECK(std::vector<int>(b.lexicon.begin() + N, b.lexicon.end()) ==
        std::vector<int>{5 + 0, 5 + 4, 5 + 4, 5 + 0});
  const Batch none = batch_of({sentence({2}, {{0, 0}})}, table);
  EncodedSentence plain;
  plain.words = {2};
  plain.forms = {2};
  plain.casing = {3};
  CHECK(batch_of({plain}, table).lexicon_types == 0);
  CHECK(none.lexicon_types == K);
}

TEST_CASE("lexicon features: document context windows carry each sentence's features") {
  Dataset d;
  d.sentences = {sentence({2, 3}, {{1, 0}, {3, 0}}), sentence({4}, {{4, 2}})};
  add_context(d, 1);
  CHECK(d.sentences[1].lexicon == std::vector<int>{1, 5, 3, 5, 4, 7});
  CHECK(d.sentences[0].lexicon == d.sentences[1].lexicon);
}

TEST_CASE("lexicon features: they reach the emissions, and the loss's gradient checks out") {
  Rng init(7);
  NerNetwork net(tiny_config(), init);
  const FormTable table = test::tiny_forms(8);
  const std::vector<EncodedSentence> data = {sentence({2, 3, 4}, {{1, 0}, {3, 4}, {0, 0}}),
                                             sentence({5, 6}, {{4, 1}, {0, 3}})};
  const Batch b = batch_of(data, table);
  Tape tape;
  Rng rng(1);
  const Matrix before = tape.value(net.emissions(tape, b, nullptr, false));
  std::vector<EncodedSentence> changed = data;
  changed[0].lexicon[1 * K + 1] = 1 * kLexiconPositions + 0;  // token 1 loses its Chemical E
  tape.clear();
  const Matrix after = tape.value(net.emissions(tape, batch_of(changed, table), nullptr, false));
  // Only sentence 0 (column t*B + 0) can change; with a BiLSTM all its tokens do.
  CHECK((before.col(1 * 2 + 0) - after.col(1 * 2 + 0)).norm() > 1e-4);
  CHECK((before.col(0 * 2 + 1) - after.col(0 * 2 + 1)).norm() == 0);

  test::GradCheckOptions options;
  options.stencil4 = true;
  const test::GradCheckReport r = test::grad_check(
      {}, [&](Tape& t, const std::vector<NodeId>&) { return net.loss(t, b, rng, false); }, &net.params(), options);
  INFO(r.worst);
  CHECK(r.checked > 50);
  CHECK(r.ok);
}
