// Tag schemes: names, tag parsing, chunk extraction (conlleval rules + IOBES), conversion round
// trips (hand cases and random sequences), detection, and strict validation messages.
#include "data/tag_scheme.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "core/error.h"

using namespace medner;

namespace {

using Tags = std::vector<std::string>;

std::vector<Span> spans(const Tags& tags) { return extract_spans(tags); }

Corpus corpus_of(const std::vector<Tags>& sentences) {
  Corpus c;
  c.path = "f.tsv";
  int line = 1;
  for (const Tags& tags : sentences) {
    Sentence s;
    s.tags = tags;
    s.tokens.assign(tags.size(), "w");
    s.line = line;
    line += static_cast<int>(tags.size()) + 1;
    c.sentences.push_back(s);
  }
  return c;
}

// Random non-overlapping spans over n tokens with types from {A, B}; adjacent same-type spans
// happen often, which is where IOB1 needs B- and IOBES needs S-/E-.
std::vector<Span> random_spans(std::mt19937& rng, int n) {
  std::vector<Span> out;
  std::uniform_int_distribution<int> coin(0, 2), len(1, 3), type(0, 1);
  int i = 0;
  while (i < n) {
    if (coin(rng) == 0) {
      ++i;
      continue;
    }
    int e = std::min(n, i + len(rng));
    out.push_back(Span{i, e, type(rng) == 0 ? "A" : "B"});
    i = e;
  }
  return out;
}

Tags render_iob2(const std::vector<Span>& sp, int n) {
  Tags t(static_cast<std::size_t>(n), "O");
  for (const Span& s : sp) {
    for (int i = s.begin; i < s.end; ++i)
      t[static_cast<std::size_t>(i)] = (i == s.begin ? "B-" : "I-") + s.type;
  }
  return t;
}

Tags random_tags(std::mt19937& rng, int n, const std::string& prefixes) {
  std::uniform_int_distribution<std::size_t> p(0, prefixes.size());
  std::uniform_int_distribution<int> type(0, 1);
  Tags t;
  for (int i = 0; i < n; ++i) {
    std::size_t k = p(rng);
    t.push_back(k == prefixes.size() ? "O"
                                     : std::string(1, prefixes[k]) + (type(rng) ? "-A" : "-B"));
  }
  return t;
}

}  // namespace

TEST_CASE("tag_scheme: names and synonyms") {
  CHECK(parse_tag_scheme("iob1") == TagScheme::IOB1);
  CHECK(parse_tag_scheme("iob2") == TagScheme::IOB2);
  CHECK(parse_tag_scheme("BIO") == TagScheme::IOB2);
  CHECK(parse_tag_scheme("iobes") == TagScheme::IOBES);
  CHECK(parse_tag_scheme("bioes") == TagScheme::IOBES);
  CHECK(parse_tag_scheme("BILOU") == TagScheme::IOBES);
  CHECK(to_string(TagScheme::IOB1) == "iob1");
  CHECK(to_string(TagScheme::IOB2) == "iob2");
  CHECK(to_string(TagScheme::IOBES) == "iobes");
  CHECK_THROWS_WITH_AS(parse_tag_scheme("bilu"),
                       "unknown tag scheme 'bilu'; expected iob1, iob2 (or bio) or iobes (or "
                       "bioes, bilou)",
                       InputError);
}

TEST_CASE("tag_scheme: a tag splits at its first '-' like conlleval") {
  TagParts p;
  REQUIRE(parse_tag("B-Gene-or-protein", &p));
  CHECK(p.prefix == 'B');
  CHECK(p.type == "Gene-or-protein");
  REQUIRE(parse_tag("O", &p));
  CHECK(p.prefix == 'O');
  CHECK(p.type.empty());
  CHECK(parse_tag("S-X"));
  CHECK_FALSE(parse_tag("B-"));
  CHECK_FALSE(parse_tag("X-A"));
  CHECK_FALSE(parse_tag("OO"));
  CHECK_FALSE(parse_tag(""));
  CHECK(invalid_tag_reason("I-X").empty());
}

