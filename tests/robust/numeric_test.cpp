// Numerical faults in training. Provoked legitimately: SGD with --lr 1000 --l2 1000 --clip 0 is a
// diverging configuration (every weight is multiplied by about -10^6 per step), so within a few
// steps a gradient overflows float. --nan-policy stop (default) must stop with a message naming
// the step and the batch and keep the last good checkpoint (finite, one step earlier);
// --nan-policy skip must skip exactly the bad batches (no update: the final weights equal that
// checkpoint's) and finish. Non-finite pretrained vectors are refused by the embeddings reader
// (embeddings_catalogue_test.cpp), so they cannot start a training.
#include "robust_util.h"

#include "io/atomic_file.h"
#include "train/trainer.h"

#include <cmath>
#include <regex>
#include <sstream>

using namespace medner;
using namespace medner_robust;
using medner_test::TempDir;

namespace {

ConfigMap diverging(const std::string& data, const std::string& model, const std::string& policy) {
  return tiny_config({{"train", data},
                      {"dev", data},
                      {"model", model},
                      {"optimizer", "sgd"},
                      {"lr", "1000"},
                      {"l2", "1000"},
                      {"clip", "0"},
                      {"checkpoint-every", "1"},
                      {"max-epochs", "2"},
                      {"nan-policy", policy}});
}

bool all_finite(const ModelFile& mf) {
  for (const ModelFile::Tensor& t : mf.params)
    for (real v : t.data)
      if (!std::isfinite(static_cast<double>(v))) return false;
  return true;
}

// The NumericError message of a training run on `m` ("" when it does not stop that way).
std::string numeric_stop(const ConfigMap& m) {
  std::ostringstream log, out;
  try {
    train_model(TrainConfig::from_map(m), m, log);
  } catch (const NumericError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE(
    "robust numeric: a diverging run stops naming step and batch, last good checkpoint kept") {
  TempDir dir;
  const std::string data =
      write_corpus(dir, "d.tsv", corpus_slice("data/ncbi-disease/train.tsv", 80));
  const std::string model = dir.file("m.bin");
  const ConfigMap m = diverging(data, model, "stop");
  std::ostringstream log, out;
  std::string msg;
  try {
    train_model(TrainConfig::from_map(m), m, log);
  } catch (const NumericError& e) {
    msg = e.what();
  }
  INFO("message: ", msg);
  INFO("log: ", log.str());
  std::smatch match;
  REQUIRE(std::regex_match(
      msg, match,
      std::regex("step ([0-9]+) \\(epoch 1, batch ([0-9]+) of 10\\): non-finite "
                 "(loss|gradient); training stopped, the last good checkpoint is (.*)")));
  const int step = std::stoi(match[1].str());
  CHECK(std::stoi(match[2].str()) == step);  // first epoch: batch k is step k
  CHECK(match[4].str() == model + ".ckpt");
  // Step 1 starts from the initial weights, which are finite: the fault comes later.
  REQUIRE(step > 1);
  // The checkpoint is the one written after step - 1, and all of it is finite.
  const ModelFile ckpt = load_model_file(model + ".ckpt");
  CHECK(ckpt.kind == "checkpoint");
  CHECK(get_blob_u64s(ckpt, "progress/step", model + ".ckpt").at(0) == static_cast<uint64_t>(step - 1));
  CHECK(all_finite(ckpt));
  // No epoch ended, so no model was written; no temporary file is left.
  CHECK(dir.list() == std::vector<std::string>{"d.tsv", "m.bin.ckpt"});
}

TEST_CASE(
    "robust numeric: --nan-policy skip skips every bad batch without updating, and finishes") {
  TempDir dir;
  const std::string data =
      write_corpus(dir, "d.tsv", corpus_slice("data/ncbi-disease/train.tsv", 80));
  // The stopping run first: its checkpoint holds the weights before the first bad step.
  {
    const ConfigMap m = diverging(data, dir.file("stop.bin"), "stop");
    std::ostringstream log, out;
    CHECK_THROWS_AS(train_model(TrainConfig::from_map(m), m, log), NumericError);
  }
  const ModelFile before = load_model_file(dir.file("stop.bin.ckpt"));
  const uint64_t good_steps = get_blob_u64s(before, "progress/step", "ckpt").at(0);

  const ConfigMap m = diverging(data, dir.file("skip.bin"), "skip");
  std::ostringstream log, out;
  TrainSummary s;
  REQUIRE_NOTHROW(s = train_model(TrainConfig::from_map(m), m, log));
  CHECK(s.epochs == 2);
  // One warning per skipped batch, naming it; the first is the step the stopping run stopped at.
  const std::string text = log.str();
  std::regex warning(
      "warning: step ([0-9]+) \\(epoch ([12]), batch ([0-9]+) of 10\\): non-finite "
      "(loss|gradient); batch skipped");
  int warnings = 0;
  long first = -1;
  for (std::sregex_iterator it(text.begin(), text.end(), warning), end; it != end; ++it) {
    if (first < 0) first = std::stol((*it)[1].str());
    ++warnings;
  }
  INFO("log: ", text);
  CHECK(first == static_cast<long>(good_steps) + 1);
  // Once diverged, the weights stay as they were, so every later batch is bad too.
  CHECK(warnings == 20 - static_cast<int>(good_steps));
  // Skipping means no update at all: the saved model has exactly the checkpoint's weights.
  const ModelFile after = load_model_file(dir.file("skip.bin"));
  REQUIRE(after.params.size() == before.params.size());
  for (std::size_t i = 0; i < after.params.size(); ++i) {
    INFO(after.params[i].name);
    CHECK(after.params[i].data == before.params[i].data);
  }
  // The model (huge but finite weights) loads and tags without crashing.
  TrainedModel tm = load_trained_model(dir.file("skip.bin"));
  CHECK(tm.net != nullptr);
}

TEST_CASE("robust numeric: a fault before any checkpoint says so instead of naming a file") {
  TempDir dir;
  const std::string data =
      write_corpus(dir, "d.tsv", corpus_slice("data/ncbi-disease/train.tsv", 80));
  const ConfigMap m = merge_config({diverging(data, dir.file("m.bin"), "stop"), {{"checkpoint-every", "0"}}});
  const std::string msg = numeric_stop(m);
  INFO("message: ", msg);
  CHECK(std::regex_match(msg, std::regex("step [0-9]+ \\(epoch 1, batch [0-9]+ of 10\\): non-finite "
                                         "(loss|gradient); training stopped before any checkpoint was written")));
  CHECK(dir.list() == std::vector<std::string>{"d.tsv"});
}

TEST_CASE("robust numeric: --check-finite names the step and batch of the first non-finite value") {
  TempDir dir;
  const std::string data =
      write_corpus(dir, "d.tsv", corpus_slice("data/ncbi-disease/train.tsv", 80));
  const ConfigMap m = merge_config({diverging(data, dir.file("m.bin"), "stop"), {{"check-finite", "true"}}});
  const std::string msg = numeric_stop(m);
  INFO("message: ", msg);
  CHECK(std::regex_match(msg, std::regex("step [0-9]+ \\(epoch 1, batch [0-9]+ of 10\\): non-finite (value|gradient) in "
                                         "node [0-9]+ \\([a-z_]+, [0-9]+x[0-9]+\\); training stopped, the last good checkpoint is .*m\\.bin\\.ckpt")));
}
