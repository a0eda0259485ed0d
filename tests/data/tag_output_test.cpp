// medner-tag output formats: JSON escaping and numbers, IOB2 -> code-point spans on non-ASCII
// text, jsonl/conll layouts, brat offsets running across several input lines.
#include "core/error.h"
#include "data/tag_output.h"
#include "data/tokenizer.h"
#include "data/utf8.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace medner;

namespace {

std::string cp_slice(std::string_view text, std::size_t begin, std::size_t end) {
  std::u32string s = utf8_decode(text);
  REQUIRE(end <= s.size());
  return utf8_encode(std::u32string_view(s).substr(begin, end - begin));
}

// A raw-text unit tagged by token text: tags[i] for the i-th token of tokenize(text).
TaggedSentence unit_of(const std::string& text, const std::vector<std::string>& tags) {
  TaggedSentence u;
  u.text = text;
  u.tokens = tokenize(text);
  REQUIRE(u.tokens.size() == tags.size());
  u.tags = tags;
  u.entities = entities_from_tags(u);
  return u;
}

std::string write(const TaggedSentence& u, OutputFormat f, BratState* st = nullptr) {
  std::ostringstream out;
  write_tagged(out, u, f, st);
  return out.str();
}

}  // namespace

TEST_CASE("tag output: format names; an unknown one is an input error naming the option") {
  CHECK(parse_output_format("conll") == OutputFormat::Conll);
  CHECK(parse_output_format("jsonl") == OutputFormat::Jsonl);
  CHECK(parse_output_format("brat") == OutputFormat::Brat);
  CHECK_THROWS_WITH_AS(parse_output_format("JSON"),
                       "--output-format: expected conll, jsonl, brat, hf or pubtator, got 'JSON'", InputError);
}

TEST_CASE("tag output: JSON string escaping") {
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("say \"hi\" C:\\dir/") == "\"say \\\"hi\\\" C:\\\\dir/\"");
  const char raw[] = "a\nb\tc\x01\x1f\x7f\0z";
  CHECK(json_quote(std::string_view(raw, sizeof(raw) - 1)) ==
        "\"a\\u000ab\\u0009c\\u0001\\u001f\\u007f\\u0000z\"");
  CHECK(json_quote("β-blocker 5 µg 😀") == "\"β-blocker 5 µg 😀\"");  // UTF-8 passes through
  CHECK(json_quote("a\u2028b\u2029") == "\"a\\u2028b\\u2029\"");
  CHECK(json_quote("x\xff" "y") == "\"x\uFFFDy\"");  // invalid byte -> U+FFFD, output stays UTF-8
}

