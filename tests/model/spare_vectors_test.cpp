// Which vectors a model keeps aside (spare_vectors), and moving them into a model file's
// vocabulary and word table (merge_spare_vectors), corrupted blobs included.
#include "core/error.h"
#include "data/embeddings_file.h"
#include "model/dataset.h"
#include "model/spare_vectors.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

// "N 2" word2vec text: word i's vector is (i, -i).
PretrainedEmbeddings table_of(const std::vector<std::string>& words) {
  std::string text = std::to_string(words.size()) + " 2\n";
  for (std::size_t i = 0; i < words.size(); ++i)
    text += words[i] + " " + std::to_string(i) + " -" + std::to_string(i) + "\n";
  return read_embeddings_bytes(text, "v.vec");
}

// A model file with vocabulary words (<pad>, <unk>, known) and a 2 x 3 word table 1..6.
ModelFile model_with(const std::string& blob) {
  ModelFile mf;
  mf.vocabularies = {{"words", {"<pad>", "<unk>", "known"}}, {"chars", {"<pad>", "<unk>"}}};
  mf.params.push_back({"words", 2, 3, {1, 2, 3, 4, 5, 6}});
  mf.params.push_back({"casing", 1, 1, {9}});
  mf.blobs.emplace_back("lexicon", "x");
  mf.blobs.emplace_back(kSpareVectorsBlob, blob);
  return mf;
}

}  // namespace

TEST_CASE("spare vectors: the keys a model looks up, with the vector it would have used, once each") {
  const PretrainedEmbeddings t =
      table_of({"the", "Known", "cancer", "Cancer", "Tumour", std::string(150, 'a'), "g1", "known"});
  Vocab words({"<pad>", "<unk>", "known", "the"});
  WordOptions lower;
  const SpareVectors s = spare_vectors(t, words, lower);
  // "the", "Known"/"known": in the vocabulary; "Cancer" is looked up as "cancer", already kept;
  // "Tumour" as "tumour", which has no vector of its own; the long word is cut before lookup.
  CHECK(s.dim == 2);
  CHECK(s.words == std::vector<std::string>{"cancer", "g1"});
  CHECK(s.values == std::vector<real>{2, -2, 6, -6});
  // Without lower-casing, every cased word is its own key.
  WordOptions cased;
  cased.lowercase = false;
  CHECK(spare_vectors(t, words, cased).words == std::vector<std::string>{"Known", "cancer", "Cancer", "Tumour", "g1"});
  // With digits normalized, "g1" is looked up as "g0", which has no vector.
  WordOptions digits;
  digits.normalize_digits = true;
  CHECK(spare_vectors(t, words, digits).words == std::vector<std::string>{"cancer"});
}

TEST_CASE("spare vectors: merging appends words and columns and drops the blob") {
  SpareVectors s;
  s.dim = 2;
  s.words = {"cancer", "g1"};
  s.values = {7, 8, 9, 10};
  ModelFile mf = model_with(spare_vectors_bytes(s));
  CHECK(merge_spare_vectors(mf, "m.bin") == 2);
  CHECK(mf.vocabularies[0].second == std::vector<std::string>{"<pad>", "<unk>", "known", "cancer", "g1"});
  CHECK(mf.params[0].cols == 5);
  CHECK(mf.params[0].data == std::vector<real>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(mf.params[1].data == std::vector<real>{9});
  REQUIRE(mf.blobs.size() == 1);
  CHECK(mf.blobs[0].first == "lexicon");
  // Again: nothing left to merge.
  CHECK(merge_spare_vectors(mf, "m.bin") == 0);
  CHECK(mf.params[0].cols == 5);
}

TEST_CASE("spare vectors: a blob that does not fit the model is an input error naming the file") {
  SpareVectors s;
  s.dim = 3;  // the table has 2 rows
  s.words = {"cancer"};
  s.values = {1, 2, 3};
  ModelFile wrong_dim = model_with(spare_vectors_bytes(s));
  CHECK_THROWS_WITH_AS(merge_spare_vectors(wrong_dim, "m.bin"),
                       "m.bin: corrupted blob 'spare-vectors': 1 words of 3 dims (3 values) for a word table of 2 "
                       "dims and 3 columns over 3 words",
                       InputError);
  s.dim = 2;
  s.values = {1, 2};
  const std::string good = spare_vectors_bytes(s);
  for (std::size_t cut : {std::size_t{3}, good.size() - 1}) {
    ModelFile truncated = model_with(good.substr(0, cut));
    INFO(cut);
    CHECK_THROWS_AS(merge_spare_vectors(truncated, "m.bin"), InputError);
    CHECK(truncated.params[0].cols == 3);
  }
  ModelFile trailing = model_with(good + "z");
  CHECK_THROWS_AS(merge_spare_vectors(trailing, "m.bin"), InputError);
  ModelFile no_table = model_with(good);
  no_table.params.erase(no_table.params.begin());
  CHECK_THROWS_WITH_AS(merge_spare_vectors(no_table, "m.bin"), "m.bin: blob 'spare-vectors' without a word table",
                       InputError);
}
