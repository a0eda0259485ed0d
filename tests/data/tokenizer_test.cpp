// Tokenizer, sentence splitter and detokenizer: code-point offsets (ASCII and not), the corpus
// splitting rules, robustness (invalid UTF-8, control characters, empty input, 10 MB lines) and
// agreement floors on a slice of the NCBI-disease dev set.
#include "core/rng.h"
#include "data/detokenizer.h"
#include "data/sentence_splitter.h"
#include "data/tokenizer.h"
#include "data/utf8.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

using namespace medner;

namespace {

std::vector<std::string> texts(const std::vector<Token>& toks) {
  std::vector<std::string> out;
  for (const auto& t : toks) out.push_back(t.text);
  return out;
}

// text[begin:end] in code points, as Python would slice it.
std::string cp_slice(std::string_view text, std::size_t begin, std::size_t end) {
  std::u32string s = utf8_decode(text);
  REQUIRE(end <= s.size());
  return utf8_encode(std::u32string_view(s).substr(begin, end - begin));
}

// Code-point offsets slice text to the token; so do byte offsets when text is the input as given.
void check_offsets(std::string_view text, const std::vector<Token>& toks, bool bytes = true) {
  for (const Token& t : toks) {
    CHECK(cp_slice(text, t.begin, t.end) == t.text);
    if (bytes) CHECK(text.substr(t.byte_begin, t.byte_end - t.byte_begin) == t.text);
  }
}

std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  for (auto [b, e] : split_sentences(text)) out.push_back(cp_slice(text, b, e));
  return out;
}

// First n sentences of a CoNLL file, first column only.
std::vector<std::vector<std::string>> read_corpus(const std::string& path, std::size_t n) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), path << " not found (tests run from the repository root)");
  std::vector<std::vector<std::string>> out(1);
  std::string line;
  while (out.size() <= n && std::getline(in, line)) {
    if (line.empty()) {
      if (!out.back().empty()) out.emplace_back();
      continue;
    }
    out.back().push_back(line.substr(0, line.find('\t')));
  }
  if (out.back().empty() || out.size() > n) out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("tokenizer: splits punctuation off the way the corpora do") {
  std::string text = "Parkinson's disease (n=12): 5-fluorouracil, 0.05 mg/kg +/- 3% [Ca2+].";
  std::vector<Token> toks = tokenize(text);
  CHECK(texts(toks) == std::vector<std::string>{"Parkinson", "'", "s", "disease", "(", "n", "=",
                                                "12", ")", ":", "5", "-", "fluorouracil", ",",
                                                "0", ".", "05", "mg", "/", "kg", "+", "/", "-",
                                                "3", "%", "[", "Ca2", "+", "]", "."});
  check_offsets(text, toks);
  CHECK(toks[0].begin == 0);
  CHECK(toks[0].end == 9);
  CHECK(toks[4].begin == 20);  // "("
  CHECK(toks.back().end == text.size());
  CHECK(texts(tokenize("Gln356Pro871Glu1038Ser1613 snake_case")) ==
        std::vector<std::string>{"Gln356Pro871Glu1038Ser1613", "snake", "_", "case"});
}

TEST_CASE("tokenizer: offsets are code points for non-ASCII text") {
  std::string text = "β-blocker and 5 µg/kg of α1-antagonist in Ångström—“fine” 😀!";
  std::vector<Token> toks = tokenize(text);
  CHECK(texts(toks) == std::vector<std::string>{"β", "-", "blocker", "and", "5", "µg", "/", "kg",
                                                "of", "α1", "-", "antagonist", "in", "Ångström",
                                                "—", "“", "fine", "”", "😀", "!"});
  check_offsets(text, toks);
  CHECK(toks[0].begin == 0);
  CHECK(toks[0].end == 1);
  CHECK(toks[0].byte_end == 2);  // β is two bytes
  CHECK(toks[1].begin == 1);
  CHECK(toks[5].begin == 16);  // "µg"
  CHECK(toks[5].end == 18);
  CHECK(toks.back().end == utf8_length(text));
  // No-break, thin and ideographic spaces separate; ZWJ and soft hyphen stay inside a word.
  std::string spaces = "a\u00A0b\u2009c\u3000d e\u00ADf g\u200Dh";
  CHECK(texts(tokenize(spaces)) ==
        std::vector<std::string>{"a", "b", "c", "d", "e\u00ADf", "g\u200Dh"});
}

