// CoNLL reader and writer: accepted layouts, every reader error with its message, large inputs,
// round trips, and the bundled corpora (read fast, written back byte for byte).
#include "data/conll.h"

#include "core/error.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/temp_dir.h"
#include "core/error.h"

using namespace medner;

namespace {

// The message of the InputError that reading `text` throws, or "(no error)".
std::string read_error(const std::string& text) {
  try {
    read_conll_text(text, "f.tsv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string written(const Corpus& c) {
  std::ostringstream out;
  write_conll(out, c);
  return out.str();
}

std::filesystem::path repo_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

}  // namespace

TEST_CASE("conll: tab-separated sentences keep tokens, tags and first-token lines") {
  Corpus c = read_conll_text("Aspirin\tB-Chemical\nworks\tO\n\nNo\tO\n", "f.tsv");
  CHECK(c.path == "f.tsv");
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].tokens == std::vector<std::string>{"Aspirin", "works"});
  CHECK(c.sentences[0].tags == std::vector<std::string>{"B-Chemical", "O"});
  CHECK(c.sentences[0].line == 1);
  CHECK(c.sentences[1].tokens == std::vector<std::string>{"No"});
  CHECK(c.sentences[1].line == 4);
}

TEST_CASE("conll: runs of spaces and tabs; token first column, tag last column") {
  Corpus c = read_conll_text("a  \t NN  B-X\n  b\tNN\tI-X   \n", "f.tsv");
  REQUIRE(c.sentences.size() == 1);
  CHECK(c.sentences[0].tokens == std::vector<std::string>{"a", "b"});
  CHECK(c.sentences[0].tags == std::vector<std::string>{"B-X", "I-X"});
}

TEST_CASE("conll: -DOCSTART- lines are skipped and end a sentence") {
  Corpus c = read_conll_text("-DOCSTART- -X- O\n\na O\n-DOCSTART-\nb O\n", "f.tsv");
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].tokens == std::vector<std::string>{"a"});
  CHECK(c.sentences[1].tokens == std::vector<std::string>{"b"});
  CHECK(c.sentences[1].line == 5);
  // Documents (for document context): a -DOCSTART- after sentences starts the next one.
  CHECK(c.sentences[0].document == 0);
  CHECK(c.sentences[1].document == 1);
  Corpus d = read_conll_text("a O\n\nb O\n-DOCSTART- -X- O\n\n-DOCSTART-\nc O\n\nd O\n", "f.tsv");
  CHECK(document_ids(d) == std::vector<int>{0, 0, 2, 2});
}

TEST_CASE("conll: any number of blank or whitespace-only lines between sentences") {
  Corpus c = read_conll_text("\n\n \t \na O\n\n\n\n  \nb O\n\n\n", "f.tsv");
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].line == 4);
  CHECK(c.sentences[1].line == 9);
}

TEST_CASE("conll: CRLF, missing final newline and a byte-order mark are accepted") {
  Corpus crlf = read_conll_text("a\tB-X\r\nb\tI-X\r\n\r\nc\tO", "f.tsv");
  REQUIRE(crlf.sentences.size() == 2);
  CHECK(crlf.sentences[0].tags == std::vector<std::string>{"B-X", "I-X"});
  CHECK(crlf.sentences[1].tokens == std::vector<std::string>{"c"});
  Corpus bom = read_conll_text(
      "\xEF\xBB\xBF"
      "a\tO\n",
      "f.tsv");
  REQUIRE(bom.sentences.size() == 1);
  CHECK(bom.sentences[0].tokens[0] == "a");
}

TEST_CASE("conll: UTF-8 tokens are kept byte for byte") {
  Corpus c = read_conll_text("\xCE\xB2-blocker\tB-Chemical\n\xE2\x80\x93\tO\n", "f.tsv");
  CHECK(c.sentences[0].tokens[0] == "\xCE\xB2-blocker");
  CHECK(c.sentences[0].tokens[1] == "\xE2\x80\x93");
}

TEST_CASE("conll: one-column line is rejected with line and what was found") {
  CHECK(read_error("a\tO\nlonely\n") ==
        "f.tsv:2: expected 2 columns (token, tag), got 1 ('lonely')");
}

