// A tagger that tunes its character language model (--charlm-fine-tune, model/ner_network.h):
// before training it computes exactly the emissions of a network that reads the language model's
// fixed states; its loss has the right gradient in the language model's parameters; context
// windows read their sentences as one text; a model file keeps the tuned copy.
#include "common/gradcheck.h"
#include "common/tiny_batches.h"
#include "core/error.h"
#include "io/model_file.h"
#include "model/context.h"
#include "model/dataset.h"
#include "model/trained_model.h"

#include <doctest/doctest.h>

using namespace medner;
using medner::test::batch_of;
using medner::test::grad_check;
using medner::test::tiny_network_config;

namespace {

std::shared_ptr<const CharLm> tiny_lm(uint64_t seed) {
  Rng init(seed);
  return std::make_shared<const CharLm>(CharLmConfig{3, 2}, std::vector<std::string>{kCharLmUnkName, "\n", " ", "a", "b", "c"},
                                        init);
}

// Three sentences of one-character forms (tiny_forms: form i is char 2 + i % 3), the language
// model's input or its states as the encoder makes them.
std::vector<EncodedSentence> sentences(const CharLm& lm, bool fine_tune) {
  const std::vector<std::vector<int>> forms = {{0, 1, 2, 1}, {2}, {1, 0}};
  const char* const text = "abc";
  std::vector<std::vector<std::string>> tokens;
  std::vector<EncodedSentence> out;
  for (const std::vector<int>& f : forms) {
    EncodedSentence e;
    std::vector<std::string> t;
    for (int id : f) {
      e.words.push_back(2 + id);
      e.casing.push_back(0);
      e.forms.push_back(id);
      e.tags.push_back(id % 2);
      t.push_back(std::string(1, text[id]));
    }
    if (fine_tune) e.charlm_ids = lm.encode_sentence(t, &e.charlm_last, &e.charlm_first);
    tokens.push_back(t);
    out.push_back(std::move(e));
  }
  if (!fine_tune) {
    std::vector<std::vector<real>> states = lm.embed(tokens, 1);
    for (std::size_t i = 0; i < out.size(); ++i) out[i].charlm = std::move(states[i]);
  }
  return out;
}

NetworkConfig config_with(const CharLm& lm, bool fine_tune) {
  NetworkConfig c = tiny_network_config({"O", "B-X"});
  c.charlm_dim = lm.embedding_dim();
  if (fine_tune) {
    c.charlm_fine_tune = true;
    c.charlm = lm.config();
    c.charlm_chars = static_cast<Index>(lm.chars().size());
  }
  return c;
}

}  // namespace

TEST_CASE("charlm fine-tune: before training, the emissions of the fixed states; the tuned copy is the network's") {
  const auto lm = tiny_lm(3);
  const FormTable forms = medner::test::tiny_forms(3);
  Rng a(11), b(11);
  NerNetwork fixed(config_with(*lm, false), a), tuned(config_with(*lm, true), b);
  tuned.copy_charlm(*lm);
  CHECK(tuned.params().find("charlm/fwd/lstm/Wh").valid());
  CHECK(!tuned.params().find("charlm/fwd/out/W").valid());  // the softmax stays the language model's
  CHECK(!fixed.params().find("charlm/fwd/chars").valid());
  const Batch bf = batch_of(sentences(*lm, false), forms), bt = batch_of(sentences(*lm, true), forms);
  CHECK(bt.charlm_input.B == 3);
  CHECK(bt.charlm.empty());
  Tape t1, t2;
  const Matrix ef = t1.value(fixed.emissions(t1, bf, nullptr, false));
  const Matrix et = t2.value(tuned.emissions(t2, bt, nullptr, false));
  REQUIRE(ef.cols() == et.cols());
  CHECK(ef.isApprox(et, real(1e-5)));
  // A copy from another language model gives other emissions: the copy is what is read.
  tuned.copy_charlm(*tiny_lm(4));
  Tape t3;
  CHECK(!t3.value(tuned.emissions(t3, bt, nullptr, false)).isApprox(ef, real(1e-3)));
}

