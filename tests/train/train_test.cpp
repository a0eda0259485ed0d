// End-to-end properties of training on tiny data: it can overfit, a saved model predicts exactly
// like the network it was saved from, and a resumed run ends with the same model as an
// uninterrupted one.
#include "common/temp_dir.h"
#include "core/error.h"
#include "data/conll.h"
#include "data/tag_scheme.h"
#include "eval/metrics.h"
#include "io/model_file.h"
#include "model/predictor.h"
#include "model/tagging.h"
#include "model/trained_model.h"
#include "train/checkpoint.h"
#include "train/config.h"
#include "train/trainer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace medner;

namespace {

// The first n sentences of a bundled corpus, as a file in dir.
std::string slice(const medner_test::TempDir& dir, const std::string& corpus, int n) {
  Corpus c = read_conll(corpus);
  c.sentences.resize(static_cast<std::size_t>(n));
  std::string path = dir.file("slice.tsv");
  std::ofstream out(path);
  write_conll(out, c);
  return path;
}

ConfigMap tiny_config(const std::string& data, const std::string& model) {
  return merge_config({{{"train", data}, {"dev", data}, {"model", model}, {"word-dim", "16"},
                        {"casing-dim", "4"}, {"char-dim", "8"}, {"char-hidden", "8"}, {"hidden", "24"},
                        {"dropout", "0"}, {"singleton-unk", "0"}, {"optimizer", "adam"}, {"lr", "0.02"},
                        {"lr-decay", "0"}, {"batch-size", "4"}, {"max-epochs", "40"}, {"patience", "40"},
                        {"threads", "1"}, {"seed", "3"}}});
}

// m with some options set to other values.
ConfigMap with(ConfigMap m, const std::vector<std::pair<std::string, std::string>>& values) {
  for (auto& kv : m)
    for (const auto& v : values)
      if (kv.first == v.first) kv.second = v.second;
  return m;
}

TrainSummary run(const ConfigMap& m) {
  std::ostringstream log, out;
  return train_model(TrainConfig::from_map(m), m, log);
}

}  // namespace

TEST_CASE("train: 20 sentences overfit to dev F1 = 100") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 20);
  TrainSummary s = run(tiny_config(data, dir.file("m.bin")));
  CHECK(s.best_dev_f1 == doctest::Approx(100.0));
  // The saved best model reproduces that score.
  TrainedModel m = load_trained_model(dir.file("m.bin"));
  Corpus c = read_conll(data);
  Predictor p(*m.net, m.vocab, 1);
  std::vector<std::vector<std::string>> gold;
  for (const Sentence& sent : c.sentences) gold.push_back(sent.tags);
  CHECK(evaluate(gold, p.tags(encode_corpus(c, m.vocab, false))).overall.f1() == doctest::Approx(100.0));
}

TEST_CASE("train: with document context it still overfits, and the saved model tags in context") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 20);
  TrainSummary s = run(with(tiny_config(data, dir.file("m.bin")), {{"context", "1"}}));
  CHECK(s.best_dev_f1 == doctest::Approx(100.0));
  TrainedModel m = load_trained_model(dir.file("m.bin"));
  CHECK(m.net->config().context == 1);
  Corpus c = read_conll(data);
  std::vector<std::vector<std::string>> gold;
  for (const Sentence& sent : c.sentences) gold.push_back(sent.tags);
  // tag_corpus (medner-eval --model) reads the windows the model was trained on.
  CHECK(evaluate(gold, tag_corpus(m, c, 1)).overall.f1() == doctest::Approx(100.0));
  // Windows stop at documents: with every sentence a document of its own (a -DOCSTART- line
  // before each), tag_corpus gives the tags of the sentences read alone. Sentences the model was
  // not trained on, where the neighbours do change tags.
  Corpus held = read_conll("data/ncbi-disease/train.tsv");
  held.sentences = std::vector<Sentence>(held.sentences.begin() + 20, held.sentences.begin() + 120);
  Corpus separate = held;
  for (std::size_t i = 0; i < separate.sentences.size(); ++i) separate.sentences[i].document = static_cast<int>(i);
  const auto alone = Predictor(*m.net, m.vocab, 1).tags(encode_corpus(held, m.vocab, false));
  CHECK(tag_corpus(m, separate, 1) == alone);
  CHECK(tag_corpus(m, held, 1) != alone);
}

