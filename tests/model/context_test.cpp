// Document context (train/context.h): the windows add_context builds, and that the network scores
// a sentence read in its window exactly as it scores the window's target columns when the window is
// given as one plain sentence, so the context reaches the encoder and only the targets leave it.
#include "data/conll.h"
#include "model/context.h"
#include "model/model_options.h"
#include "model/predictor.h"
#include "model/trained_model.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

EncodedSentence sentence(std::vector<int> words) {
  EncodedSentence s;
  s.words = words;
  s.casing.assign(words.size(), 0);
  s.forms = words;
  for (int w : words) s.tags.push_back(w % 2);
  return s;
}

Dataset four_sentences() {
  Dataset d;
  d.sentences = {sentence({1, 2}), sentence({3}), sentence({4, 5, 6}), sentence({7, 8})};
  d.tokens = 8;
  return d;
}

}  // namespace

TEST_CASE("add_context: windows of k sentences each side within a document, targets unchanged") {
  Dataset none = four_sentences();
  add_context(none, 0);
  for (const EncodedSentence& s : none.sentences) CHECK_FALSE(s.has_context());

  Dataset d = four_sentences();
  add_context(d, 1, {0, 0, 0, 1});  // the last sentence is a document of its own
  REQUIRE(d.sentences.size() == 4);
  CHECK(d.tokens == 8);  // tokens to tag, not tokens read
  const std::vector<std::vector<int>> words = {{1, 2, 3}, {1, 2, 3, 4, 5, 6}, {3, 4, 5, 6}, {7, 8}};
  const std::vector<int> begin = {0, 2, 1, 0}, length = {2, 1, 3, 2};
  const Dataset plain = four_sentences();
  for (std::size_t i = 0; i < 4; ++i) {
    const EncodedSentence& s = d.sentences[i];
    CHECK(s.words == words[i]);
    CHECK(s.forms == words[i]);
    CHECK(s.casing.size() == words[i].size());
    CHECK(s.target_begin == begin[i]);
    CHECK(s.targets() == length[i]);
    CHECK(s.tags == plain.sentences[i].tags);
    for (int t = 0; t < s.targets(); ++t)
      CHECK(s.words[static_cast<std::size_t>(s.target_begin + t)] == plain.sentences[i].words[static_cast<std::size_t>(t)]);
  }
  CHECK_FALSE(d.sentences[3].has_context());  // alone in its document

  Dataset two = four_sentences();
  add_context(two, 2);  // one document
  CHECK(two.sentences[0].words == std::vector<int>{1, 2, 3, 4, 5, 6});
  CHECK(two.sentences[3].words == std::vector<int>{3, 4, 5, 6, 7, 8});
  CHECK(two.sentences[3].target_begin == 4);
}

TEST_CASE("make_batch with context: the input holds the windows, the targets only the sentences") {
  Dataset d = four_sentences();
  add_context(d, 1, {0, 0, 0, 1});
  d.forms.offsets = {0};
  for (int f = 0; f <= 8; ++f) {
    d.forms.chars.push_back(f);
    d.forms.offsets.push_back(static_cast<int>(d.forms.chars.size()));
  }
  std::vector<int> seen(9, -1);
  Batch batch;
  make_batch({&d.sentences[1], &d.sentences[3]}, d.forms, seen, batch);
  CHECK(batch.B == 2);
  CHECK(batch.input_T == 6);
  CHECK(batch.input_lengths == std::vector<int>{6, 2});
  CHECK(batch.T == 2);
  CHECK(batch.lengths == std::vector<int>{1, 2});
  CHECK(batch.tokens() == 3);
  CHECK(batch.words == std::vector<int>{1, 7, 2, 8, 3, 0, 4, 0, 5, 0, 6, 0});
  CHECK(batch.tags == std::vector<int>{1, 1, -1, 0});
  // target t of sentence b -> input position (target_begin + t) * B + b
  CHECK(batch.target_position == std::vector<int>{2 * 2 + 0, 1, -1, 1 * 2 + 1});
  // A batch without context has no map.
  Dataset plain = four_sentences();
  plain.forms = d.forms;
  make_batch({&plain.sentences[0]}, plain.forms, seen, batch);
  CHECK(batch.target_position.empty());
  CHECK(batch.input_T == batch.T);
}

TEST_CASE("context: a sentence's emissions are the target columns of its window read as one sentence") {
  Corpus c = read_conll("data/ncbi-disease/train.tsv");
  c.sentences.resize(12);
  const ModelOptions cfg = parse_options(model_options(), {{"word-dim", "16"}, {"casing-dim", "4"}, {"char-dim", "8"},
                                     {"char-hidden", "8"}, {"hidden", "12"}, {"context", "1"}});
  const Vocabularies vocab = build_vocabularies(c, {}, nullptr, WordOptions{}, TagScheme::IOBES);
  Rng init(11);
  NerNetwork net(network_config(cfg, vocab), init);
  Dataset windows = encode_corpus(c, vocab, false);
  add_context(windows, 1);
  Dataset flat = windows;  // the same windows, every token a target
  for (EncodedSentence& s : flat.sentences) {
    s.target_begin = 0;
    s.target_length = -1;
  }
  std::vector<const EncodedSentence*> in_context, as_sentences;
  for (std::size_t i = 0; i < windows.sentences.size(); ++i) {
    in_context.push_back(&windows.sentences[i]);
    as_sentences.push_back(&flat.sentences[i]);
  }
  std::vector<int> seen(static_cast<std::size_t>(windows.forms.size()), -1);
  Batch a, b;
  make_batch(in_context, windows.forms, seen, a);
  make_batch(as_sentences, flat.forms, seen, b);
  REQUIRE(!a.target_position.empty());
  Tape ta, tb;
  const Matrix ea = ta.value(net.emissions(ta, a, nullptr, false));
  const Matrix eb = tb.value(net.emissions(tb, b, nullptr, false));
  REQUIRE(ea.cols() == static_cast<Index>(a.T) * a.B);
  int compared = 0;
  for (int s = 0; s < a.B; ++s) {
    const EncodedSentence& w = windows.sentences[static_cast<std::size_t>(s)];
    for (int t = 0; t < w.targets(); ++t) {
      CHECK(ea.col(static_cast<Index>(t) * a.B + s) == eb.col(static_cast<Index>(w.target_begin + t) * b.B + s));
      ++compared;
    }
  }
  CHECK(compared == static_cast<int>(windows.tokens));
  // Without the context the emissions differ: the neighbours reach the encoder.
  Dataset alone = encode_corpus(c, vocab, false);
  std::vector<const EncodedSentence*> single = {&alone.sentences[1]};
  Batch one;
  make_batch(single, alone.forms, seen, one);
  Tape t1;
  const Matrix e1 = t1.value(net.emissions(t1, one, nullptr, false));
  CHECK((e1.col(0) - ea.col(1)).norm() > 1e-6);
}