TEST_CASE("conll: tags that are not O / B-X / I-X / E-X / S-X are rejected") {
  const std::string generic = ": expected O, B-X, I-X, E-X or S-X (X the entity type)";
  CHECK(read_error("a\tNN\n") == "f.tsv:1: invalid tag 'NN'" + generic);
  CHECK(read_error("a\tO\nb\tb-X\n") == "f.tsv:2: invalid tag 'b-X'" + generic);
  CHECK(read_error("a\tB_X\n") == "f.tsv:1: invalid tag 'B_X'" + generic);
  CHECK(read_error("a\to\n") == "f.tsv:1: invalid tag 'o'" + generic);
  CHECK(read_error("a\tO-X\n") == "f.tsv:1: invalid tag 'O-X'" + generic);
  CHECK(read_error("a\tB-\n") == "f.tsv:1: invalid tag 'B-': the type after 'B-' is empty");
  CHECK(read_error("a\tL-X\n") ==
        "f.tsv:1: invalid tag 'L-X': BILOU tags are not read; write L- as E- and U- as S- (IOBES)");
}

TEST_CASE("conll: invalid UTF-8 names the line and the byte column") {
  CHECK(read_error("a\tO\nab\xFF\tO\n") ==
        "f.tsv:2: invalid UTF-8 at byte column 3 (byte 0xFF); expected UTF-8 text");
  // Truncated sequence at the end of a line, and an overlong encoding.
  CHECK(read_error("a\xC3\tO\n") ==
        "f.tsv:1: invalid UTF-8 at byte column 2 (byte 0xC3); expected UTF-8 text");
  CHECK(read_error("\xC0\xAF\tO\n") ==
        "f.tsv:1: invalid UTF-8 at byte column 1 (byte 0xC0); expected UTF-8 text");
  // A BOM is only skipped at the very start; U+FEFF later is valid UTF-8 and part of a token.
  CHECK(read_error("a\tO\n\xEF\xBB\xBF"
                   "b\tO\n") == "(no error)");
}

TEST_CASE("conll: NUL bytes are rejected") {
  std::string text = "a\tO\nb";
  text += '\0';
  text += "c\tO\n";
  CHECK(read_error(text) ==
        "f.tsv:2: NUL byte at byte column 2; expected UTF-8 text (is this a binary file?)");
}

TEST_CASE("conll: a file without sentences is rejected") {
  CHECK(read_error("") ==
        "f.tsv:1: no sentences (the file is empty); expected lines 'token<TAB>tag'");
  CHECK(read_error("\n\n\n") ==
        "f.tsv:3: no sentences (only blank or -DOCSTART- lines); expected lines 'token<TAB>tag'");
  CHECK(read_error("-DOCSTART- -X- O\n\n") ==
        "f.tsv:2: no sentences (only blank or -DOCSTART- lines); expected lines 'token<TAB>tag'");
  CHECK(read_error("\xEF\xBB\xBF") ==
        "f.tsv:1: no sentences (the file is empty); expected lines 'token<TAB>tag'");
}

TEST_CASE("conll: long values are cut in messages; control bytes are escaped") {
  std::string huge(100000, 'x');
  std::string msg = read_error(huge + "\n");
  CHECK(msg.size() < 120);
  CHECK(msg.find("('xxxxxxxx") != std::string::npos);
  CHECK(msg.find("...')") != std::string::npos);
  CHECK(message_excerpt("a\x01"
                        "b") == "a\\x01b");
  CHECK(message_excerpt("\xCE\xB2") == "\xCE\xB2");
}

TEST_CASE("conll: missing file and directory give IoError with the path") {
  CHECK_THROWS_WITH_AS(read_conll("/nonexistent/x.tsv"),
                       "/nonexistent/x.tsv: cannot open for reading: No such file or directory",
                       IoError);
  CHECK_THROWS_AS(read_conll(std::filesystem::temp_directory_path().string()), IoError);
}

TEST_CASE("conll: a 10 MB line and a 100,000-token sentence") {
  std::string token(10 * 1000 * 1000, 'a');
  Corpus big = read_conll_text(token + "\tB-X\nb\tI-X\n", "f.tsv");
  CHECK(big.sentences[0].tokens[0].size() == token.size());
  CHECK(big.sentences[0].tags[1] == "I-X");

  std::string text;
  for (int i = 0; i < 100000; ++i) text += i % 3 == 0 ? "t\tB-X\n" : "t\tI-X\n";
  auto t0 = std::chrono::steady_clock::now();
  Corpus longs = read_conll_text(text, "f.tsv");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(longs.sentences.size() == 1);
  CHECK(longs.sentences[0].tokens.size() == 100000);
  CHECK(longs.sentences[0].tags[99999] == "B-X");
  CHECK(secs < 1.0);
}