TEST_CASE("train: save -> load gives bit-identical emissions and predictions") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/bc5cdr/train.tsv", 12);
  Corpus c = read_conll(data);
  const ConfigMap m = tiny_config(data, dir.file("m.bin"));
  TrainConfig cfg = TrainConfig::from_map(m);
  Vocabularies vocab = build_vocabularies(c, {}, nullptr, WordOptions{}, TagScheme::IOBES);
  Rng init(7);
  NerNetwork net(network_config(cfg.net, vocab), init);
  save_model_file(dir.file("m.bin"), to_model_file(stored_config(m), vocab, net, "model"));
  TrainedModel loaded = load_trained_model(dir.file("m.bin"));
  CHECK(loaded.vocab.words.entries() == vocab.words.entries());
  CHECK(loaded.vocab.tags.entries() == vocab.tags.entries());
  Dataset d = encode_corpus(c, vocab, false);
  std::vector<const EncodedSentence*> sents;
  for (const auto& s : d.sentences) sents.push_back(&s);
  std::vector<int> seen(static_cast<std::size_t>(d.forms.size()), -1);
  Batch batch;
  make_batch(sents, d.forms, seen, batch);
  Tape t1, t2;
  CHECK(t1.value(net.emissions(t1, batch, nullptr, false)) ==
        t2.value(loaded.net->emissions(t2, batch, nullptr, false)));
  CHECK(Predictor(net, vocab, 1).tags(d) == Predictor(*loaded.net, loaded.vocab, 1).tags(d));
}

TEST_CASE("train: a resumed run ends with the same model as an uninterrupted one") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 16);
  ConfigMap full =
      with(tiny_config(data, dir.file("full.bin")), {{"max-epochs", "4"}, {"dropout", "0.3"}, {"singleton-unk", "0.5"}});
  run(full);
  {
    ConfigMap again = with(full, {{"model", dir.file("again.bin")}});
    run(again);
    ModelFile a = load_model_file(dir.file("full.bin.ckpt")), b = load_model_file(dir.file("again.bin.ckpt"));
    for (std::size_t i = 0; i < a.params.size(); ++i) {
      INFO("determinism ", a.params[i].name);
      CHECK(a.params[i].data == b.params[i].data);
    }
  }
  ConfigMap part = with(full, {{"model", dir.file("part.bin")}});
  run(with(part, {{"max-epochs", "2"}}));
  run(with(part, {{"resume", "true"}}));
  ModelFile a = load_model_file(dir.file("full.bin")), b = load_model_file(dir.file("part.bin"));
  REQUIRE(a.params.size() == b.params.size());
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    INFO(a.params[i].name);
    CHECK(a.params[i].data == b.params[i].data);
  }
  ModelFile ca = load_model_file(dir.file("full.bin.ckpt")), cb = load_model_file(dir.file("part.bin.ckpt"));
  for (std::size_t i = 0; i < ca.params.size(); ++i) CHECK(ca.params[i].data == cb.params[i].data);
}

