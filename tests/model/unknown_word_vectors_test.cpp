// Vectors for words outside a model's vocabulary from a subword model (model/unknown_word_vectors.h):
// the blob round trip and its errors, the vector of an unseen word (the mean of its n-gram rows,
// at its place among the --embeddings tables), encoding, and a network that reads such a vector
// exactly as it reads the same vector from a column of its word table.
#include "common/temp_dir.h"
#include "common/tiny_batches.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "model/context.h"
#include "model/dataset.h"
#include "model/unknown_word_vectors.h"
#include "pretrain/subwords.h"

#include <doctest/doctest.h>

using namespace medner;

namespace {

// Words "aspirin" and "ibuprofen", 3 dims, n-grams of 3-4 code points in 50 buckets; row r's
// value d is ((7r + 3d) mod 11) / 10 - 0.5.
SubwordVectors tiny_model() {
  SubwordOptions o;
  o.minn = 3;
  o.maxn = 4;
  o.buckets = 50;
  SubwordVectors v({"aspirin", "ibuprofen"}, 3, o);
  for (std::size_t r = 0; r < v.rows(); ++r)
    for (int d = 0; d < 3; ++d) v.row(r)[d] = static_cast<float>((7 * static_cast<int>(r) + 3 * d) % 11) / 10.0f - 0.5f;
  return v;
}

std::string file_bytes(const SubwordVectors& v) {
  medner_test::TempDir dir;
  write_subword_vectors(v, dir.file("pm.bin"));
  return read_file(dir.file("pm.bin"));
}

}  // namespace

TEST_CASE("unknown word vectors: an unseen word is the mean of its n-gram rows, at its place, zeros around") {
  const SubwordVectors model = tiny_model();
  const std::string bytes = file_bytes(model);
  CHECK(is_subword_vectors_bytes(bytes));
  CHECK(!is_subword_vectors_bytes("2 3\naspirin 1 2 3\n"));
  CHECK(!is_subword_vectors_bytes(bytes.substr(0, 10)));
  // Word vectors of 7 values: a 2-dim table, then this model's 3, then a 2-dim table.
  const auto u = unknown_word_vectors(unknown_word_vectors_bytes(2, 7, bytes), "m.bin");
  REQUIRE(u->table.words() == model.words());
  real out[7];
  REQUIRE(u->fill("paracetamol", out));
  const std::vector<int> buckets = subword_buckets("paracetamol", model.subwords());
  REQUIRE(buckets.size() == 11 + 10);  // "<paracetamol>" is 13 code points: 11 runs of 3, 10 of 4
  for (int d = 0; d < 3; ++d) {
    double mean = 0;
    for (int b : buckets) mean += model.row(model.words().size() + static_cast<std::size_t>(b))[d];
    mean /= static_cast<double>(buckets.size());
    CHECK(out[2 + d] == doctest::Approx(mean).epsilon(1e-6));
  }
  CHECK((out[0] == 0 && out[1] == 0 && out[5] == 0 && out[6] == 0));
  // A word of the pretraining text: its own row with its n-grams', exactly the table's vector.
  const PretrainedEmbeddings table = subword_vocabulary_table(model);
  REQUIRE(table.find("ibuprofen") == 1);
  REQUIRE(u->fill("ibuprofen", out));
  for (int d = 0; d < 3; ++d) CHECK(out[2 + d] == static_cast<real>(table.vector(1)[d]));
  // "a" is "<a>": no n-gram of 3-4 code points but the whole word, and not in the vocabulary.
  out[3] = 42;
  CHECK(!u->fill("a", out));
  CHECK(out[3] == 42);
}

