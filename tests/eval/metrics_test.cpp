// Scoring: hand cases, 0-not-NaN, macro-F1, and equality with conlleval's own line-by-line
// algorithm (restated below from its rules) on thousands of random IOB1/IOB2 files.
#include "eval/metrics.h"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

using namespace medner;

namespace {

using Seqs = std::vector<std::vector<std::string>>;

// conlleval, restated: one pass over the lines of a file; a sentence boundary is a line with
// tags O/O; a tag "P-T" splits into P and T at the first '-'. A chunk counts as correct when gold
// and guess start one together with equal types and both end at the same line.
struct Conlleval {
  long gold = 0, guessed = 0, correct = 0, tokens = 0, correct_tags = 0;
  std::map<std::string, long> gold_t, guessed_t, correct_t;

  static bool ends(const std::string& pt, const std::string& t, const std::string& pty,
                   const std::string& ty) {
    bool e = (pt == "B" || pt == "I") && (t == "B" || t == "O");
    return e || (pt != "O" && pty != ty);
  }
  static bool starts(const std::string& pt, const std::string& t, const std::string& pty,
                     const std::string& ty) {
    bool s = (t == "B") || (pt == "O" && t == "I");
    return s || (t != "O" && pty != ty);
  }
  static void split(const std::string& tag, std::string& p, std::string& ty) {
    auto dash = tag.find('-');
    p = dash == std::string::npos ? tag : tag.substr(0, dash);
    ty = dash == std::string::npos ? "" : tag.substr(dash + 1);
  }

  void run(const Seqs& g, const Seqs& p) {
    std::string lc = "O", lg = "O", lct, lgt;
    bool in_correct = false;
    auto line = [&](const std::string& gold_tag, const std::string& guess_tag, bool boundary) {
      std::string c, ct, q, qt;
      split(gold_tag, c, ct);
      split(guess_tag, q, qt);
      bool ec = ends(lc, c, lct, ct), eq = ends(lg, q, lgt, qt);
      if (in_correct) {
        if (ec && eq && lgt == lct) {
          in_correct = false;
          ++correct;
          ++correct_t[lct];
        } else if (ec != eq || qt != ct) {
          in_correct = false;
        }
      }
      bool sc = starts(lc, c, lct, ct), sq = starts(lg, q, lgt, qt);
      if (sc && sq && qt == ct) in_correct = true;
      if (sc) ++gold, ++gold_t[ct];
      if (sq) ++guessed, ++guessed_t[qt];
      if (!boundary) {
        ++tokens;
        if (c == q && ct == qt) ++correct_tags;
      }
      lc = c, lg = q, lct = ct, lgt = qt;
    };
    for (std::size_t s = 0; s < g.size(); ++s) {
      for (std::size_t i = 0; i < g[s].size(); ++i) line(g[s][i], p[s][i], false);
      line("O", "O", true);
    }
    if (in_correct) ++correct, ++correct_t[lct];
  }
};

std::vector<std::string> random_iob(std::mt19937& rng, std::size_t n) {
  static const char* kTags[] = {"O", "O", "O", "B-A", "I-A", "B-B", "I-B", "B-A-x", "I-A-x"};
  std::uniform_int_distribution<int> pick(0, 8);
  std::vector<std::string> t;
  for (std::size_t i = 0; i < n; ++i) t.emplace_back(kTags[pick(rng)]);
  return t;
}

}  // namespace

TEST_CASE("metrics: no entities at all gives 0, never NaN") {
  ChunkCounts none;
  CHECK(none.precision() == 0.0);
  CHECK(none.recall() == 0.0);
  CHECK(none.f1() == 0.0);
  EvalReport r = evaluate(Seqs{{"O", "O"}}, Seqs{{"O", "O"}});
  CHECK(r.overall.f1() == 0.0);
  CHECK_FALSE(std::isnan(r.overall.f1()));
  CHECK(r.macro_f1 == 0.0);
  CHECK(r.types.empty());
  CHECK(r.accuracy == 100.0);
  EvalReport empty = evaluate(Seqs{}, Seqs{});
  CHECK(empty.accuracy == 0.0);
  CHECK(empty.tokens == 0);
}