TEST_CASE("tokenizer: character classes") {
  CHECK(char_class('a') == CharClass::Word);
  CHECK(char_class('7') == CharClass::Word);
  CHECK(char_class('_') == CharClass::Punct);
  CHECK(char_class(0) == CharClass::Space);
  CHECK(char_class(0x7F) == CharClass::Space);
  CHECK(char_class(0x85) == CharClass::Space);
  CHECK(char_class(0xFEFF) == CharClass::Space);
  CHECK(char_class(0x00B5) == CharClass::Word);   // µ
  CHECK(char_class(0x00B1) == CharClass::Punct);  // ±
  CHECK(char_class(0x00D7) == CharClass::Punct);  // ×
  CHECK(char_class(0x03B2) == CharClass::Word);   // β
  CHECK(char_class(0x2264) == CharClass::Punct);  // ≤
  CHECK(char_class(0x2103) == CharClass::Punct);  // ℃
  CHECK(char_class(0x212B) == CharClass::Word);   // Å (angstrom sign)
  CHECK(char_class(0x4E2D) == CharClass::Word);   // CJK
  CHECK(char_class(0xFFFD) == CharClass::Punct);
  CHECK(char_class(0x1F600) == CharClass::Punct);
  CHECK(char_class(0x10FFFF) == CharClass::Punct);
}

TEST_CASE("tokenizer: invalid UTF-8 is repaired, one U+FFFD code point per bad byte") {
  std::string text = "ab\xff" "cd \xe2\x82";  // a stray byte, then a truncated sequence
  std::vector<Token> toks = tokenize(text);
  CHECK(texts(toks) == std::vector<std::string>{"ab", "\uFFFD", "cd", "\uFFFD", "\uFFFD"});
  CHECK(toks[1].begin == 2);
  CHECK(toks[1].byte_begin == 2);
  CHECK(toks[2].begin == 3);
  CHECK(toks[2].byte_begin == 3);
  CHECK(toks[4].begin == 7);
  CHECK(toks[4].byte_end == text.size());
  check_offsets(utf8_repair(text), toks, false);  // the repaired text has the same code points
  CHECK(sentences(text).size() == 1);
  // Overlong encodings and surrogates are invalid too.
  CHECK(texts(tokenize("x\xc0\xafy\xed\xa0\x80z")).size() == 8);
}

TEST_CASE("tokenizer: control characters and NUL are whitespace; empty input gives nothing") {
  const char raw[] = "a\0b\x01" "c\td\x7f" "e\r\nf\x1b";
  std::string text(raw, sizeof(raw) - 1);
  CHECK(texts(tokenize(text)) == std::vector<std::string>{"a", "b", "c", "d", "e", "f"});
  CHECK(tokenize("").empty());
  CHECK(tokenize(std::string(" \t\n\0\xc2\x85", 6)).empty());  // U+0085 NEL
  CHECK(split_sentences("").empty());
  CHECK(split_sentences(" \n\t ").empty());
  CHECK(tokenize_sentences("").empty());
}

