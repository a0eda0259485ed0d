// A network with several heads (model/ner_network.h, multi-corpus training): the loss's gradient
// through the shared layers and both heads, that head 0 of a two-head network is the one-head
// network of the same seed, that each batch is scored by its own head over its own labels, and
// that a batch cannot mix heads.
#include "common/gradcheck.h"
#include "common/tiny_batches.h"
#include "core/error.h"
#include "model/batch.h"
#include "model/ner_network.h"
#include "model/trained_model.h"
#include "ops/elementwise.h"

#include <doctest/doctest.h>

using namespace medner;
using test::batch_of;

namespace {

EncodedSentence sentence(const std::vector<int>& words, int head, int labels) {
  EncodedSentence s;
  s.words = words;
  s.forms = words;
  s.casing.assign(words.size(), 2);
  s.head = head;
  for (std::size_t t = 0; t < words.size(); ++t)
    s.tags.push_back((static_cast<int>(t) + words[0]) % labels);
  return s;
}

NetworkConfig one_head() { return test::tiny_network_config({"O", "S-Disease", "B-Disease"}); }

NetworkConfig two_heads() {
  NetworkConfig c = one_head();
  c.extra_heads = {{"bc5cdr", {"O", "S-Chemical", "S-Disease", "B-Chemical"}}};
  return c;
}

}  // namespace

TEST_CASE("heads: the loss's gradient checks out through the shared layers and both heads") {
  Rng init(3);
  NerNetwork net(two_heads(), init);
  REQUIRE(net.heads() == 2);
  CHECK(net.tags(1).size() == 4);
  const FormTable table = test::tiny_forms(8);
  const Batch a = batch_of({sentence({2, 3, 4}, 0, 3), sentence({5, 6}, 0, 3)}, table);
  const Batch b = batch_of({sentence({3, 7}, 1, 4), sentence({4, 5, 6}, 1, 4)}, table);
  CHECK(a.head == 0);
  CHECK(b.head == 1);
  Rng rng(1);
  test::GradCheckOptions options;
  options.stencil4 = true;
  // Both batches in one function: every parameter, shared or of either head, has a gradient.
  const test::GradCheckReport r = test::grad_check(
      {},
      [&](Tape& t, const std::vector<NodeId>&) {
        const NodeId la = net.loss(t, a, rng, false), lb = net.loss(t, b, rng, false);
        return add(t, la, lb);
      },
      &net.params(), options);
  INFO(r.worst);
  CHECK(r.checked > 100);
  CHECK(r.ok);
}

TEST_CASE("heads: head 0 of a two-head network is the one-head network of the same seed") {
  Rng init1(11), init2(11);
  NerNetwork one(one_head(), init1), two(two_heads(), init2);
  const FormTable table = test::tiny_forms(8);
  const Batch a = batch_of({sentence({2, 3, 4}, 0, 3), sentence({5, 6}, 0, 3)}, table);
  Tape t1, t2;
  const Matrix e1 = t1.value(one.emissions(t1, a, nullptr, false));
  const Matrix e2 = t2.value(two.emissions(t2, a, nullptr, false));
  CHECK(e1.rows() == 3);
  CHECK(e1 == e2);  // bit for bit: the same parameters, made in the same order
  CHECK(one.decode(t1, a) == two.decode(t2, a));
  // Head 1 scores over its own 4 labels, and decodes to them.
  const Batch b = batch_of({sentence({3, 7}, 1, 4)}, table);
  Tape t3;
  CHECK(t3.value(two.emissions(t3, b, nullptr, false)).rows() == 4);
  const std::vector<std::vector<int>> best = two.decode(t3, b);
  REQUIRE(best.size() == 1);
  for (int id : best[0]) CHECK((id >= 0 && id < 4));
}

TEST_CASE("heads: a batch names one head; heads need distinct names") {
  const FormTable table = test::tiny_forms(8);
  std::vector<EncodedSentence> mixed = {sentence({2, 3}, 0, 3), sentence({4}, 1, 3)};
  CHECK_THROWS_WITH_AS(batch_of(mixed, table), doctest::Contains("heads 0 and 1"), std::exception);
  Rng init(1);
  NerNetwork one(one_head(), init);
  const Batch b = batch_of({sentence({3, 7}, 1, 3)}, table);
  Tape t;
  CHECK_THROWS_WITH_AS(one.emissions(t, b, nullptr, false), doctest::Contains("head 1 of a network with 1"),
                       std::exception);
  NetworkConfig twice = two_heads();
  twice.extra_heads.push_back(twice.extra_heads[0]);
  CHECK_THROWS_WITH_AS(NerNetwork(twice, init), doctest::Contains("two heads are named 'bc5cdr'"), std::exception);
}

TEST_CASE("heads: a model file keeps every head's tags and parameters") {
  Vocabularies vocab;
  vocab.words = Vocab({"<pad>", "<unk>", "a", "b", "c", "d", "e", "f"});
  vocab.chars = Vocab({"<pad>", "<unk>", "x", "y", "z"});
  vocab.tags = Vocab({"O", "S-Disease", "B-Disease"});
  vocab.extra_heads = {{"bc5cdr", Vocab({"O", "S-Chemical", "S-Disease", "B-Chemical"})}};
  ModelOptions options = one_head();
  Rng init(5);
  NerNetwork net(network_config(options, vocab), init);
  REQUIRE(net.heads() == 2);
  ConfigMap config = {{"word-dim", "3"}, {"casing-dim", "2"}, {"char-dim", "2"}, {"char-hidden", "2"},
                      {"hidden", "3"}, {"constraints", "false"}};
  const ModelFile mf = to_model_file(config, vocab, net, "model");
  const TrainedModel back = from_model_file(mf, "m.bin");
  REQUIRE(back.net->heads() == 2);
  CHECK(back.vocab.extra_heads.size() == 1);
  CHECK(back.vocab.extra_heads[0].name == "bc5cdr");
  CHECK(back.net->tags(1) == net.tags(1));
  const FormTable table = test::tiny_forms(8);
  for (int head = 0; head < 2; ++head) {
    const Batch b = batch_of({sentence({2, 3, 4}, head, 3), sentence({5, 6}, head, 3)}, table);
    Tape t1, t2;
    const Matrix e1 = t1.value(net.emissions(t1, b, nullptr, false));
    const Matrix e2 = t2.value(back.net->emissions(t2, b, nullptr, false));
    CHECK(e1 == e2);
  }
  // A head name that --head could not spell is a corrupted file.
  ModelFile bad = mf;
  for (auto& [name, entries] : bad.vocabularies)
    if (name == "tags.bc5cdr") name = "tags.bc 5";
  CHECK_THROWS_WITH_AS(from_model_file(bad, "m.bin"), doctest::Contains("m.bin: malformed head name 'bc 5'"),
                       InputError);
}