TEST_CASE("train: --lexicon: the model file keeps the names, and loading it tags as the trained network did") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/bc5cdr/train.tsv", 12);
  std::ofstream(dir.file("lex.tsv")) << "SELEGILINE\tChemical\tD012642\nclonidine\tChemical\npostural hypotension\tDisease\n"
                                        "blood pressure\tOther\n";
  const ConfigMap m = with(tiny_config(data, dir.file("m.bin")), {{"lexicon", dir.file("lex.tsv")}, {"max-epochs", "3"}});
  run(m);
  TrainedModel loaded = load_trained_model(dir.file("m.bin"));
  REQUIRE(loaded.vocab.lexicon != nullptr);
  CHECK(loaded.vocab.lexicon->type_names() == std::vector<std::string>{"Chemical", "Disease", "Other"});
  CHECK(loaded.vocab.lexicon->names() == 4);
  CHECK(loaded.net->config().lexicon_types == 3);
  CHECK(loaded.net->params().value(loaded.net->params().find("lexicon")).cols() == 3 * kLexiconPositions);
  // The encoding carries the features: "Selegiline - induced postural hypotension ...".
  Dataset d = encode_corpus(read_conll(data), loaded.vocab, false);
  const std::vector<int>& f = d.sentences[0].lexicon;  // token t, type k at t * 3 + k
  CHECK(f[0 * 3 + 0] == 0 * kLexiconPositions + 4);     // Chemical S
  CHECK(f[3 * 3 + 1] == 1 * kLexiconPositions + 1);     // Disease B
  CHECK(f[4 * 3 + 1] == 1 * kLexiconPositions + 3);     // Disease E
  CHECK(f[4 * 3 + 2] == 2 * kLexiconPositions + 0);     // no Other
  // A checkpoint resumes with its own copy of the names, even if the file has changed since.
  std::ofstream(dir.file("lex.tsv")) << "other\tChemical\n";
  TrainedModel ckpt = from_model_file(load_model_file(dir.file("m.bin.ckpt")), "ckpt");
  CHECK(ckpt.vocab.lexicon->serialized() == loaded.vocab.lexicon->serialized());
  // A bad lexicon is an input error before training starts, and no model is written.
  std::ofstream(dir.file("bad.tsv")) << "aspirin\tChemical\nno tab\n";
  const ConfigMap bad = with(tiny_config(data, dir.file("b.bin")), {{"lexicon", dir.file("bad.tsv")}});
  CHECK_THROWS_WITH_AS(run(bad), (dir.file("bad.tsv") + ":2: expected name<TAB>type, found 'no tab'").c_str(), InputError);
  CHECK_FALSE(std::ifstream(dir.file("b.bin")).good());
}

TEST_CASE("train: bad options are one-line input errors naming the option") {
  auto m = merge_config({{{"lr", "-0.1"}}});
  CHECK_THROWS_WITH_AS(TrainConfig::from_map(m), "--lr: expected a number in (0, 1000], got '-0.1'", InputError);
  CHECK_THROWS_WITH_AS(TrainConfig::from_map(merge_config({{{"hidden", "0"}}})),
                       "--hidden: expected a positive integer, got '0'", InputError);
  CHECK_THROWS_WITH_AS(TrainConfig::from_map(merge_config({{{"batch-size", "ten"}}})),
                       "--batch-size: expected an integer, got 'ten'", InputError);
  CHECK_THROWS_AS(merge_config({{{"no-such-option", "1"}}}), InputError);
  medner_test::TempDir dir;
  std::ofstream(dir.file("c.conf")) << "# comment\nhidden = 50\nbogus = 1\n";
  CHECK_THROWS_WITH_AS(read_config_file(dir.file("c.conf")), (dir.file("c.conf") + ":3: unknown key 'bogus'").c_str(),
                       InputError);
}