TEST_CASE("unknown word vectors: a damaged blob or one that does not fit the word vectors is an InputError") {
  const std::string bytes = file_bytes(tiny_model());
  const std::string blob = unknown_word_vectors_bytes(2, 7, bytes);
  auto message = [](const std::string& b) {
    try {
      unknown_word_vectors(b, "m.bin");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(blob.substr(0, blob.size() - 5)).find("m.bin: blob 'subword-vectors'") != std::string::npos);
  CHECK(message(blob + "xy").find("m.bin: blob 'subword-vectors'") != std::string::npos);
  CHECK(message(unknown_word_vectors_bytes(5, 7, bytes)) ==
        "m.bin: blob 'subword-vectors': a subword model of 3 dims at offset 5 of 7-dim word vectors");
  CHECK(message(unknown_word_vectors_bytes(0, 3, "2 3\n")).find("not a medner-pretrain vectors file") !=
        std::string::npos);
}

TEST_CASE("unknown word vectors: encoding gives the words outside the vocabulary their vectors, context included") {
  Vocabularies vocab;
  vocab.words = Vocab({"<pad>", "<unk>", "the", "aspirin"});
  vocab.chars = Vocab({"<pad>", "<unk>"});
  vocab.tags = Vocab({"O"});
  vocab.word_options.lowercase = true;
  auto u = std::make_shared<UnknownWordVectors>();
  u->offset = 0;
  u->word_dim = 3;
  u->table = tiny_model();
  vocab.unknown_vectors = u;
  Corpus c;
  c.sentences.push_back(Sentence{{"The", "Paracetamol", "a", "aspirin"}, {"O", "O", "O", "O"}, {}});
  c.sentences.push_back(Sentence{{"ibuprofen", "the"}, {"O", "O"}, {}});
  const Dataset d = encode_corpus(c, vocab, false);
  const EncodedSentence& s = d.sentences[0];
  CHECK(s.words == std::vector<int>{2, kUnkId, kUnkId, 3});
  CHECK(s.vector_tokens == std::vector<int>{1});  // "a" has no vector; "The" and "aspirin" are words
  real want[3];
  REQUIRE(u->fill("Paracetamol", want));  // as written: the subword model is cased
  CHECK(s.word_vectors == std::vector<real>(want, want + 3));
  CHECK(d.sentences[1].vector_tokens == std::vector<int>{0});
  // In context (model/context.h), each sentence's indices move with it.
  Dataset in_context = d;
  add_context(in_context, 1, {});
  CHECK(in_context.sentences[1].vector_tokens == std::vector<int>{1, 4});
  CHECK(in_context.sentences[1].word_vectors.size() == 6);
}

TEST_CASE("unknown word vectors: the network reads a word's vector from subwords as from a column of its table") {
  Rng init(3);
  NerNetwork net(test::tiny_network_config({"O", "S-Disease", "B-Disease"}), init);
  const FormTable forms = test::tiny_forms(8);
  // Word 6 takes the vector v; in the second batch the same tokens are <unk> with v from subwords.
  const real v[3] = {0.25f, -1.5f, 0.75f};
  ParamStore& store = net.params();
  auto table = store.value(store.find("words"));
  for (int d = 0; d < 3; ++d) table(d, 6) = v[d];
  EncodedSentence a, b;
  a.words = {2, 6, 3, 6};
  a.forms = {2, 6, 3, 6};
  a.casing = {2, 2, 2, 2};
  b = a;
  b.words = {2, kUnkId, 3, kUnkId};
  b.vector_tokens = {1, 3};
  b.word_vectors = {v[0], v[1], v[2], v[0], v[1], v[2]};
  EncodedSentence other;  // a shorter sentence beside it, so positions are t * B + b with B = 2
  other.words = {4, 5};
  other.forms = {4, 5};
  other.casing = {2, 2};
  auto emissions = [&](const EncodedSentence& s) {
    Tape tape;
    const Batch batch = test::batch_of({other, s}, forms);
    return Matrix(tape.value(net.emissions(tape, batch, nullptr, false)));
  };
  const Matrix with_column = emissions(a), with_subwords = emissions(b);
  CHECK(with_column == with_subwords);
  EncodedSentence plain = b;  // without the vectors: <unk>, another result
  plain.vector_tokens.clear();
  plain.word_vectors.clear();
  CHECK(emissions(plain) != with_column);
}
