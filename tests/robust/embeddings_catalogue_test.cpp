// Catalogue of bad embedding files (docs/robustness.md): a line with the wrong dimension, a
// header count that disagrees with the lines, a truncated word2vec binary (written here, cut at
// every byte), values that are not finite numbers, headers that lie about sizes. Each is one
// InputError line with path (and line for text files), and nothing allocates more than the file
// could hold.
#include "robust_util.h"

#include "data/embeddings_file.h"

#include <cstring>
#include <limits>

using namespace medner;
using namespace medner_robust;
using medner_test::TempDir;

namespace {

const std::string kPath = "vectors/w2v.txt";

std::string read_error(const std::string& bytes) {
  return error_of([&] { read_embeddings_bytes(bytes, kPath); });
}

// A word2vec binary file: "N D\n", then per word "word " + D little-endian float32 + '\n'.
std::string word2vec_binary(const std::vector<std::pair<std::string, std::vector<float>>>& rows,
                            int dim) {
  std::string out = std::to_string(rows.size()) + " " + std::to_string(dim) + "\n";
  for (const auto& [word, values] : rows) {
    out += word + " ";
    for (float v : values) {
      char b[4];
      std::memcpy(b, &v, 4);
      out.append(b, 4);
    }
    out += "\n";
  }
  return out;
}

const std::vector<std::pair<std::string, std::vector<float>>> kRows = {
    {"aspirin", {0.5f, -1.25f, 3.0f}},
    {"tumor", {1e-3f, 2.0f, -0.0f}},
    {"\xCE\xB1", {7.0f, 8.0f, 9.0f}}};

}  // namespace

TEST_CASE("robust embeddings: a line with the wrong dimension") {
  CHECK(read_error("3 2\na 0.1 0.2\nb 0.3\nc 0.5 0.6\n") ==
        "input: vectors/w2v.txt:3: expected a word and 2 values, got 1 values");
  // GloVe (no header): the first line fixes the dimension.
  CHECK(read_error("a 0.1 0.2 0.3\nb 0.4 0.5 0.6 0.7\n") ==
        "input: vectors/w2v.txt:2: expected a word and 3 values, got 4 values");
  CHECK(read_error("lonely\n") ==
        "input: vectors/w2v.txt:1: expected a word and its vector, got one field");
}

TEST_CASE("robust embeddings: a header count that disagrees with the lines") {
  CHECK(read_error("5 2\na 0.1 0.2\nb 0.3 0.4\n") ==
        "input: vectors/w2v.txt: header says 5 vectors, the file has 2");
  CHECK(read_error("1 2\na 0.1 0.2\nb 0.3 0.4\n") ==
        "input: vectors/w2v.txt: header says 1 vectors, the file has 2");
  CHECK(read_error("-1 2\na 0.1 0.2\n") ==
        "input: vectors/w2v.txt:1: expected a header 'count dimension' with positive numbers, got "
        "'-1 2'");
}

TEST_CASE("robust embeddings: malformed and non-finite values (nan, inf, beyond float)") {
  CHECK(read_error("a 0.1 zero\n") ==
        "input: vectors/w2v.txt:1: value 2: expected a number, got 'zero'");
  CHECK(read_error("a 0.1 0.2\nb 0.3 nan\n") ==
        "input: vectors/w2v.txt:2: value 2 is 'nan'; vectors must be finite numbers");
  CHECK(read_error("1 2\nb -inf 0.3\n") ==
        "input: vectors/w2v.txt:2: value 1 is '-inf'; vectors must be finite numbers");
  CHECK(read_error("a 0.1 1e39\n") ==
        "input: vectors/w2v.txt:1: value 2 '1e39' is out of range for a 32-bit float");
  // Huge but finite is a legal float (training then meets it: tests/robust/numeric_test.cpp).
  CHECK(read_error("a 0.1 3e38\n") == "(no error)");
  CHECK(read_error("a 0.1 0.2\na 0.3 0.4\n") == "input: vectors/w2v.txt:2: word 'a' appears twice");
  CHECK(read_error("") == "input: vectors/w2v.txt: empty embeddings file");
  CHECK(read_error("\n\n") == "input: vectors/w2v.txt: no vectors");
}

TEST_CASE("robust embeddings: a word2vec binary file reads back exactly") {
  PretrainedEmbeddings e = read_embeddings_bytes(word2vec_binary(kRows, 3), kPath);
  CHECK(e.format == "word2vec-binary");
  REQUIRE(e.words.size() == 3);
  CHECK(e.dim == 3);
  CHECK(e.words[2] == "\xCE\xB1");
  CHECK(e.vector(0)[1] == -1.25f);
  CHECK(e.vector(2)[2] == 9.0f);
  // The same through a file.
  TempDir dir;
  write_bytes(dir.file("v.bin"), word2vec_binary(kRows, 3));
  CHECK(read_embeddings(dir.file("v.bin")).values == e.values);
}

