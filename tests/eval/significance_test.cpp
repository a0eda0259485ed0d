// Significance tests, on cases small enough to work out by hand: identical systems (d = 0,
// p = 1), two-sentence corpora whose sampling distributions can be enumerated (p = 1/2), a clearly
// better system (small p), seeding, the bootstrap interval, input errors and the report shapes.
#include "eval/significance.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/conll.h"
#include "eval/eval_input.h"

using namespace medner;

namespace {

// A sentence "w w w" with one gold Disease chunk on the first token.
Sentence one_chunk(const std::vector<std::string>& tags) {
  Sentence s;
  s.tokens = {"w", "w", "w"};
  s.tags = tags;
  return s;
}

const std::vector<std::string> kGold = {"B-Disease", "O", "O"};
const std::vector<std::string> kMiss = {"O", "O", "O"};
const std::vector<std::string> kWrongType = {"B-Chemical", "O", "O"};

Corpus corpus_of(const std::vector<std::vector<std::string>>& tags) {
  Corpus c;
  c.path = "mem";
  for (const auto& t : tags) c.sentences.push_back(one_chunk(t));
  return c;
}

SignificanceOptions opts(SignificanceMethod m, long samples, uint64_t seed = 1) {
  SignificanceOptions o;
  o.method = m;
  o.samples = samples;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("significance: per-sentence counts sum to evaluate()'s overall counts") {
  Corpus gold = corpus_of({kGold, kGold, kGold, kMiss});
  Corpus pred = corpus_of({kGold, kMiss, kWrongType, kGold});
  std::vector<ChunkCounts> c = sentence_counts(gold, pred);
  REQUIRE(c.size() == 4);
  CHECK(c[0].gold == 1);
  CHECK(c[0].predicted == 1);
  CHECK(c[0].correct == 1);
  CHECK(c[1].predicted == 0);
  CHECK(c[2].correct == 0);
  CHECK(c[3].gold == 0);
  ChunkCounts sum;
  for (const ChunkCounts& x : c) {
    sum.gold += x.gold;
    sum.predicted += x.predicted;
    sum.correct += x.correct;
  }
  EvalReport r = evaluate(gold, pred);
  CHECK(sum.gold == r.overall.gold);
  CHECK(sum.predicted == r.overall.predicted);
  CHECK(sum.correct == r.overall.correct);
}

TEST_CASE("significance: identical systems give difference 0 and p = 1 with both methods") {
  Corpus gold = corpus_of({kGold, kGold, kMiss, kGold, kGold});
  Corpus pred = corpus_of({kGold, kMiss, kGold, kWrongType, kGold});
  std::vector<ChunkCounts> c = sentence_counts(gold, pred);
  for (SignificanceMethod m : {SignificanceMethod::Bootstrap, SignificanceMethod::Randomization}) {
    SignificanceResult r = compare_systems(c, c, opts(m, 500));
    CHECK(r.difference == 0.0);
    CHECK(r.extreme == 500);
    CHECK(r.p_value == 1.0);
    CHECK(r.a.f1() == doctest::Approx(r.b.f1()));
  }
}

TEST_CASE("significance: randomization on two sentences, B misses both chunks A finds: p = 1/2") {
  // d = F1(B) - F1(A) = 0 - 100. Rounds that swap no or both sentences give |d*| = 100 (extreme);
  // rounds that swap exactly one give A and B one chunk each, d* = 0. So p -> 1/2.
  Corpus gold = corpus_of({kGold, kGold});
  std::vector<ChunkCounts> a = sentence_counts(gold, corpus_of({kGold, kGold}));
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of({kMiss, kMiss}));
  SignificanceResult r = compare_systems(a, b, opts(SignificanceMethod::Randomization, 20000));
  CHECK(r.difference == doctest::Approx(-100.0));
  CHECK(r.p_value == doctest::Approx(0.5).epsilon(0.03));
  CHECK_FALSE(r.has_interval);
}

TEST_CASE("significance: bootstrap on two sentences: p = 1/2 and the interval spans -100 to 0") {
  // A finds both chunks (F1 100); B finds only the second (P 100, R 50, F1 66.67): d = -33.33.
  // Draws {1,1}: d* = -100 (prob 1/4), {2,2}: d* = 0 (1/4), mixed: d* = -33.33 (1/2). Extreme
  // means |d* - d| >= 33.33: true for {1,1} and {2,2}, so p -> 1/2.
  Corpus gold = corpus_of({kGold, kGold});
  std::vector<ChunkCounts> a = sentence_counts(gold, corpus_of({kGold, kGold}));
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of({kMiss, kGold}));
  SignificanceResult r = compare_systems(a, b, opts(SignificanceMethod::Bootstrap, 20000));
  CHECK(r.difference == doctest::Approx(-100.0 / 3.0));
  CHECK(r.p_value == doctest::Approx(0.5).epsilon(0.03));
  REQUIRE(r.has_interval);
  CHECK(r.interval_low == doctest::Approx(-100.0));
  CHECK(r.interval_high == doctest::Approx(0.0));
}