TEST_CASE("charlm fine-tune: the loss's gradient in every parameter, the language model's included") {
  const auto lm = tiny_lm(5);
  const FormTable forms = medner::test::tiny_forms(3);
  NetworkConfig c = config_with(*lm, true);
  c.dropout = 0;
  Rng init(12);
  NerNetwork net(c, init);
  net.copy_charlm(*lm);
  const Batch batch = batch_of(sentences(*lm, true), forms);
  auto r = grad_check({}, [&](Tape& t, const std::vector<NodeId>&) {
    Rng rng(1);
    return net.loss(t, batch, rng, false);
  }, &net.params());
  INFO(r.worst);
  CHECK(r.ok);
  CHECK(r.checked > 150);
}

TEST_CASE("charlm fine-tune: a context window is one text, its sentences each after its newline") {
  const auto lm = tiny_lm(6);
  Dataset d;
  d.sentences = sentences(*lm, true);
  const std::vector<int> ids0 = d.sentences[0].charlm_ids, ids1 = d.sentences[1].charlm_ids;
  add_context(d, 1);
  const EncodedSentence& w = d.sentences[1];  // sentences 0, 1, 2
  std::vector<int> all = ids0;
  all.insert(all.end(), ids1.begin(), ids1.end());
  all.insert(all.end(), {kCharLmBoundary, 4, kCharLmSpace, 3});  // sentence 2: "b a"
  CHECK(w.charlm_ids == all);
  CHECK(w.charlm_first == std::vector<int>{1, 3, 5, 7, 9, 11, 13});
  CHECK(w.charlm_last == w.charlm_first);  // one-character tokens
  CHECK(w.charlm_ids[static_cast<std::size_t>(w.charlm_first[4])] == 5);  // sentence 1's "c"
}

TEST_CASE("charlm fine-tune: the model file keeps the tuned copy; a file that tunes no model is refused") {
  const auto lm = tiny_lm(7);
  Vocabularies v;
  v.words = Vocab(std::vector<std::string>{"<pad>", "<unk>", "a", "b", "c", "d", "e", "f"});
  v.chars = Vocab(std::vector<std::string>{"<pad>", "<unk>", "a", "b", "c"});
  v.tags = Vocab(std::vector<std::string>{"O", "B-X"});
  set_charlm(v, char_lm_bytes(*lm), "lm.charlm");
  v.charlm_fine_tune = true;
  ModelOptions o = tiny_network_config({"O", "B-X"});
  o.charlm_fine_tune = true;
  Rng init(13);
  NerNetwork net(network_config(o, v), init);
  net.copy_charlm(*tiny_lm(8));  // not the file's language model: what training made of it
  // The stored options that give tiny_network_config's shape (the others keep their defaults).
  const ConfigMap config = {{"word-dim", "3"},       {"casing-dim", "2"}, {"char-dim", "2"},
                            {"char-hidden", "2"},    {"hidden", "3"},     {"constraints", "false"},
                            {"charlm-fine-tune", "true"}};
  const ModelFile mf = to_model_file(config, v, net, "model");
  TrainedModel m = from_model_file(mf, "m.bin");
  CHECK(m.vocab.charlm_fine_tune);
  const ParamStore& s = m.net->params();
  const Param p = s.find("charlm/bwd/lstm/Wx");
  REQUIRE(p.valid());
  CHECK(s.value(p) == net.params().value(net.params().find("charlm/bwd/lstm/Wx")));
  CHECK(s.value(p) != lm->params().value(lm->params().find("charlm/bwd/lstm/Wx")));
  ModelFile broken = mf;
  for (std::size_t i = 0; i < broken.blobs.size(); ++i)
    if (broken.blobs[i].first == "charlm") broken.blobs.erase(broken.blobs.begin() + static_cast<std::ptrdiff_t>(i));
  CHECK_THROWS_WITH_AS(from_model_file(broken, "m.bin"), doctest::Contains("m.bin: the model tunes a character language model"),
                       InputError);
}
