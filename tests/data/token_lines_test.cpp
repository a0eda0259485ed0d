// Pre-tokenized input (medner-tag --input-format tokens): sentences, documents, whitespace, and
// each error with its path:line message.
#include "data/token_lines.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

using namespace medner;

namespace {

using Strings = std::vector<std::string>;

std::string read_error(const std::string& text) {
  try {
    read_token_lines_text(text, "in.txt");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("token lines: one token a line, blank lines between sentences, no tags") {
  // CRLF, a BOM, repeated and whitespace-only blank lines, a token between spaces, no final
  // newline, a multi-byte token.
  Corpus c = read_token_lines_text(
      "\xEF\xBB\xBF"
      "BRCA1\r\nmutations\n\n\n \t\n  β-blockers \nwork",
      "in.txt");
  CHECK(c.path == "in.txt");
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].tokens == Strings{"BRCA1", "mutations"});
  CHECK(c.sentences[0].tags.empty());
  CHECK(c.sentences[0].line == 1);
  CHECK(c.sentences[1].tokens == Strings{"β-blockers", "work"});
  CHECK(c.sentences[1].line == 6);
}

TEST_CASE("token lines: -DOCSTART- lines separate documents, with or without columns") {
  Corpus c = read_token_lines_text("-DOCSTART- -X- O\n\na\n\nb\n-DOCSTART-\nc\n", "in.txt");
  REQUIRE(c.sentences.size() == 3);
  CHECK(c.sentences[0].document == 0);
  CHECK(c.sentences[1].document == 0);
  CHECK(c.sentences[2].document == 1);
  CHECK(c.sentences[2].tokens == Strings{"c"});
}

TEST_CASE("token lines: no tokens gives no sentences") {
  CHECK(read_token_lines_text("", "in.txt").sentences.empty());
  CHECK(read_token_lines_text("\n\n", "in.txt").sentences.empty());
  std::istringstream in("a\nb\n");
  CHECK(read_token_lines(in, "<stdin>").sentences.size() == 1);
}

TEST_CASE("token lines: errors name the file and line") {
  CHECK(
      read_error("a\nBRCA1\tB-Gene\n") ==
      "in.txt:2: expected one token per line, got 2 fields ('BRCA1', 'B-Gene'); for token and tag "
      "columns use --input-format conll");
  CHECK(read_error("a x y\n") ==
        "in.txt:1: expected one token per line, got 3 fields ('a', 'x', ...); for token and tag "
        "columns "
        "use --input-format conll");
  CHECK(read_error("a\nb\xFF\n") ==
        "in.txt:2: invalid UTF-8 at byte column 2 (byte 0xFF); expected UTF-8 text");
  CHECK(read_error(std::string("a\0b\n", 4)).rfind("in.txt:1: NUL byte at byte column 2", 0) == 0);
  CHECK(read_error("a\rb\n").rfind("in.txt:1: carriage return inside the line", 0) == 0);
}