TEST_CASE("metrics: I- after O opens a chunk; exact begin, end and type needed") {
  // gold: [Aspirin]Chem, [headache]Dis; pred: [Aspirin]Chem, [headache]Dis, [nausea]Dis.
  Seqs g{{"I-Chemical", "O", "I-Disease", "O", "O", "O"}};
  Seqs p{{"B-Chemical", "O", "I-Disease", "O", "I-Disease", "O"}};
  EvalReport r = evaluate(g, p);
  CHECK(r.overall.gold == 2);
  CHECK(r.overall.predicted == 3);
  CHECK(r.overall.correct == 2);
  CHECK(r.types.at("Chemical").correct == 1);
  CHECK(r.types.at("Disease").predicted == 2);
  CHECK(r.correct_tags == 4);
  CHECK(r.tokens == 6);
  CHECK(r.overall.precision() == doctest::Approx(200.0 / 3));
  CHECK(r.overall.recall() == 100.0);
  CHECK(r.overall.f1() == doctest::Approx(80.0));
  CHECK(r.macro_f1 == doctest::Approx((100.0 + 200.0 / 3) / 2));
}

TEST_CASE("metrics: type switch inside a chunk splits it; wrong end or type is not correct") {
  Seqs g{{"B-X", "I-X", "O"}, {"B-X", "I-X"}};
  Seqs p{{"B-X", "I-Y", "O"}, {"B-Y", "I-Y"}};
  EvalReport r = evaluate(g, p);
  CHECK(r.overall.gold == 2);
  CHECK(r.overall.predicted == 3);  // [B-X], [I-Y], [B-Y I-Y]
  CHECK(r.overall.correct == 0);
  CHECK(r.types.at("Y").gold == 0);
  CHECK(r.types.at("Y").precision() == 0.0);
  CHECK(r.sentences == 2);
}

TEST_CASE("metrics: sentence boundaries end chunks; empty sentences count as sentences") {
  Seqs g{{"O", "B-X"}, {}, {"I-X", "O"}};
  Seqs p{{"O", "B-X"}, {}, {"I-X", "O"}};
  EvalReport r = evaluate(g, p);
  CHECK(r.overall.gold == 2);
  CHECK(r.overall.correct == 2);
  CHECK(r.sentences == 3);
  CHECK(r.tokens == 4);
}

TEST_CASE("metrics: IOBES is read with S-/E- closing chunks") {
  EvalReport r = evaluate(Seqs{{"S-X", "S-X", "B-Y", "E-Y"}}, Seqs{{"B-X", "E-X", "B-Y", "E-Y"}});
  CHECK(r.overall.gold == 3);
  CHECK(r.overall.predicted == 2);
  CHECK(r.overall.correct == 1);
}

TEST_CASE("metrics: mismatched lengths are an input error") {
  CHECK_THROWS_WITH_AS(evaluate(Seqs{{"O"}}, Seqs{{"O", "O"}}),
                       "sentence 1: 1 gold tags but 2 predicted tags", InputError);
  CHECK_THROWS_AS(evaluate(Seqs{{"O"}}, Seqs{}), InputError);
}

TEST_CASE("metrics: equals conlleval's line-by-line algorithm on random IOB1/IOB2 files") {
  std::mt19937 rng(2000);
  std::uniform_int_distribution<std::size_t> nsent(1, 8), len(1, 9);
  for (int trial = 0; trial < 3000; ++trial) {
    Seqs g, p;
    for (std::size_t s = nsent(rng); s > 0; --s) {
      std::size_t n = len(rng);
      g.push_back(random_iob(rng, n));
      p.push_back(trial % 3 == 0 ? g.back() : random_iob(rng, n));
      if (trial % 3 == 1) {  // mostly right, a few edits
        for (std::size_t i = 0; i < n; ++i) {
          if (rng() % 4 != 0) p.back()[i] = g.back()[i];
        }
      }
    }
    Conlleval ref;
    ref.run(g, p);
    EvalReport r = evaluate(g, p);
    REQUIRE(r.overall.gold == ref.gold);
    REQUIRE(r.overall.predicted == ref.guessed);
    REQUIRE(r.overall.correct == ref.correct);
    REQUIRE(r.tokens == ref.tokens);
    REQUIRE(r.correct_tags == ref.correct_tags);
    for (const auto& [type, c] : r.types) {
      CHECK(c.gold == ref.gold_t[type]);
      CHECK(c.predicted == ref.guessed_t[type]);
      CHECK(c.correct == ref.correct_t[type]);
    }
    std::set<std::string> ref_types;
    for (const auto& kv : ref.gold_t) {
      if (kv.second > 0) ref_types.insert(kv.first);
    }
    for (const auto& kv : ref.guessed_t) {
      if (kv.second > 0) ref_types.insert(kv.first);
    }
    CHECK(r.types.size() == ref_types.size());
  }
}
