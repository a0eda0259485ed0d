// Lexicon matching (data/lexicon.h) on hand-written cases: the longest match per type and the
// position in it, case and tokenization of names, several types, the serialized form, and bad
// lexicon files reported with file:line.
#include "common/temp_dir.h"
#include "core/error.h"
#include "data/lexicon.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

using namespace medner;

namespace {

enum { None = 0, B = 1, I = 2, E = 3, S = 4 };

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t sp = s.find(' ', start);
    if (sp == std::string::npos) sp = s.size();
    if (sp > start) out.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

// The positions of type k, one per token.
std::vector<int> positions(const Lexicon& lex, const std::string& sentence, int k) {
  const std::vector<int> f = lex.features(words(sentence));
  const int K = lex.types();
  std::vector<int> out;
  for (std::size_t t = 0; t * K < f.size(); ++t) {
    const int id = f[t * K + static_cast<std::size_t>(k)];
    CHECK(id / kLexiconPositions == k);
    out.push_back(id % kLexiconPositions);
  }
  return out;
}

std::string write(const medner_test::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("lexicon: the longest match covering a token wins, case-insensitively, with B/I/E/S") {
  Lexicon lex;
  CHECK(lex.add("breast cancer", "Disease"));
  CHECK(lex.add("Cancer", "Disease"));
  CHECK(lex.add("hereditary breast and ovarian cancer", "Disease"));
  CHECK(lex.add("ovarian cancer syndrome", "Disease"));
  CHECK(lex.types() == 1);
  // "breast cancer" (2) beats "cancer" (1) on both of its tokens.
  CHECK(positions(lex, "a Breast CANCER gene", 0) == std::vector<int>{None, B, E, None});
  CHECK(positions(lex, "cancer", 0) == std::vector<int>{S});
  // Two names that overlap: each token keeps the longest name covering it.
  CHECK(positions(lex, "hereditary breast and ovarian cancer syndrome", 0) ==
        std::vector<int>{B, I, I, I, E, E});
  // Equal lengths: the earlier name keeps the shared token.
  CHECK(lex.add("renal failure", "Disease"));
  CHECK(lex.add("failure syndrome", "Disease"));
  CHECK(positions(lex, "renal failure syndrome", 0) == std::vector<int>{B, E, E});
  // A prefix of a name is not a match; the walk stops at a token no name continues with.
  CHECK(positions(lex, "hereditary breast", 0) == std::vector<int>{None, None});
  CHECK(positions(lex, "", 0).empty());
}

TEST_CASE("lexicon: names are tokenized like the corpora; types are separate features") {
  Lexicon lex;
  CHECK(lex.add("Tooth Agenesis, Selective, 6", "Disease"));
  CHECK(lex.add("cisplatin", "Chemical"));
  CHECK(lex.add("5-fluorouracil", "Chemical"));
  CHECK(lex.add("cisplatin nephrotoxicity", "Disease"));
  CHECK_FALSE(lex.add("  ", "Disease"));  // no tokens
  CHECK(lex.types() == 2);
  CHECK(lex.type_names() == std::vector<std::string>{"Disease", "Chemical"});
  CHECK(positions(lex, "tooth agenesis , selective , 6", 0) == std::vector<int>{B, I, I, I, I, E});
  CHECK(positions(lex, "with 5 - Fluorouracil", 1) == std::vector<int>{None, B, I, E});
  CHECK(positions(lex, "cisplatin nephrotoxicity", 0) == std::vector<int>{B, E});
  CHECK(positions(lex, "cisplatin nephrotoxicity", 1) == std::vector<int>{S, None});
  // Ids: type k's positions are k * kLexiconPositions + position.
  CHECK(lex.features(words("cisplatin")) == std::vector<int>{0 * kLexiconPositions + None, 1 * kLexiconPositions + S});
}

TEST_CASE("lexicon: the serialized form reads back into a lexicon with the same features") {
  Lexicon lex;
  lex.add("breast cancer", "Disease");
  lex.add("breast cancer", "Disease");  // once only
  lex.add("aspirin", "Chemical");
  lex.add("Breast", "Chemical");
  CHECK(lex.names() == 3);
  const std::string text = lex.serialized();
  CHECK(text == "Disease\tChemical\n0\tbreast cancer\n1\taspirin\n1\tbreast\n");
  const Lexicon back = deserialize_lexicon(text, "m.bin");
  CHECK(back.serialized() == text);
  const std::vector<std::string> s = words("aspirin and breast cancer or breast");
  CHECK(back.features(s) == lex.features(s));
  CHECK_THROWS_WITH_AS(deserialize_lexicon("Disease\n3\tx\n", "m.bin"),
                       "m.bin: lexicon line 2: the type index is not a number below the type count", InputError);
  CHECK_THROWS_WITH_AS(deserialize_lexicon("Disease\n0\tx", "m.bin"), "m.bin: lexicon line 2: the text ends inside a line",
                       InputError);
  CHECK_THROWS_WITH_AS(deserialize_lexicon("Disease\tDisease\n", "m.bin"), "m.bin: lexicon line 1: type 'Disease' twice",
                       InputError);
  CHECK_THROWS_WITH_AS(deserialize_lexicon("Disease\n0\ta  b\n", "m.bin"), "m.bin: lexicon line 2: an empty token",
                       InputError);
}

TEST_CASE("lexicon: files are name<TAB>type[<TAB>id] lines; bad lines are file:line errors") {
  medner_test::TempDir dir;
  Lexicon lex;
  const std::string good = write(dir, "good.tsv", "\xEF\xBB\xBF" "breast cancer\tDisease\tD001943\r\n\naspirin\tChemical\n");
  CHECK(read_lexicon_file(good, lex) == 2);
  CHECK(lex.type_names() == std::vector<std::string>{"Disease", "Chemical"});
  CHECK(positions(lex, "breast cancer", 0) == std::vector<int>{B, E});
  auto error = [&](const std::string& text) {
    Lexicon l;
    const std::string path = write(dir, "bad.tsv", text);
    try {
      read_lexicon_file(path, l);
    } catch (const InputError& e) {
      return std::string(e.what()).substr(path.size());
    }
    return std::string("no error");
  };
  CHECK(error("aspirin\tChemical\nno type here\n") == ":2: expected name<TAB>type, found 'no type here'");
  CHECK(error("\tChemical\n") == ":1: empty name");
  CHECK(error("aspirin\t\tCHEBI:15365\n") == ":1: empty type (expected name<TAB>type, e.g. Disease)");
  CHECK(error("ok\tDisease\nbad \xFF\tDisease\n") == ":2: invalid UTF-8 at byte 5");
  CHECK(error(std::string("a\0b\tDisease\n", 12)) == ":1: a NUL byte; expected text (is this a binary file?)");
  CHECK(error("\n\n") == ": no names; expected name<TAB>type lines");
}
