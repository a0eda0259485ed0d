// --keep-vectors (model/spare_vectors.h): training is unchanged, a vocabulary word that training
// never saw leaves training as its pretrained vector (what makes adding the spare words at load
// time exact), and a loaded model knows the spare words with exactly their vectors.
#include "common/temp_dir.h"
#include "data/conll.h"
#include "data/embeddings_file.h"
#include "io/model_file.h"
#include "model/dataset.h"
#include "model/model_card.h"
#include "model/predictor.h"
#include "model/spare_vectors.h"
#include "model/trained_model.h"
#include "train/config.h"
#include "train/trainer.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using namespace medner;

namespace {

Corpus sentences(const std::string& corpus, std::size_t from, std::size_t to) {
  Corpus c = read_conll(corpus);
  c.sentences = std::vector<Sentence>(c.sentences.begin() + static_cast<std::ptrdiff_t>(from),
                                      c.sentences.begin() + static_cast<std::ptrdiff_t>(to));
  return c;
}

void write(const Corpus& c, const std::string& path) {
  std::ofstream out(path);
  write_conll(out, c);
}

ConfigMap config(const std::string& train, const std::string& dev, const std::string& vectors,
                 const std::string& model, bool keep) {
  return merge_config({{{"train", train}, {"dev", dev}, {"model", model}, {"embeddings", vectors},
                        {"keep-vectors", keep ? "true" : "false"}, {"word-dim", "8"}, {"casing-dim", "4"},
                        {"char-dim", "8"}, {"char-hidden", "8"}, {"hidden", "16"}, {"dropout", "0.3"},
                        {"singleton-unk", "0.5"}, {"l2", "0.001"}, {"batch-size", "4"}, {"max-epochs", "3"},
                        {"patience", "3"}, {"threads", "1"}, {"seed", "5"}}});
}

}  // namespace