TEST_CASE("tokenizer: random bytes never throw and tokens cover every non-space code point") {
  // Bytes drawn from ASCII letters, punctuation, spaces, control bytes and pieces of UTF-8, so
  // that valid and invalid sequences, sentence ends and abbreviations all occur.
  const std::vector<std::string> pieces = {"a", "B", "7", ".", " ", "\n", "\n\n", "?", "(", "\"",
                                           "\0", "\x01", "\xce", "\xb2", "\xe2\x80", "\x94", "\xff",
                                           "\xf0\x9f\x98\x80", "e.g.", "Dr. ", "\xc2\xa0", "-"};
  Rng rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const std::size_t n = rng.next() % 60;
    for (std::size_t k = 0; k < n; ++k) text += pieces[rng.next() % pieces.size()];
    std::vector<std::vector<Token>> groups;
    REQUIRE_NOTHROW(groups = tokenize_sentences(text));
    const std::u32string repaired = utf8_decode(text);
    std::u32string covered, nonspace;
    for (char32_t c : repaired)
      if (char_class(c) != CharClass::Space) nonspace += c;
    std::size_t last_end = 0;
    for (const auto& g : groups)
      for (const Token& t : g) {
        CHECK(t.begin >= last_end);
        CHECK(t.begin < t.end);
        CHECK(utf8_encode(repaired.substr(t.begin, t.end - t.begin)) == t.text);
        covered += repaired.substr(t.begin, t.end - t.begin);
        last_end = t.end;
      }
    CHECK(covered == nonspace);
  }
}

TEST_CASE("tokenizer: a 10 MB line in linear time") {
  // Long words keep the token count (and memory, ~64 bytes per Token) moderate.
  const std::string unit = "methylenedioxymethamphetamine-induced neurotoxicity, ";
  std::string text;
  const std::size_t reps = 10 * 1000 * 1000 / unit.size();
  text.reserve(reps * unit.size());
  for (std::size_t r = 0; r < reps; ++r) text += unit;
  std::vector<Token> toks = tokenize(text);
  REQUIRE(toks.size() == 5 * reps);
  CHECK(toks.back().text == ",");
  CHECK(toks.back().end == text.size() - 1);
  CHECK(split_sentences(text).size() == 1);
  // One 10 MB word, and 10 MB of sentence ends ("Ab. " x 2.5 million).
  std::string word(10 * 1000 * 1000, 'a');
  CHECK(tokenize(word).size() == 1);
  std::string ends;
  for (std::size_t r = 0; r < 2500 * 1000; ++r) ends += "Ab. ";
  CHECK(split_sentences(ends).size() == 2500 * 1000);
}

TEST_CASE("sentence splitter: terminators, abbreviations, initials and units") {
  using V = std::vector<std::string>;
  CHECK(sentences("BRCA1 is secreted. Germline mutations occur.") ==
        V{"BRCA1 is secreted.", "Germline mutations occur."});
  CHECK(sentences("Is it? Yes! (See below.) 12 rats died.") ==
        V{"Is it?", "Yes!", "(See below.)", "12 rats died."});
  CHECK(sentences("P < 0.05. Rats were fine. β-Blockers help.") ==
        V{"P < 0.05.", "Rats were fine.", "β-Blockers help."});
  CHECK(sentences("a \"Takotsubo cardiomyopathy.\" This syndrome") ==
        V{"a \"Takotsubo cardiomyopathy.\"", "This syndrome"});
  // Abbreviations and initials do not end sentences.
  CHECK(sentences("Smith et al. (1993) used e.g. Western blots, Fig. 2 and 5 mg i.v. Dr. Who.")
            .size() == 1);
  CHECK(sentences("Feder, J. N. Penny showed it in the U.S. Food and Drug Administration.")
            .size() == 1);
  CHECK(sentences("Placebo vs. Drug A was tested.").size() == 1);
  // A single capital after a word ends a name, and a lone lowercase letter is a unit.
  CHECK(sentences("treated with vitamin D. The effect lasted 24 h. Then HLA-A. We") ==
        V{"treated with vitamin D.", "The effect lasted 24 h.", "Then HLA-A.", "We"});
  // Lowercase starts only for mixed-case molecule names.
  CHECK(sentences("the gene. mRNA levels rose. levels fell") ==
        V{"the gene.", "mRNA levels rose. levels fell"});
  // Decimals and dots inside words never split.
  CHECK(sentences("at 11p15.5 and 0.5. Then").size() == 2);
}