TEST_CASE("conll: every token line has the first token line's column count (-DOCSTART- lines aside)") {
  CHECK(read_conll_text("-DOCSTART- -X- -X- O\n\na NN O\nb NN B-X\n", "f.tsv").sentences.size() == 1);
  std::string msg;
  try {
    read_conll_text("-DOCSTART- O\n\na NN O\nb NN B-X\n\nc B-X\n", "f.tsv");
  } catch (const InputError& e) {
    msg = e.what();
  }
  CHECK(msg == "f.tsv:6: expected 3 columns as on line 3, found 2");
}

TEST_CASE("conll: the writer round-trips what the reader reads") {
  std::string messy =
      "\xEF\xBB\xBF-DOCSTART- O\r\n\r\n\xCE\xB1  NN  B-Chemical\r\nx\tNN\tS-Gene-or-protein\n\n\n"
      "y NN O\nz\tNN \tE-A";
  Corpus c = read_conll_text(messy, "f.tsv");
  std::string once = written(c);
  CHECK(once == "\xCE\xB1\tB-Chemical\nx\tS-Gene-or-protein\n\ny\tO\nz\tE-A\n\n");
  Corpus again = read_conll_text(once, "f.tsv");
  REQUIRE(again.sentences.size() == c.sentences.size());
  for (std::size_t s = 0; s < c.sentences.size(); ++s) {
    CHECK(again.sentences[s].tokens == c.sentences[s].tokens);
    CHECK(again.sentences[s].tags == c.sentences[s].tags);
  }
  CHECK(written(again) == once);
}

TEST_CASE("conll: writer refuses what it could not read back") {
  Corpus c;
  c.sentences.push_back(Sentence{{"a b"}, {"O"}, 1});
  CHECK_THROWS_AS(written(c), InternalError);
  c.sentences[0] = Sentence{{}, {}, 1};
  CHECK_THROWS_AS(written(c), InternalError);
}

TEST_CASE("conll: istream reader equals the text reader") {
  std::istringstream in("a\tB-X\nb\tO\n");
  Corpus c = read_conll(in, "<stdin>");
  CHECK(c.path == "<stdin>");
  CHECK(c.sentences[0].tags == std::vector<std::string>{"B-X", "O"});
}

TEST_CASE("conll: bundled corpora are read fast and written back byte for byte") {
  for (const char* name : {"data/bc5cdr/train.tsv", "data/ncbi-disease/train.tsv"}) {
    std::filesystem::path path = repo_root() / name;
    REQUIRE(std::filesystem::exists(path));
    std::string bytes = read_text_file(path.string());
    auto t0 = std::chrono::steady_clock::now();
    Corpus c = read_conll(path.string());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE(std::string(name) << ": read in " << secs * 1000 << " ms");
    CHECK(secs < 0.5);  // about 10 ms on one core; generous for a loaded CI machine
    CHECK(c.sentences.size() > 4000);
    CHECK(written(c) == bytes);
  }
}

TEST_CASE("conll: a comma-separated file list reads as one corpus, errors name the file and line") {
  CHECK(split_file_list("a.tsv") == std::vector<std::string>{"a.tsv"});
  CHECK(split_file_list("a.tsv,b/c.tsv") == std::vector<std::string>{"a.tsv", "b/c.tsv"});
  for (const char* bad : {"", ",a", "a,", "a,,b"})
    CHECK_THROWS_WITH_AS(split_file_list(bad),
                         (std::string("'") + bad +
                          "': expected a file name or a comma-separated list of them, found an empty name")
                             .c_str(),
                         InputError);
  medner_test::TempDir dir;
  const std::string a = dir.file("a.tsv"), b = dir.file("b.tsv");
  std::ofstream(a) << "x\tO\ny\tB-D\n\nz\tO\n";
  std::ofstream(b) << "w\tB-C\n";
  Corpus c = read_conll_files(a + "," + b);
  CHECK(c.path == a + "," + b);
  REQUIRE(c.sentences.size() == 3);
  CHECK(c.sentences[1].tokens == std::vector<std::string>{"z"});
  CHECK(c.sentences[2].tokens == std::vector<std::string>{"w"});
  CHECK(c.sentences[2].tags == std::vector<std::string>{"B-C"});
  CHECK(document_ids(c) == std::vector<int>{0, 0, 1});  // no document spans two files
  int checked = 0;
  read_conll_files(a + "," + b, [&](const Corpus& part) { CHECK(part.path == (checked++ == 0 ? a : b)); });
  CHECK(checked == 2);
  std::ofstream(b) << "w\tB-C\nv\n";
  const std::string where = b + ":2:";
  CHECK_THROWS_WITH_AS(read_conll_files(a + "," + b), doctest::Contains(where.c_str()), InputError);
}