TEST_CASE("train: --keep-vectors changes no parameter, and the loaded model knows every vector's word") {
  medner_test::TempDir dir;
  const Corpus train = sentences("data/ncbi-disease/train.tsv", 0, 16), dev = sentences("data/ncbi-disease/train.tsv", 16, 24);
  write(train, dir.file("train.tsv"));
  write(dev, dir.file("dev.tsv"));
  // Vectors for every other distinct word of both files (so some words have none), for words of
  // neither (one only in a cased form, which a lower-casing model cannot look up), 8 dims.
  std::vector<std::string> words;
  {
    std::set<std::string> seen;
    int i = 0;
    for (const Corpus* c : {&train, &dev})
      for (const Sentence& s : c->sentences)
        for (const std::string& t : s.tokens) {
          std::string w = normalize_word(t, WordOptions{});
          if (seen.insert(w).second && i++ % 2 == 0) words.push_back(w);
        }
    for (const char* w : {"zyxomatosis", "quuxitis", "Frobnicin"}) words.emplace_back(w);
  }
  {
    std::ofstream out(dir.file("v.vec"));
    out << words.size() << " 8\n";
    for (std::size_t i = 0; i < words.size(); ++i) {
      out << words[i];
      for (int d = 0; d < 8; ++d) out << fmt::format(" {:.6g}", std::sin(0.7 * static_cast<double>(i) + d));
      out << "\n";
    }
  }
  const PretrainedEmbeddings vectors = read_embeddings(dir.file("v.vec"));
  std::ostringstream log;
  const ConfigMap plain = config(dir.file("train.tsv"), dir.file("dev.tsv"), dir.file("v.vec"), dir.file("plain.bin"), false);
  const ConfigMap keep = config(dir.file("train.tsv"), dir.file("dev.tsv"), dir.file("v.vec"), dir.file("keep.bin"), true);
  const TrainSummary a = train_model(TrainConfig::from_map(plain), plain, log);
  const TrainSummary b = train_model(TrainConfig::from_map(keep), keep, log);
  CHECK(a.best_dev_f1 == b.best_dev_f1);

  // Training is unchanged: the same parameters bit for bit; only the blob differs.
  const ModelFile pf = load_model_file(dir.file("plain.bin")), kf = load_model_file(dir.file("keep.bin"));
  REQUIRE(pf.params.size() == kf.params.size());
  for (std::size_t i = 0; i < pf.params.size(); ++i) {
    INFO(pf.params[i].name);
    CHECK(pf.params[i].data == kf.params[i].data);
  }
  CHECK(find_blob(pf, kSpareVectorsBlob) == nullptr);
  REQUIRE(find_blob(kf, kSpareVectorsBlob) != nullptr);
  // medner-eval --info says how many.
  const std::size_t n_words = get_vocabulary(pf, "words", "p").size();
  CHECK(format_model_info(pf, "p", false).find(fmt::format("vocabulary       {} words\n", n_words)) != std::string::npos);
  CHECK(format_model_info(kf, "k", false)
            .find(fmt::format("vocabulary       {} words, and 2 more with kept vectors", n_words)) != std::string::npos);
  CHECK(format_model_info(kf, "k", true).find("\"spare_words\": 2,") != std::string::npos);

  // The premise: a vocabulary word of the dev file alone (vocabulary extension) never moved from
  // its vector, though training used dropout, <unk> replacement and L2.
  const TrainedModel m0 = load_trained_model(dir.file("plain.bin"));
  std::set<std::string> trained;
  for (const Sentence& s : train.sentences)
    for (const std::string& t : s.tokens) trained.insert(normalize_word(t, m0.vocab.word_options));
  const auto table0 = m0.net->params().value(m0.net->word_embedding().table());
  int untrained = 0;
  for (int w = 2; w < m0.vocab.words.size(); ++w) {
    const std::string& word = m0.vocab.words.at(w);
    if (trained.count(word) != 0) continue;
    const int p = vectors.find(word);
    REQUIRE(p >= 0);  // only words with a vector join from the dev file
    for (int d = 0; d < 8; ++d) CHECK(table0(d, w) == static_cast<real>(vectors.vector(p)[d]));
    ++untrained;
  }
  CHECK(untrained > 3);

  // Loaded, the kept model knows the words of neither file that have a usable vector, with
  // exactly that vector, after the words it was trained with; the cased-only one stays unknown.
  const TrainedModel m1 = load_trained_model(dir.file("keep.bin"));
  CHECK(m1.vocab.spare_vectors == nullptr);
  REQUIRE(m1.vocab.words.size() == m0.vocab.words.size() + 2);
  for (int w = 0; w < m0.vocab.words.size(); ++w) CHECK(m1.vocab.words.at(w) == m0.vocab.words.at(w));
  const auto table1 = m1.net->params().value(m1.net->word_embedding().table());
  for (const char* word : {"zyxomatosis", "quuxitis"}) {
    const int w = m1.vocab.words.find(word), p = vectors.find(word);
    REQUIRE(w >= m0.vocab.words.size());
    for (int d = 0; d < 8; ++d) CHECK(table1(d, w) == static_cast<real>(vectors.vector(p)[d]));
  }
  CHECK(m1.vocab.words.find("frobnicin") < 0);
  CHECK(m1.vocab.words.find("Frobnicin") < 0);
  CHECK(table1.leftCols(m0.vocab.words.size()) == table0);

  // On the files' own words both tag alike; a spare word is seen as itself, not as <unk>.
  const Dataset d0 = encode_corpus(dev, m0.vocab, false), d1 = encode_corpus(dev, m1.vocab, false);
  CHECK(Predictor(*m0.net, m0.vocab, 1).tags(d0) == Predictor(*m1.net, m1.vocab, 1).tags(d1));
  const std::vector<std::vector<std::string>> text = {{"Patients", "with", "quuxitis", "."}};
  CHECK(encode_tokens(text, m0.vocab).sentences[0].words[2] == kUnkId);
  CHECK(encode_tokens(text, m1.vocab).sentences[0].words[2] == m1.vocab.words.find("quuxitis"));

  // A checkpoint keeps the spare vectors aside (its network is the trained one) and passes them on.
  const TrainedModel ckpt = from_model_file(load_model_file(dir.file("keep.bin.ckpt")), "ckpt");
  REQUIRE(ckpt.vocab.spare_vectors != nullptr);
  CHECK(*ckpt.vocab.spare_vectors == *find_blob(kf, kSpareVectorsBlob));
  CHECK(ckpt.vocab.words.entries() == m0.vocab.words.entries());
}