TEST_CASE("significance: a clearly better system gets a small p with both methods") {
  // 60 sentences; A finds every chunk, B misses 24 of them: F1 100 vs 75.
  std::vector<std::vector<std::string>> gold_tags(60, kGold), b_tags(60, kGold);
  for (std::size_t i = 0; i < b_tags.size(); i += 5) b_tags[i] = kMiss;
  for (std::size_t i = 2; i < b_tags.size(); i += 5) b_tags[i] = kWrongType;
  Corpus gold = corpus_of(gold_tags);
  std::vector<ChunkCounts> a = sentence_counts(gold, gold);
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of(b_tags));
  for (SignificanceMethod m : {SignificanceMethod::Bootstrap, SignificanceMethod::Randomization}) {
    SignificanceResult r = compare_systems(a, b, opts(m, 2000));
    CHECK(r.a.f1() == doctest::Approx(100.0));
    CHECK(r.b.f1() < 80.0);
    CHECK(r.difference < -20.0);
    CHECK(r.p_value < 0.01);
    // Swapping the systems flips the sign, not the conclusion.
    SignificanceResult flipped = compare_systems(b, a, opts(m, 2000));
    CHECK(flipped.difference == doctest::Approx(-r.difference));
    CHECK(flipped.p_value < 0.01);
  }
}

TEST_CASE("significance: one differing sentence out of many is not significant") {
  std::vector<std::vector<std::string>> tags(40, kGold);
  Corpus gold = corpus_of(tags);
  tags[7] = kMiss;
  std::vector<ChunkCounts> a = sentence_counts(gold, gold);
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of(tags));
  for (SignificanceMethod m : {SignificanceMethod::Bootstrap, SignificanceMethod::Randomization}) {
    SignificanceResult r = compare_systems(a, b, opts(m, 2000));
    CHECK(r.difference < 0.0);
    CHECK(r.p_value > 0.3);
  }
}

TEST_CASE("significance: the seed fixes the result; another seed draws other samples") {
  std::vector<std::vector<std::string>> tags(30, kGold), other(30, kGold);
  for (std::size_t i = 0; i < other.size(); i += 3) other[i] = kMiss;
  Corpus gold = corpus_of(tags);
  std::vector<ChunkCounts> a = sentence_counts(gold, corpus_of(tags));
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of(other));
  SignificanceResult r1 = compare_systems(a, b, opts(SignificanceMethod::Bootstrap, 300, 7));
  SignificanceResult r2 = compare_systems(a, b, opts(SignificanceMethod::Bootstrap, 300, 7));
  SignificanceResult r3 = compare_systems(a, b, opts(SignificanceMethod::Bootstrap, 300, 8));
  CHECK(r1.extreme == r2.extreme);
  CHECK(r1.interval_low == r2.interval_low);
  CHECK(r1.interval_high == r2.interval_high);
  CHECK(r3.seed == 8);
  CHECK((r1.interval_low != r3.interval_low || r1.interval_high != r3.interval_high ||
         r1.extreme != r3.extreme));
}

