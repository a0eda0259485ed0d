// Predictor: the tags do not depend on the thread count, on the batching (one sentence at a time
// or all together), or on whether the Predictor's kept workspaces are fresh or reused; concurrent
// calls on one Predictor give the same results.
#include "data/conll.h"
#include "model/model_options.h"
#include "model/predictor.h"
#include "model/trained_model.h"

#include <doctest/doctest.h>

#include <thread>

using namespace medner;

TEST_CASE("predictor: same tags for 1 and 2 threads, one sentence or all, fresh or reused, concurrent") {
  Corpus c = read_conll("data/bc5cdr/train.tsv");
  c.sentences.resize(150);  // more than two tagging batches of 64
  const ModelOptions cfg = parse_options(model_options(), {{"word-dim", "16"}, {"casing-dim", "4"}, {"char-dim", "8"},
                                     {"char-hidden", "8"}, {"hidden", "12"}});
  const Vocabularies vocab = build_vocabularies(c, {}, nullptr, WordOptions{}, TagScheme::IOBES);
  Rng init(5);  // untrained weights: the tags are arbitrary but must be reproducible
  NerNetwork net(network_config(cfg, vocab), init);
  const Dataset data = encode_corpus(c, vocab, false);

  Predictor one(net, vocab, 1), two(net, vocab, 2);
  const auto reference = one.tags(data);
  REQUIRE(reference.size() == c.sentences.size());
  for (std::size_t i = 0; i < reference.size(); ++i) REQUIRE(reference[i].size() == c.sentences[i].tokens.size());
  CHECK(one.tags(data) == reference);  // reused workspaces
  CHECK(two.tags(data) == reference);
  CHECK(two.tags(data) == reference);
  for (std::size_t i = 0; i < 20; ++i) {  // one sentence per call, through the single-thread path
    const Dataset single = encode_tokens({c.sentences[i].tokens}, vocab);
    CHECK(one.tags(single).front() == reference[i]);
  }
  std::vector<std::vector<std::string>> a, b;
  std::thread ta([&] { a = two.tags(data); }), tb([&] { b = two.tags(data); });
  ta.join();
  tb.join();
  CHECK(a == reference);
  CHECK(b == reference);
}
