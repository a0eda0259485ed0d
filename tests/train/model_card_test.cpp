// The model card the trainer stores (model/model_card.h): the data files with sizes and CRC-32s
// a reader can recompute, counts, the kept epoch with its dev scores equal to the run's, test
// scores equal to a fresh evaluation, nothing that differs between two identical runs; and what
// --info makes of a card, of none and of a malformed one.
#include "common/temp_dir.h"
#include "core/error.h"
#include "data/conll.h"
#include "eval/metrics.h"
#include "io/checksum.h"
#include "io/model_file.h"
#include "model/model_card.h"
#include "model/tagging.h"
#include "model/trained_model.h"
#include "train/config.h"
#include "train/trainer.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

using namespace medner;

namespace {

std::string slice(const medner_test::TempDir& dir, const std::string& name, int first, int n) {
  Corpus c = read_conll("data/ncbi-disease/train.tsv");
  c.sentences = std::vector<Sentence>(c.sentences.begin() + first, c.sentences.begin() + first + n);
  const std::string path = dir.file(name);
  std::ofstream out(path);
  write_conll(out, c);
  return path;
}

TrainSummary train(const std::string& train, const std::string& dev, const std::string& test, const std::string& model) {
  const ConfigMap m = merge_config({{{"train", train}, {"dev", dev}, {"test", test}, {"model", model},
                                     {"word-dim", "8"}, {"char-hidden", "4"}, {"hidden", "8"}, {"max-epochs", "3"},
                                     {"threads", "1"}, {"seed", "2"}}});
  std::ostringstream log;
  return train_model(TrainConfig::from_map(m), m, log);
}

}  // namespace

TEST_CASE("model card: data, kept epoch, dev and test scores as the run measured them") {
  medner_test::TempDir dir;
  const std::string tr = slice(dir, "tr.tsv", 0, 30), dv = slice(dir, "dv.tsv", 30, 12), te = slice(dir, "te.tsv", 42, 12);
  const TrainSummary s = train(tr, dv, te, dir.file("m.bin"));
  const ModelFile mf = load_model_file(dir.file("m.bin"));
  const nlohmann::json card = model_card(mf, "m.bin");
  REQUIRE(card.contains("data"));
  REQUIRE(card["data"].size() == 3);
  const char* roles[] = {"train", "dev", "test"};
  const std::string paths[] = {tr, dv, te};
  for (int i = 0; i < 3; ++i) {
    const nlohmann::json& f = card["data"][i];
    const std::string bytes = read_text_file(paths[i]);
    CHECK(f["role"] == roles[i]);
    CHECK(f["path"] == paths[i]);
    CHECK(f["bytes"] == bytes.size());
    CHECK(f["crc32"] == fmt::format("{:08x}", crc32(bytes)));
  }
  CHECK(card["corpora"]["train"]["sentences"] == 30);
  CHECK(card["corpora"]["dev"]["sentences"] == 12);
  CHECK(card["best_epoch"] == s.best_epoch);
  CHECK(card["scores"]["dev"]["f1"].get<double>() == doctest::Approx(s.best_dev_f1));
  CHECK(card["scores"]["test"]["f1"].get<double>() == doctest::Approx(s.test_f1));
  // The test scores are those of the stored network on the test file.
  const TrainedModel m = load_trained_model(dir.file("m.bin"));
  const Corpus test = read_conll(te);
  std::vector<std::vector<std::string>> gold;
  for (const Sentence& sent : test.sentences) gold.push_back(sent.tags);
  const EvalReport r = evaluate(gold, tag_corpus(m, test, 1));
  CHECK(card["scores"]["test"]["correct"] == r.overall.correct);
  CHECK(card["scores"]["test"]["predicted"] == r.overall.predicted);
  CHECK(card["scores"]["test"]["gold"] == r.overall.gold);

  // The same run again gives the same bytes (no clock in the card); under other file names the
  // same network, with another card.
  train(tr, dv, te, dir.file("again.bin"));
  CHECK(read_text_file(dir.file("again.bin")) == read_text_file(dir.file("m.bin")));
  const std::string tr2 = dir.file("tr2.tsv");
  std::ofstream(tr2) << read_text_file(tr);
  train(tr2, dv, te, dir.file("other.bin"));
  const ModelFile other = load_model_file(dir.file("other.bin"));
  CHECK(weights_crc32(other) == weights_crc32(mf));
  CHECK(model_card(other, "other.bin")["data"][0]["path"] == tr2);

  const std::string info = format_model_info(mf, "m.bin", false);
  CHECK(info.find(fmt::format("weights CRC-32 {:08x}", weights_crc32(mf))) != std::string::npos);
  CHECK(info.find(fmt::format("  train      {}  {} bytes", tr, read_text_file(tr).size())) != std::string::npos);
  CHECK(info.find("  test  overall") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(format_model_info(mf, "m.bin", true));
  CHECK(j["card"] == card);
  CHECK(j["types"] == nlohmann::json::array({"Disease"}));
}

TEST_CASE("model card: a model without one, and a malformed one") {
  medner_test::TempDir dir;
  const std::string tr = slice(dir, "tr.tsv", 0, 10);
  train(tr, tr, "", dir.file("m.bin"));
  ModelFile mf = load_model_file(dir.file("m.bin"));
  CHECK_FALSE(model_card(mf, "m.bin")["scores"].contains("test"));  // no --test, no test scores
  mf.blobs.clear();
  CHECK(model_card(mf, "old.bin").empty());
  CHECK(format_model_info(mf, "old.bin", false).find("card             none") != std::string::npos);
  put_blob(mf, kModelCardBlob, "[1, 2");
  CHECK_THROWS_WITH_AS(model_card(mf, "bad.bin"), "bad.bin: malformed model card: expected a JSON object in blob 'card'",
                       InputError);
}