TEST_CASE("significance: bad input is an InputError") {
  Corpus gold = corpus_of({kGold, kGold});
  std::vector<ChunkCounts> two = sentence_counts(gold, gold);
  std::vector<ChunkCounts> one(two.begin(), two.begin() + 1);
  CHECK_THROWS_AS(compare_systems(two, one, SignificanceOptions()), InputError);
  CHECK_THROWS_AS(compare_systems({}, {}, SignificanceOptions()), InputError);
  CHECK_THROWS_AS(compare_systems(two, two, opts(SignificanceMethod::Bootstrap, 0)), InputError);
  std::vector<ChunkCounts> other_gold =
      sentence_counts(corpus_of({kGold, kMiss}), corpus_of({kGold, kMiss}));
  CHECK_THROWS_WITH_AS(compare_systems(two, other_gold, SignificanceOptions()),
                       doctest::Contains("sentence 2 has 1 gold chunks for system A but 0"),
                       InputError);
  Corpus shorter = corpus_of({kGold});
  CHECK_THROWS_AS(sentence_counts(gold, shorter), InputError);
  CHECK(parse_significance_method("ar") == SignificanceMethod::Randomization);
  CHECK(parse_significance_method("bootstrap") == SignificanceMethod::Bootstrap);
  CHECK_THROWS_WITH_AS(parse_significance_method("t-test"), doctest::Contains("'t-test'"),
                       InputError);
}

TEST_CASE("significance: report formats carry both systems, the difference and the p-value") {
  Corpus gold = corpus_of({kGold, kGold, kGold});
  std::vector<ChunkCounts> a = sentence_counts(gold, gold);
  std::vector<ChunkCounts> b = sentence_counts(gold, corpus_of({kGold, kMiss, kGold}));
  SignificanceResult r = compare_systems(a, b, opts(SignificanceMethod::Bootstrap, 100));
  std::string text = format_significance(r, "a.pred", "b.pred", ReportFormat::Text);
  CHECK(text.find("A: precision 100.00%; recall 100.00%; F1 100.00 (gold 3, found 3, correct 3)  "
                  "a.pred\n") != std::string::npos);
  CHECK(text.find("B: precision 100.00%; recall  66.67%; F1  80.00 (gold 3, found 2, correct 2)  "
                  "b.pred\n") != std::string::npos);
  CHECK(text.find("F1(B) - F1(A): -20.00 (95% interval ") != std::string::npos);
  CHECK(text.find("paired bootstrap over 3 sentences, 100 samples, seed 1\n") != std::string::npos);
  char p_line[128];
  std::snprintf(p_line, sizeof p_line,
                "p = %.4f (two-sided; %ld of 100 samples at least as extreme)\n", r.p_value,
                r.extreme);
  CHECK(text.find(p_line) != std::string::npos);
  std::string json = format_significance(r, "a.pred", "b.pred", ReportFormat::Json);
  CHECK(json.find("\"method\": \"bootstrap\"") != std::string::npos);
  CHECK(json.find("\"difference\": -20") != std::string::npos);
  CHECK(json.find(fmt::format("\"p_value\": {}", r.p_value)) != std::string::npos);
  CHECK(json.find("\"a\": {\"file\": \"a.pred\", \"precision\": 100") != std::string::npos);
  std::string md = format_significance(r, "a|b", "b.pred", ReportFormat::Markdown);
  CHECK(md.find("| A | a\\|b | 100.00 | 100.00 | 100.00 | 3 | 3 | 3 |") != std::string::npos);
  SignificanceResult ar = compare_systems(a, b, opts(SignificanceMethod::Randomization, 100));
  std::string ar_json = format_significance(ar, "a", "b", ReportFormat::Json);
  CHECK(ar_json.find("\"method\": \"randomization\"") != std::string::npos);
  CHECK(ar_json.find("\"interval\": null") != std::string::npos);
}
