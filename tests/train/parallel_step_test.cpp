// The training step with several threads (lib/train/trainer.cpp: forward and backward per
// thread, then the gradient sum, norm, clipping and optimizer split over the threads): the same
// seed and thread count give the same bits run after run and across a resume, and 3 threads end
// where 1 thread ends up to float rounding.
#include "common/temp_dir.h"
#include "data/conll.h"
#include "io/model_file.h"
#include "train/config.h"
#include "train/trainer.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace medner;

namespace {

std::string first_sentences(const medner_test::TempDir& dir, int n) {
  Corpus c = read_conll("data/ncbi-disease/train.tsv");
  c.sentences.resize(static_cast<std::size_t>(n));
  std::string path = dir.file("slice.tsv");
  std::ofstream out(path);
  write_conll(out, c);
  return path;
}

// Small network; clip 0.5 so that clipping (the norm of all slices) acts on every step; batches
// of 8 sentences over up to 3 threads.
ConfigMap config(const std::string& data, const std::string& model, const std::string& threads,
                 const std::string& optimizer) {
  return merge_config({{{"train", data}, {"dev", data}, {"model", model}, {"word-dim", "16"},
                        {"casing-dim", "4"}, {"char-dim", "8"}, {"char-hidden", "8"}, {"hidden", "24"},
                        {"dropout", "0.3"}, {"singleton-unk", "0.5"}, {"optimizer", optimizer}, {"lr", "0.01"},
                        {"momentum", "0.9"}, {"clip", "0.5"}, {"l2", "1e-4"}, {"lr-decay", "0"}, {"batch-size", "8"},
                        {"max-epochs", "3"}, {"patience", "3"}, {"threads", threads}, {"seed", "5"}}});
}

ConfigMap with(ConfigMap m, const std::string& key, const std::string& value) {
  for (auto& kv : m)
    if (kv.first == key) kv.second = value;
  return m;
}

void run(const ConfigMap& m) {
  std::ostringstream log, out;
  train_model(TrainConfig::from_map(m), m, log);
}

// Largest |a - b| over all parameters, relative to the largest |a|.
double max_difference(const ModelFile& a, const ModelFile& b) {
  double diff = 0, scale = 1e-30;
  for (std::size_t i = 0; i < a.params.size(); ++i)
    for (std::size_t k = 0; k < a.params[i].data.size(); ++k) {
      diff = std::max(diff, std::abs(static_cast<double>(a.params[i].data[k]) - b.params[i].data[k]));
      scale = std::max(scale, std::abs(static_cast<double>(a.params[i].data[k])));
    }
  return diff / scale;
}

}  // namespace

TEST_CASE("train: 2 threads give the same bits twice and after a resume (adam, clipping, l2)") {
  medner_test::TempDir dir;
  const std::string data = first_sentences(dir, 40);
  const ConfigMap full = config(data, dir.file("full.bin"), "2", "adam");
  run(full);
  run(with(full, "model", dir.file("again.bin")));
  const ConfigMap part = with(full, "model", dir.file("part.bin"));
  run(with(part, "max-epochs", "1"));
  run(with(part, "resume", "true"));
  const ModelFile a = load_model_file(dir.file("full.bin.ckpt"));
  for (const char* other : {"again.bin.ckpt", "part.bin.ckpt"}) {
    CAPTURE(other);
    const ModelFile b = load_model_file(dir.file(other));
    REQUIRE(a.params.size() == b.params.size());
    for (std::size_t i = 0; i < a.params.size(); ++i) {
      INFO(a.params[i].name);
      CHECK(a.params[i].data == b.params[i].data);
    }
    REQUIRE(a.blobs.size() == b.blobs.size());
    for (std::size_t i = 0; i < a.blobs.size(); ++i)
      if (a.blobs[i].first.rfind("optim/", 0) == 0) {
        INFO(a.blobs[i].first);
        CHECK(a.blobs[i].second == b.blobs[i].second);
      }
  }
}

TEST_CASE("train: 3 threads end where 1 thread ends, up to float rounding (sgd, clipping)") {
  medner_test::TempDir dir;
  const std::string data = first_sentences(dir, 40);
  // No dropout or singleton-UNK: their random streams are drawn per thread.
  ConfigMap one = with(with(config(data, dir.file("one.bin"), "1", "sgd"), "dropout", "0"), "singleton-unk", "0");
  run(one);
  run(with(with(one, "model", dir.file("three.bin")), "threads", "3"));
  const double d = max_difference(load_model_file(dir.file("one.bin.ckpt")), load_model_file(dir.file("three.bin.ckpt")));
  CHECK(d < 1e-4);
  CHECK(d > 0);  // other summation order: not the same bits, so the threads really split the work
}