TEST_CASE("sentence splitter: blank lines split, single newlines do not; ranges are trimmed") {
  CHECK(sentences("Title without period\n\nAbstract text.") ==
        std::vector<std::string>{"Title without period", "Abstract text."});
  CHECK(sentences("Title without period\r\n \r\nAbstract text.").size() == 2);
  CHECK(sentences("Title\u2029Next").size() == 2);
  CHECK(sentences("wrapped\nline").size() == 1);
  auto r = split_sentences("  A b.  C d.  ");
  REQUIRE(r.size() == 2);
  CHECK(r[0] == std::pair<std::size_t, std::size_t>(2, 6));
  CHECK(r[1] == std::pair<std::size_t, std::size_t>(8, 12));
}

TEST_CASE("tokenize_sentences: tokens grouped by sentence, offsets into the whole text") {
  std::string text = "Le β-bloquant. Ça marche (bien).";
  auto groups = tokenize_sentences(text);
  REQUIRE(groups.size() == 2);
  CHECK(texts(groups[0]) == std::vector<std::string>{"Le", "β", "-", "bloquant", "."});
  CHECK(texts(groups[1]) == std::vector<std::string>{"Ça", "marche", "(", "bien", ")", "."});
  CHECK(groups[1][0].begin == 15);
  check_offsets(text, groups[1]);
}

TEST_CASE("detokenizer: plausible running text with token spans") {
  auto detok = [](std::vector<std::string> t) { return detokenize(t).text; };
  CHECK(detok({"Parkinson", "'", "s", "disease"}) == "Parkinson's disease");
  CHECK(detok({"(", "n", "=", "12", ")", ",", "5", "-", "FU", "0", ".", "05", "%"}) ==
        "(n = 12), 5-FU 0.05%");
  CHECK(detok({"P", "<", ".", "001", ";", "i", ".", "v", ".", "at", "4", ":", "00"}) ==
        "P < .001; i.v. at 4:00");
  CHECK(detok({"a", "\"", "quoted", "\"", "word", "mg", "/", "kg", "Ca2", "+"}) ==
        "a \"quoted\" word mg/kg Ca2+");
  CHECK(detok({"12", "+", "/", "-", "3"}) == "12 +/- 3");
  Detokenized d = detokenize({"β", "-", "blocker", "(", "µg", ")"});
  CHECK(d.text == "β-blocker (µg)");
  REQUIRE(d.spans.size() == 6);
  CHECK(cp_slice(d.text, d.spans[4].first, d.spans[4].second) == "µg");
  CHECK(detokenize({}).text.empty());
}

TEST_CASE("tokenizer: reproduces the first 300 NCBI-disease dev sentences from running text") {
  auto corpus = read_corpus("data/ncbi-disease/devel.tsv", 300);
  REQUIRE(corpus.size() == 300);
  std::size_t exact = 0;
  std::string stream;
  std::vector<std::size_t> gold_starts;
  std::size_t cp = 0;
  for (const auto& sent : corpus) {
    Detokenized d = detokenize(sent);
    if (texts(tokenize(d.text)) == sent) ++exact;
    if (!stream.empty()) stream += ' ', ++cp;
    gold_starts.push_back(cp);
    stream += d.text;
    cp += utf8_length(d.text);
  }
  CHECK(double(exact) / double(corpus.size()) >= 0.99);
  // Sentence splitting of the joined text: at least 95% of the corpus sentences come back whole.
  auto ranges = split_sentences(stream);
  std::size_t whole = 0;
  for (std::size_t i = 0; i < gold_starts.size(); ++i) {
    std::size_t end = i + 1 < gold_starts.size() ? gold_starts[i + 1] - 1 : utf8_length(stream);
    for (auto [b, e] : ranges) whole += (b == gold_starts[i] && e == end);
  }
  CHECK(double(whole) / double(corpus.size()) >= 0.95);
}
