// Skip-gram training (pretrain/skipgram.h): on a tiny corpus where the answer is known, words
// used in the same contexts become nearest neighbours and the loss falls; a seed and a thread
// count fix the result; the vectors files round-trip and medner-train's reader takes the .vec.
#include "pretrain/skipgram.h"

#include "common/temp_dir.h"
#include "core/error.h"
#include "core/rng.h"
#include "data/embeddings_file.h"
#include "io/atomic_file.h"

#include <doctest/doctest.h>

#include <fstream>

using namespace medner;

namespace {

// Two families of words that never share a context: {cat, dog, cow} in animal sentences,
// {car, truck, bus} in vehicle sentences.
std::string two_families(int sentences) {
  const char* animals[] = {"cat", "dog", "cow"};
  const char* vehicles[] = {"car", "truck", "bus"};
  Rng rng(5);
  std::string text;
  for (int i = 0; i < sentences; ++i) {
    if (i % 2 == 0)
      text += std::string("the ") + animals[rng.below(3)] + " ate grass in the green field\n";
    else
      text += std::string("a ") + vehicles[rng.below(3)] + " drove fast on the wide road\n";
  }
  return text;
}

SkipgramOptions tiny_options(int threads) {
  SkipgramOptions o;
  o.dim = 16;
  o.window = 3;
  o.negatives = 4;
  o.epochs = 20;
  o.lr = 0.05;
  o.sample = 0;
  o.subwords.maxn = 0;
  o.threads = threads;
  o.block_tokens = 500;
  return o;
}

}  // namespace

TEST_CASE("skipgram: words of one family are each other's nearest neighbours; the loss falls") {
  const TextCorpus c = text_corpus_from(two_families(600), "t.txt", 1);
  std::vector<double> losses;
  const SubwordVectors v = train_skipgram(c, tiny_options(1), [&](const SkipgramProgress& p) {
    if (p.epoch_end) losses.push_back(p.loss);
  });
  REQUIRE(losses.size() == 20);
  CHECK(losses.back() < 0.9 * losses.front());
  for (const char* w : {"cat", "dog", "cow"}) {
    const auto n = v.neighbours(w, 2);
    for (const auto& [x, cos] : n) CHECK_MESSAGE((x == "cat" || x == "dog" || x == "cow"), w, " -> ", x);
  }
  for (const char* w : {"car", "truck", "bus"}) {
    const auto n = v.neighbours(w, 2);
    for (const auto& [x, cos] : n) CHECK_MESSAGE((x == "car" || x == "truck" || x == "bus"), w, " -> ", x);
  }
}

TEST_CASE("skipgram: a seed and a thread count fix the vectors") {
  const TextCorpus c = text_corpus_from(two_families(300), "t.txt", 1);
  SkipgramOptions o = tiny_options(2);
  o.epochs = 3;
  o.subwords.maxn = 4;
  o.subwords.buckets = 100;
  const SubwordVectors a = train_skipgram(c, o), b = train_skipgram(c, o);
  CHECK(a.values() == b.values());
  o.seed = 2;
  CHECK(train_skipgram(c, o).values() != a.values());
}