TEST_CASE("train: --train A,B trains on the files as one; --select last keeps the last epoch") {
  medner_test::TempDir dir;
  Corpus all = read_conll("data/ncbi-disease/train.tsv");
  all.sentences.resize(16);
  auto write = [&](const std::string& name, std::size_t from, std::size_t to, TagScheme scheme) {
    Corpus part;
    for (std::size_t s = from; s < to; ++s) {
      part.sentences.push_back(all.sentences[s]);
      auto& tags = part.sentences.back().tags;
      tags = convert_tags(tags, TagScheme::IOB2, scheme);
    }
    std::ofstream out(dir.file(name));
    write_conll(out, part);
    return dir.file(name);
  };
  const std::string whole = write("all.tsv", 0, 16, TagScheme::IOB2);
  const std::string a = write("a.tsv", 0, 10, TagScheme::IOB2), b = write("b.tsv", 10, 16, TagScheme::IOB2);
  // patience 1 would stop a "best" run after the first epoch without a gain; "last" runs them all.
  ConfigMap base = with(tiny_config(whole, dir.file("one.bin")),
                        {{"max-epochs", "5"}, {"patience", "1"}, {"select", "last"}, {"dropout", "0.3"}});
  TrainSummary one = run(base);
  CHECK(one.epochs == 5);
  CHECK(one.best_epoch == 5);
  TrainSummary two = run(with(base, {{"train", a + "," + b}, {"model", dir.file("two.bin")}}));
  CHECK(two.epochs == 5);
  ModelFile m1 = load_model_file(dir.file("one.bin")), m2 = load_model_file(dir.file("two.bin"));
  ModelFile last = load_model_file(dir.file("one.bin.ckpt"));  // the state after the last epoch
  REQUIRE(m1.params.size() == m2.params.size());
  for (std::size_t i = 0; i < m1.params.size(); ++i) {
    INFO(m1.params[i].name);
    CHECK(m1.params[i].data == m2.params[i].data);
    CHECK(m1.params[i].data == last.params[i].data);
  }
  // The files are checked one by one: a file in another scheme is an error naming it.
  const std::string b_iobes = write("b_iobes.tsv", 10, 16, TagScheme::IOBES);
  CHECK_THROWS_WITH_AS(run(with(base, {{"train", a + "," + b_iobes}})),
                       (b_iobes + ": expected the tag scheme of " + a +
                        " (iob2), found iobes; convert the training files to one scheme").c_str(),
                       InputError);
  CHECK_THROWS_AS(run(with(base, {{"train", a + ",," + b}})), InputError);
  CHECK_THROWS_WITH_AS(TrainConfig::from_map(merge_config({{{"select", "first"}}})),
                       "--select: expected one of best, last, got 'first'", InputError);
}

TEST_CASE("train: --average saves the averaged parameters and resumes to the same model") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 16);
  ConfigMap full = with(tiny_config(data, dir.file("full.bin")),
                        {{"max-epochs", "4"}, {"select", "last"}, {"average", "0.9"}, {"dropout", "0.3"},
                         {"threads", "2"}});
  run(full);
  ConfigMap part = with(full, {{"model", dir.file("part.bin")}});
  run(with(part, {{"max-epochs", "2"}}));
  run(with(part, {{"resume", "true"}}));
  ModelFile a = load_model_file(dir.file("full.bin")), b = load_model_file(dir.file("part.bin"));
  ModelFile ca = load_model_file(dir.file("full.bin.ckpt")), cb = load_model_file(dir.file("part.bin.ckpt"));
  REQUIRE(a.params.size() == b.params.size());
  bool averaged = false;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    INFO(a.params[i].name);
    CHECK(a.params[i].data == b.params[i].data);
    CHECK(ca.params[i].data == cb.params[i].data);
    // The model holds the average, the checkpoint the optimizer's last iterate.
    averaged = averaged || a.params[i].data != ca.params[i].data;
  }
  CHECK(averaged);
  CHECK(get_blob_reals(ca, "average", "full.bin.ckpt") == get_blob_reals(cb, "average", "part.bin.ckpt"));
  CHECK_THROWS_WITH_AS(TrainConfig::from_map(merge_config({{{"average", "1"}}})),
                       "--average: expected a number in [0, 0.999999], got '1'", InputError);
}