TEST_CASE("tag output: JSON numbers read back exactly; non-finite values are null") {
  for (double x : {0.1, 1.0 / 3.0, 0.999999999999, 1e-300, 0.5, 1.0, 0.0}) {
    std::string s = json_number(x);
    CHECK(std::strtod(s.c_str(), nullptr) == x);
    CHECK(s.find_first_not_of("0123456789.e-+") == std::string::npos);
  }
  CHECK(json_number(std::nan("")) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("tag output: IOB2 tags -> spans whose code-point slice is the entity text") {
  std::string text = "Le β-blocker a causé une cardiomyopathie dilatée à 5 µg.";
  TaggedSentence u = unit_of(text, {"O", "B-Chemical", "I-Chemical", "I-Chemical", "O", "O",
                                    "O", "B-Disease", "I-Disease", "O", "O", "B-Chemical", "O"});
  REQUIRE(u.entities.size() == 3);
  CHECK(u.entities[0].type == "Chemical");
  CHECK(u.entities[0].text == "β-blocker");
  CHECK(u.entities[0].begin == 3);
  CHECK(u.entities[0].end == 12);
  CHECK(u.entities[1].text == "cardiomyopathie dilatée");
  CHECK(u.entities[2].text == "µg");
  for (const TaggedEntity& e : u.entities) CHECK(cp_slice(text, e.begin, e.end) == e.text);
}

TEST_CASE("tag output: lenient span rules (I- after O, type switch, IOBES)") {
  TaggedSentence u = unit_of("a b c d e f g h", {"I-X", "I-X", "I-Y", "B-Y", "O", "S-X", "B-X",
                                                 "E-X"});
  std::vector<std::string> got;
  for (const auto& e : u.entities) got.push_back(e.type + ":" + e.text);
  CHECK(got == std::vector<std::string>{"X:a b", "Y:c", "Y:d", "X:f", "X:g h"});
  CHECK(unit_of("", {}).entities.empty());
  TaggedSentence bad = unit_of("a b", {"O", "O"});
  bad.tags = {"O", "X-Y"};
  CHECK_THROWS_AS(entities_from_tags(bad), InputError);
  bad.tags.pop_back();
  CHECK_THROWS_AS(entities_from_tags(bad), InternalError);
}

TEST_CASE("tag output: jsonl layout, with n-best when present") {
  TaggedSentence u = unit_of("Aspirin caused \"Reye\" syndrome.",
                             {"B-Chemical", "O", "O", "B-Disease", "I-Disease", "I-Disease", "O"});
  REQUIRE(u.entities.size() == 2);
  CHECK(u.entities[1].text == "Reye\" syndrome");
  u.entities[0].confidence = 0.5;
  u.entities[1].confidence = 0.25;
  CHECK(write(u, OutputFormat::Jsonl) ==
        "{\"text\": \"Aspirin caused \\\"Reye\\\" syndrome.\", \"entities\": ["
        "{\"start\": 0, \"end\": 7, \"type\": \"Chemical\", \"text\": \"Aspirin\", "
        "\"confidence\": 0.5}, "
        "{\"start\": 16, \"end\": 30, \"type\": \"Disease\", \"text\": \"Reye\\\" syndrome\", "
        "\"confidence\": 0.25}]}\n");
  TaggedSentence v = unit_of("β-blocker", {"B-Chemical", "I-Chemical", "I-Chemical"});
  v.entities[0].confidence = 1;
  v.nbest = {{{"B-Chemical", "I-Chemical", "I-Chemical"}, 0.75}, {{"O", "O", "B-Chemical"}, 0.125}};
  CHECK(write(v, OutputFormat::Jsonl) ==
        "{\"text\": \"β-blocker\", \"entities\": [{\"start\": 0, \"end\": 9, \"type\": "
        "\"Chemical\", \"text\": \"β-blocker\", \"confidence\": 1}], \"nbest\": ["
        "{\"tags\": [\"B-Chemical\", \"I-Chemical\", \"I-Chemical\"], \"probability\": 0.75}, "
        "{\"tags\": [\"O\", \"O\", \"B-Chemical\"], \"probability\": 0.125}]}\n");
  CHECK(write(unit_of("", {}), OutputFormat::Jsonl) == "{\"text\": \"\", \"entities\": []}\n");
}

TEST_CASE("tag output: brat offsets run over the lines joined by newlines") {
  std::vector<std::string> lines = {"Aspirin is safe.", "", "Then a β-blocker (µg) was given.",
                                    "Naloxone\tworked."};
  std::vector<std::vector<std::string>> tags = {
      {"B-Chemical", "O", "O", "O"},
      {},
      {"O", "O", "B-Chemical", "I-Chemical", "I-Chemical", "O", "B-Chemical", "O", "O", "O",
       "O"},
      {"B-Chemical", "I-Chemical", "O"}};
  BratState st;
  std::string ann;
  for (std::size_t i = 0; i < lines.size(); ++i)
    ann += write(unit_of(lines[i], tags[i]), OutputFormat::Brat, &st);
  CHECK(ann ==
        "T1\tChemical 0 7\tAspirin\n"
        "T2\tChemical 25 34\tβ-blocker\n"
        "T3\tChemical 36 38\tµg\n"
        "T4\tChemical 51 66\tNaloxone worked\n");  // the tab in the text column became a space
  CHECK(st.next_id == 5);
  // The offsets slice the document made of the lines joined by '\n'.
  std::string doc;
  for (const auto& l : lines) doc += l + "\n";
  CHECK(cp_slice(doc, 25, 34) == "β-blocker");
  CHECK(cp_slice(doc, 36, 38) == "µg");
  CHECK(cp_slice(doc, 51, 66) == "Naloxone\tworked");
  CHECK(st.offset == utf8_length(doc));
  CHECK_THROWS_AS(write(unit_of("x", {"O"}), OutputFormat::Brat, nullptr), InternalError);
}

TEST_CASE("tag output: conll layout, blank line after each unit, n-best as extra columns") {
  TaggedSentence u = unit_of("Aspirin (ASA).", {"B-Chemical", "O", "B-Chemical", "O", "O"});
  CHECK(write(u, OutputFormat::Conll) ==
        "Aspirin\tB-Chemical\n(\tO\nASA\tB-Chemical\n)\tO\n.\tO\n\n");
  CHECK(write(unit_of("", {}), OutputFormat::Conll) == "\n");
  TaggedSentence v = unit_of("a b", {"B-X", "O"});
  v.nbest = {{{"B-X", "O"}, 0.6}, {{"O", "O"}, 0.3}};
  CHECK(write(v, OutputFormat::Conll) == "a\tB-X\tB-X\tO\nb\tO\tO\tO\n\n");
  v.tags.pop_back();
  CHECK_THROWS_AS(write(v, OutputFormat::Conll), InternalError);
}

TEST_CASE("tag output: a CoNLL sentence becomes a unit with single-space text and offsets") {
  TaggedSentence u = tagged_from_words({"β", "-", "blocker", "µg"});
  CHECK(u.text == "β - blocker µg");
  REQUIRE(u.tokens.size() == 4);
  CHECK(u.tokens[2].begin == 4);
  CHECK(u.tokens[3].begin == 12);
  CHECK(u.tokens[3].end == 14);
  for (const Token& t : u.tokens) {
    CHECK(cp_slice(u.text, t.begin, t.end) == t.text);
    CHECK(u.text.substr(t.byte_begin, t.byte_end - t.byte_begin) == t.text);
  }
  u.tags = {"B-Chemical", "I-Chemical", "I-Chemical", "O"};
  auto ents = entities_from_tags(u);
  REQUIRE(ents.size() == 1);
  CHECK(ents[0].text == "β - blocker");
  CHECK(tagged_from_words({}).text.empty());
}

TEST_CASE("tag output: brat offsets count each line's own line end (CRLF, and none at the end)") {
  std::vector<std::string> lines = {"Aspirin is safe.", "Then naloxone."};
  std::vector<std::vector<std::string>> tags = {{"B-Chemical", "O", "O", "O"}, {"O", "B-Chemical", "O"}};
  BratState st;
  std::string ann;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    TaggedSentence u = unit_of(lines[i], tags[i]);
    u.line_end = i == 0 ? "\r\n" : "";
    ann += write(u, OutputFormat::Brat, &st);
  }
  // "Aspirin is safe.\r\n" is 18 code points: naloxone starts at 18 + 5.
  CHECK(ann == "T1\tChemical 0 7\tAspirin\nT2\tChemical 23 31\tnaloxone\n");
  CHECK(cp_slice("Aspirin is safe.\r\nThen naloxone.", 23, 31) == "naloxone");
}