TEST_CASE("skipgram: the files round-trip; the .vec is what medner-train --embeddings reads") {
  medner_test::TempDir dir;
  const TextCorpus c = text_corpus_from(two_families(100), "t.txt", 1);
  SkipgramOptions o = tiny_options(1);
  o.epochs = 1;
  o.subwords.maxn = 3;
  o.subwords.buckets = 64;
  const SubwordVectors v = train_skipgram(c, o);
  write_subword_vectors(v, dir.file("v.bin"));
  write_word2vec_text(v, dir.file("v.vec"));
  const SubwordVectors back = read_subword_vectors(dir.file("v.bin"));
  CHECK(back.words() == v.words());
  CHECK(back.values() == v.values());
  CHECK(back.vector("cats") == v.vector("cats"));
  const PretrainedEmbeddings e = read_embeddings(dir.file("v.vec"));
  CHECK(e.words == v.words());
  CHECK(e.dim == 16);
  CHECK(e.vector(e.find("dog"))[3] == doctest::Approx(v.vector("dog")[3]).epsilon(1e-4));
  // A damaged file is refused, never read past its end.
  const std::string bytes = read_file(dir.file("v.bin"));
  write_file_atomic(dir.file("cut.bin"), bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_AS(read_subword_vectors(dir.file("cut.bin")), InputError);
  CHECK_THROWS_AS(read_subword_vectors(dir.file("v.vec")), InputError);
}

TEST_CASE("text corpus: vocabulary by count; bad text refused with its line") {
  const TextCorpus c = text_corpus_from("b a b\n\nc b a\n", "t.txt", 2);
  CHECK(c.words == std::vector<std::string>{"b", "a"});
  CHECK(c.counts == std::vector<int64_t>{3, 2});
  CHECK(c.tokens == std::vector<int>{0, 1, 0, 0, 1});
  CHECK(c.sentences() == 2);
  CHECK(c.total_tokens == 6);
  auto error = [](const std::string& text, int min_count) {
    try {
      text_corpus_from(text, "t.txt", min_count);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error("", 1) == "t.txt:1: no words (the file is empty); expected one tokenized sentence a line");
  CHECK(error("\n \n", 1) == "t.txt:1: no words (only blank lines); expected one tokenized sentence a line");
  CHECK(error("a b\nc \xFF d\n", 1) == "t.txt:2: invalid UTF-8 at byte column 3 (byte 0xFF); expected UTF-8 text");
  CHECK(error(std::string("\x1f\x8b\x08\0", 4), 1) == "t.txt:1: invalid UTF-8 at byte column 2 (byte 0x8B); expected UTF-8 text");
  CHECK(error(std::string("ab\0", 3), 1).rfind("t.txt:1: NUL byte at byte column 3", 0) == 0);
  CHECK(error("a b c\n", 5) == "t.txt: no word occurs at least 5 times (--min-count); the text has 3 tokens");
}

TEST_CASE("skipgram: a run resumed from an epoch's checkpoint ends with the uninterrupted run's vectors") {
  medner_test::TempDir dir;
  const TextCorpus c = text_corpus_from(two_families(300), "t.txt", 1);
  SkipgramOptions o = tiny_options(2);
  o.epochs = 3;
  o.subwords.maxn = 4;
  o.subwords.buckets = 100;
  o.checkpoint = dir.file("a.ckpt");
  // While epoch 2 runs, the checkpoint holds epoch 1: keep a copy of it.
  const SubwordVectors a = train_skipgram(c, o, [&](const SkipgramProgress& p) {
    if (p.epoch == 2 && !p.epoch_end && !std::ifstream(dir.file("b.ckpt")).good())
      write_file_atomic(dir.file("b.ckpt"), read_file(dir.file("a.ckpt")));
  });
  SkipgramOptions r = o;
  r.checkpoint = dir.file("b.ckpt");
  r.resume = true;
  std::vector<int> epochs;
  const SubwordVectors b = train_skipgram(c, r, [&](const SkipgramProgress& p) {
    if (p.epoch_end) epochs.push_back(p.epoch);
  });
  CHECK(epochs == std::vector<int>{2, 3});
  CHECK(b.values() == a.values());
  // Without the checkpoint's own settings or text it is refused, naming what differs.
  SkipgramOptions other = r;
  other.negatives = 2;
  CHECK_THROWS_WITH_AS(train_skipgram(c, other),
                       (dir.file("b.ckpt") + ": the checkpoint was written with negatives = 4, this run has 2; resume "
                                             "with the same text and options, or start afresh without --resume")
                           .c_str(),
                       InputError);
  const TextCorpus shorter = text_corpus_from(two_families(200), "t.txt", 1);
  CHECK_THROWS_WITH_AS(train_skipgram(shorter, r), doctest::Contains("the checkpoint was written with words-crc32 = "),
                       InputError);
}