TEST_CASE("tag_scheme: spans follow conlleval on IOB (I- after O, type switch, B-B)") {
  CHECK(spans({"B-X", "I-X", "O"}) == std::vector<Span>{{0, 2, "X"}});
  CHECK(spans({"O", "I-X", "I-X"}) == std::vector<Span>{{1, 3, "X"}});  // I- after O opens
  CHECK(spans({"I-X"}) == std::vector<Span>{{0, 1, "X"}});              // I- at start opens
  CHECK(spans({"B-X", "I-Y", "I-Y"}) == std::vector<Span>{{0, 1, "X"}, {1, 3, "Y"}});
  CHECK(spans({"B-X", "B-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 2, "X"}});
  CHECK(spans({"I-X", "B-X", "I-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 3, "X"}});
  CHECK(spans({"O", "O", "B-X"}) == std::vector<Span>{{2, 3, "X"}});  // chunk at the end
  CHECK(spans({}).empty());
  CHECK(spans({"O", "O"}).empty());
  CHECK_THROWS_AS(spans({"B-X", "Z"}), InputError);
}

TEST_CASE("tag_scheme: spans read IOBES (S-X S-X is two chunks, E- closes)") {
  CHECK(spans({"S-X", "S-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 2, "X"}});
  CHECK(spans({"B-X", "I-X", "E-X", "S-X"}) == std::vector<Span>{{0, 3, "X"}, {3, 4, "X"}});
  CHECK(spans({"B-X", "E-X", "I-X", "E-X"}) == std::vector<Span>{{0, 2, "X"}, {2, 4, "X"}});
  CHECK(spans({"E-X", "E-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 2, "X"}});
  CHECK(spans({"O", "E-X"}) == std::vector<Span>{{1, 2, "X"}});
  CHECK(spans({"S-X", "I-X", "E-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 3, "X"}});
  CHECK(spans({"B-X", "E-Y"}) == std::vector<Span>{{0, 1, "X"}, {1, 2, "Y"}});
  CHECK(spans({"B-X", "S-X"}) == std::vector<Span>{{0, 1, "X"}, {1, 2, "X"}});
}

TEST_CASE("tag_scheme: conversion between IOB1, IOB2 and IOBES, hand cases") {
  Tags iob2 = {"B-X", "I-X", "B-X", "O", "B-Y", "B-X", "I-X", "I-X"};
  Tags iobes = {"B-X", "E-X", "S-X", "O", "S-Y", "B-X", "I-X", "E-X"};
  Tags iob1 = {"I-X", "I-X", "B-X", "O", "I-Y", "I-X", "I-X", "I-X"};
  CHECK(convert_tags(iob2, TagScheme::IOB2, TagScheme::IOBES) == iobes);
  CHECK(convert_tags(iobes, TagScheme::IOBES, TagScheme::IOB2) == iob2);
  CHECK(convert_tags(iob2, TagScheme::IOB2, TagScheme::IOB1) == iob1);
  CHECK(convert_tags(iob1, TagScheme::IOB1, TagScheme::IOB2) == iob2);
  CHECK(convert_tags(iob1, TagScheme::IOB1, TagScheme::IOBES) == iobes);
  // Invalid IOB2 (I- after O) is repaired the way the scorer reads it.
  CHECK(convert_tags({"O", "I-X", "I-X"}, TagScheme::IOB2, TagScheme::IOB2) ==
        Tags{"O", "B-X", "I-X"});
  CHECK_THROWS_WITH_AS(convert_tags({"S-X"}, TagScheme::IOB2, TagScheme::IOBES),
                       "tag 'S-X' is not an iob2 tag (E- and S- belong to iobes)", InputError);
}

TEST_CASE("tag_scheme: random round trips are lossless and keep the chunks") {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 2000; ++trial) {
    int n = 1 + trial % 12;
    Tags iob2 = render_iob2(random_spans(rng, n), n);
    Tags iobes = convert_tags(iob2, TagScheme::IOB2, TagScheme::IOBES);
    Tags iob1 = convert_tags(iob2, TagScheme::IOB2, TagScheme::IOB1);
    CHECK(convert_tags(iobes, TagScheme::IOBES, TagScheme::IOB2) == iob2);
    CHECK(convert_tags(iob1, TagScheme::IOB1, TagScheme::IOB2) == iob2);
    CHECK(convert_tags(iobes, TagScheme::IOBES, TagScheme::IOB1) == iob1);
    CHECK(find_invalid_tag(iob2, TagScheme::IOB2, nullptr) == -1);
    CHECK(find_invalid_tag(iobes, TagScheme::IOBES, nullptr) == -1);
    CHECK(find_invalid_tag(iob1, TagScheme::IOB1, nullptr) == -1);
    // Any sequence at all: every conversion keeps the chunks extract_spans sees.
    Tags noisy = random_tags(rng, n, "BIES");
    std::vector<Span> want = spans(noisy);
    for (TagScheme to : {TagScheme::IOB1, TagScheme::IOB2, TagScheme::IOBES}) {
      Tags out = convert_tags(noisy, TagScheme::IOBES, to);
      CHECK(spans(out) == want);
      CHECK(find_invalid_tag(out, to, nullptr) == -1);
    }
  }
}

TEST_CASE("tag_scheme: detection") {
  CHECK(detect_tag_scheme(corpus_of({{"B-X", "I-X", "O", "B-Y"}, {"O"}})) == TagScheme::IOB2);
  CHECK(detect_tag_scheme(corpus_of({{"I-X", "I-X", "O", "I-Y"}, {"I-X", "B-X"}})) ==
        TagScheme::IOB1);
  CHECK(detect_tag_scheme(corpus_of({{"B-X", "I-X"}, {"O", "S-X"}})) == TagScheme::IOBES);
  CHECK(detect_tag_scheme(corpus_of({{"O", "O"}})) == TagScheme::IOB2);
  // A predicted IOB2 file with one stray I- after O is still IOB2.
  CHECK(detect_tag_scheme(corpus_of({{"B-X", "O", "I-X"}, {"B-Y", "B-X"}})) == TagScheme::IOB2);
}

TEST_CASE("tag_scheme: strict validation names path:line, what was found and what is needed") {
  auto error = [](const std::vector<Tags>& s, TagScheme scheme) -> std::string {
    try {
      validate_tags(corpus_of(s), scheme);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(valid)";
  };
  // Lines 1-3, a blank line, then the second sentence on lines 5-6.
  CHECK(error({{"B-X", "I-X", "O"}, {"O", "I-X"}}, TagScheme::IOB2) ==
        "f.tsv:6: tag 'I-X' follows 'O'; IOB2 needs 'B-X'");
  CHECK(error({{"I-Chemical"}}, TagScheme::IOB2) ==
        "f.tsv:1: tag 'I-Chemical' starts the sentence; IOB2 needs 'B-Chemical'");
  CHECK(error({{"B-X", "I-Y"}}, TagScheme::IOB2) ==
        "f.tsv:2: tag 'I-Y' follows 'B-X'; IOB2 needs 'B-Y'");
  CHECK(error({{"S-X"}}, TagScheme::IOB2) ==
        "f.tsv:1: tag 'S-X' is not an IOB2 tag (IOB2 uses O, B-X and I-X; E- and S- belong to "
        "IOBES)");
  CHECK(error({{"O", "B-X"}}, TagScheme::IOB1) ==
        "f.tsv:2: tag 'B-X' follows 'O'; IOB1 uses B- only right after a chunk of the same "
        "type, here it needs 'I-X'");
  CHECK(error({{"I-X", "B-X"}}, TagScheme::IOB1) == "(valid)");
  CHECK(error({{"B-X", "O"}}, TagScheme::IOBES) ==
        "f.tsv:1: tag 'B-X' is followed by 'O'; IOBES needs 'I-X' or 'E-X' next, or 'S-X' for a "
        "one-token chunk");
  CHECK(error({{"B-X", "I-X"}}, TagScheme::IOBES) ==
        "f.tsv:2: tag 'I-X' ends the sentence; IOBES needs 'I-X' or 'E-X' next ('E-X' closes "
        "the chunk)");
  CHECK(error({{"O", "E-X"}}, TagScheme::IOBES) ==
        "f.tsv:2: tag 'E-X' follows 'O'; IOBES needs 'S-X'");
  CHECK(error({{"S-X", "I-X", "E-X"}}, TagScheme::IOBES) ==
        "f.tsv:2: tag 'I-X' follows 'S-X'; IOBES needs 'B-X'");
  CHECK(error({{"B-X", "I-X", "E-X", "S-Y", "O"}}, TagScheme::IOBES) == "(valid)");
  CHECK(error({{"B-X", "I-X", "O", "B-Y"}}, TagScheme::IOB2) == "(valid)");
}