TEST_CASE("robust embeddings: a binary file truncated at every byte is an error, never a crash") {
  const std::string full = word2vec_binary(kRows, 3);
  const std::size_t header = full.find('\n') + 1;
  for (std::size_t n = header + 1; n < full.size() - 1; ++n) {  // the last '\n' is optional
    const std::string msg = read_error(full.substr(0, n));
    INFO("cut at ", n, ": ", msg);
    CHECK(one_line(msg));
    CHECK((starts_with(msg, "input: vectors/w2v.txt: truncated: vector ") ||
           starts_with(msg, "input: vectors/w2v.txt:")));
  }
  // Cut inside the last vector: the message says which one.
  CHECK(read_error(full.substr(0, full.size() - 3)) ==
        "input: vectors/w2v.txt: truncated: vector 3 of 3 is incomplete (file has " +
            std::to_string(full.size() - 3) + " bytes)");
  // Regression: the bound check was off by one, so a file missing exactly the last byte of the
  // last vector read the string's terminating NUL as that byte.
  CHECK(starts_with(read_error(full.substr(0, full.size() - 2)),
                    "input: vectors/w2v.txt: truncated: vector 3 of 3"));
}

TEST_CASE(
    "robust embeddings: a binary header count that disagrees with the vectors (fuzz finding)") {
  // Found by fuzz_embeddings: "0 4" over a binary body was accepted as a file without vectors,
  // and vectors after the announced count were dropped without a word.
  std::string none = word2vec_binary(kRows, 3);
  none[0] = '0';
  CHECK(starts_with(
      read_error(none),
      "input: vectors/w2v.txt: header says 0 vectors, but the file goes on after vector 0"));
  std::string fewer = word2vec_binary(kRows, 3);
  fewer[0] = '2';
  CHECK(
      read_error(fewer) ==
      "input: vectors/w2v.txt: header says 2 vectors, but the file goes on after vector 2 (byte " +
          std::to_string(fewer.find("\xCE\xB1")) + " of " + std::to_string(fewer.size()) + ")");
  CHECK(read_error("0 4\n\x01\n") ==
        "input: vectors/w2v.txt: header says 0 vectors, but the file goes on after vector 0 (byte "
        "4 of 6)");
  CHECK(read_error("0 4\n\x01") ==
        "input: vectors/w2v.txt: header says 0 vectors, but the file goes on after vector 0 (byte "
        "4 of 5)");
}

TEST_CASE("robust embeddings: binary values that are NaN or infinite are rejected") {
  auto rows = kRows;
  rows[1].second[2] = std::numeric_limits<float>::quiet_NaN();
  CHECK(read_error(word2vec_binary(rows, 3)) ==
        "input: vectors/w2v.txt: vector 2 ('tumor'): value 3 is NaN; vectors must be finite");
  rows = kRows;
  rows[0].second[0] = -std::numeric_limits<float>::infinity();
  CHECK(
      read_error(word2vec_binary(rows, 3)) ==
      "input: vectors/w2v.txt: vector 1 ('aspirin'): value 1 is infinite; vectors must be finite");
}

TEST_CASE("robust embeddings: lying headers do not allocate what the file cannot hold") {
  // Regression: the binary reader reserved count * dim floats from the header before reading.
  std::string lying = word2vec_binary(kRows, 3);
  lying.replace(0, 1, "9000000000000");
  CHECK(starts_with(read_error(lying),
                    "input: vectors/w2v.txt: truncated: vector 4 of 9000000000000"));
  // A dimension beyond int (it was cast to int) or beyond the file's size.
  std::string wide = word2vec_binary(kRows, 3);
  wide.replace(2, 1, "5000000000");
  CHECK(read_error(wide) ==
        "input: vectors/w2v.txt:1: header dimension 5000000000 is larger than the file (" +
            std::to_string(wide.size()) + " bytes)");
  CHECK(starts_with(read_error("1 4000\na 0.1\n"),
                    "input: vectors/w2v.txt:1: header dimension 4000 is larger"));
}

TEST_CASE("robust embeddings: a missing file or a directory is an IoError with the path") {
  TempDir dir;
  CHECK(error_of([&] { read_embeddings(dir.file("none.txt")); }) ==
        "io: " + dir.file("none.txt") + ": cannot open for reading: No such file or directory");
  CHECK(error_of([&] { read_embeddings(dir.path()); }) ==
        "io: " + dir.path() + ": cannot read: is a directory, expected a file");
}