TEST_CASE("train: an option a checkpoint predates compares as its default; the positional format is refused") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 12);
  ConfigMap m = with(tiny_config(data, dir.file("m.bin")), {{"max-epochs", "1"}});
  run(m);
  ModelFile ckpt = load_model_file(dir.file("m.bin.ckpt"));
  const std::size_t before = ckpt.config.size();
  ckpt.config.erase(std::remove_if(ckpt.config.begin(), ckpt.config.end(),
                                   [](const auto& kv) { return kv.first == "average" || kv.first == "select"; }),
                    ckpt.config.end());
  REQUIRE(ckpt.config.size() == before - 2);
  save_model_file(dir.file("m.bin.ckpt"), ckpt);
  m = with(m, {{"max-epochs", "2"}, {"resume", "true"}});
  CHECK(run(m).epochs == 2);
  // A real difference is still refused, and the message names it.
  CHECK_THROWS_WITH_AS(run(with(m, {{"hidden", "20"}})),
                       doctest::Contains("the checkpoint was written with --hidden 24, this run has --hidden 20"),
                       InputError);

  // A checkpoint of the positional format before named fields is refused by name.
  ckpt = load_model_file(dir.file("m.bin.ckpt"));
  REQUIRE(find_blob(ckpt, "checkpoint/format") != nullptr);
  REQUIRE(find_blob(ckpt, "progress/epoch") != nullptr);
  // What an older version wrote: one positional record, no format field.
  ckpt.blobs.erase(std::remove_if(ckpt.blobs.begin(), ckpt.blobs.end(),
                                  [](const auto& b) { return b.first.rfind("progress/", 0) == 0 || b.first == "checkpoint/format"; }),
                   ckpt.blobs.end());
  put_blob_u64s(ckpt, "progress", {1, 0, 2, 1, 0, 2});
  save_model_file(dir.file("m.bin.ckpt"), ckpt);
  m = with(m, {{"max-epochs", "3"}});
  CHECK_THROWS_WITH_AS(run(m), doctest::Contains("a checkpoint of an older medner"), InputError);
  // A field missing from a checkpoint of this format is named.
  put_blob_u64s(ckpt, "checkpoint/format", {kCheckpointFormat});
  save_model_file(dir.file("m.bin.ckpt"), ckpt);
  CHECK_THROWS_WITH_AS(run(m), doctest::Contains("missing blob 'progress/epoch'"), InputError);
}

TEST_CASE("train: --resume refuses other data, changed data and another thread count, naming each") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 12);
  ConfigMap m = with(tiny_config(data, dir.file("m.bin")), {{"max-epochs", "1"}});
  run(m);
  m = with(m, {{"max-epochs", "2"}, {"resume", "true"}});
  // Another training file with the same content would still be other data by name.
  std::ifstream in(data);
  std::ofstream(dir.file("copy.tsv")) << in.rdbuf();
  CHECK_THROWS_WITH_AS(run(with(m, {{"train", dir.file("copy.tsv")}})),
                       doctest::Contains(("the checkpoint was written by a run on --train '" + data +
                                          "', this run has --train '" + dir.file("copy.tsv") + "'")
                                             .c_str()),
                       InputError);
  CHECK_THROWS_WITH_AS(run(with(m, {{"threads", "2"}})),
                       doctest::Contains("the checkpoint was written with --threads 1, this run has 2"), InputError);
  std::ofstream(data, std::ios::app) << "extra\tO\n\n";
  CHECK_THROWS_WITH_AS(run(m), doctest::Contains(("--train '" + data + "' has changed since the checkpoint was written").c_str()),
                       InputError);
}

TEST_CASE("train: --resume without a checkpoint says so and starts a new run") {
  medner_test::TempDir dir;
  std::string data = slice(dir, "data/ncbi-disease/train.tsv", 12);
  ConfigMap m = with(tiny_config(data, dir.file("m.bin")), {{"max-epochs", "1"}, {"resume", "true"}});
  std::ostringstream log;
  train_model(TrainConfig::from_map(m), m, log);
  CHECK(log.str().find("no checkpoint at " + dir.file("m.bin.ckpt") + "; starting a new run") != std::string::npos);
}
