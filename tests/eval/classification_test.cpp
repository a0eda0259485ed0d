// The classification report: exact, partial and token-level scores of a small hand-written
// prediction file (three types, adjacent mentions, partial overlaps, a type error) checked against
// figures computed by hand and against an independent computation written here (its own IOB2
// chunker, set intersection for exact matches, augmenting-path maximum matching for partial ones,
// tag-string comparison for tokens); the same computation on random files; the text layout.
#include "eval/classification.h"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "eval/classification_format.h"
#include "eval/eval_input.h"
#include "eval/report.h"

using namespace medner;

namespace {

// token gold predicted. Gold: 3 Gene, 5 Disease, 1 Chemical; predicted: 2 Gene, 6 Disease.
//   1: "cancer" predicted inside gold "breast cancer" (partial, not exact)
//   2: adjacent gold genes TP53 | MDM2 predicted as one chunk (overlaps both, matches one)
//   3: aspirin gold Chemical predicted Disease (overlap of another type: no partial credit)
//   4: gold [renal failure] [nephropathy], predicted [renal] [failure nephropathy]: both
//      predicted chunks overlap the first gold chunk, and only matching the second predicted
//      chunk to the second gold chunk gives the largest matching (2 pairs)
const char* kExample =
    "BRCA1 B-Gene B-Gene\n"
    "mutations O O\n"
    "cause O O\n"
    "breast B-Disease O\n"
    "cancer I-Disease B-Disease\n"
    ". O O\n"
    "\n"
    "TP53 B-Gene B-Gene\n"
    "MDM2 B-Gene I-Gene\n"
    "binding O O\n"
    "in O O\n"
    "lymphoma B-Disease B-Disease\n"
    "\n"
    "aspirin B-Chemical B-Disease\n"
    "induced O O\n"
    "asthma B-Disease B-Disease\n"
    "\n"
    "renal B-Disease B-Disease\n"
    "failure I-Disease B-Disease\n"
    "nephropathy B-Disease I-Disease\n"
    "\n";

EvalInput example() { return read_conlleval_text(kExample, "example.txt"); }

void check_counts(const ChunkCounts& c, long gold, long predicted, long correct) {
  CHECK(c.gold == gold);
  CHECK(c.predicted == predicted);
  CHECK(c.correct == correct);
}

// --- the independent computation ------------------------------------------------------------

using Chunk = std::tuple<std::size_t, int, int, std::string>;  // sentence, begin, end, type

// IOB2 chunks (B- opens; I- continues a chunk of its type, opens one otherwise; O closes).
std::vector<Chunk> iob2_chunks(const Corpus& c) {
  std::vector<Chunk> out;
  for (std::size_t s = 0; s < c.sentences.size(); ++s) {
    const std::vector<std::string>& tags = c.sentences[s].tags;
    for (int i = 0; i < static_cast<int>(tags.size());) {
      const std::string& t = tags[static_cast<std::size_t>(i)];
      if (t == "O") {
        ++i;
        continue;
      }
      const std::string type = t.substr(2);
      int j = i + 1;
      while (j < static_cast<int>(tags.size()) && tags[static_cast<std::size_t>(j)] == "I-" + type)
        ++j;
      out.emplace_back(s, i, j, type);
      i = j;
    }
  }
  return out;
}

struct Counts {
  long gold = 0, predicted = 0, correct = 0;
};

// Kuhn's augmenting paths over the overlap graph: the size of a maximum matching.
bool augment(std::size_t p, const std::vector<std::vector<std::size_t>>& edges,
             std::vector<int>& gold_of, std::vector<bool>& seen) {
  for (std::size_t g : edges[p]) {
    if (seen[g]) continue;
    seen[g] = true;
    if (gold_of[g] < 0 || augment(static_cast<std::size_t>(gold_of[g]), edges, gold_of, seen)) {
      gold_of[g] = static_cast<int>(p);
      return true;
    }
  }
  return false;
}

// Counts of one type ("" = all types) under exact or partial matching.
Counts chunk_counts(const Corpus& gold, const Corpus& pred, const std::string& type, bool partial) {
  std::vector<Chunk> gs;
  std::vector<Chunk> ps;
  for (const Chunk& c : iob2_chunks(gold))
    if (type.empty() || std::get<3>(c) == type) gs.push_back(c);
  for (const Chunk& c : iob2_chunks(pred))
    if (type.empty() || std::get<3>(c) == type) ps.push_back(c);
  Counts n{static_cast<long>(gs.size()), static_cast<long>(ps.size()), 0};
  if (!partial) {
    std::set<Chunk> g(gs.begin(), gs.end());
    for (const Chunk& p : ps) n.correct += g.count(p) != 0 ? 1 : 0;
    return n;
  }
  std::vector<std::vector<std::size_t>> edges(ps.size());
  for (std::size_t p = 0; p < ps.size(); ++p)
    for (std::size_t g = 0; g < gs.size(); ++g)
      if (std::get<0>(ps[p]) == std::get<0>(gs[g]) && std::get<3>(ps[p]) == std::get<3>(gs[g]) &&
          std::get<1>(ps[p]) < std::get<2>(gs[g]) && std::get<1>(gs[g]) < std::get<2>(ps[p]))
        edges[p].push_back(g);
  std::vector<int> gold_of(gs.size(), -1);
  for (std::size_t p = 0; p < ps.size(); ++p) {
    std::vector<bool> seen(gs.size(), false);
    n.correct += augment(p, edges, gold_of, seen) ? 1 : 0;
  }
  return n;
}

Counts token_counts(const Corpus& gold, const Corpus& pred) {
  Counts n;
  for (std::size_t s = 0; s < gold.sentences.size(); ++s)
    for (std::size_t k = 0; k < gold.sentences[s].tags.size(); ++k) {
      const std::string& g = gold.sentences[s].tags[k];
      const std::string& p = pred.sentences[s].tags[k];
      n.gold += g != "O" ? 1 : 0;
      n.predicted += p != "O" ? 1 : 0;
      n.correct += g != "O" && p != "O" && g.substr(2) == p.substr(2) ? 1 : 0;
    }
  return n;
}

double f1_of(const Counts& n) {  // in percent, from the counts directly: 2 TP / (gold + predicted)
  return n.gold + n.predicted > 0
             ? 200.0 * static_cast<double>(n.correct) / static_cast<double>(n.gold + n.predicted)
             : 0.0;
}

void check_same(const ChunkCounts& c, const Counts& n) {
  check_counts(c, n.gold, n.predicted, n.correct);
  CHECK(c.f1() == doctest::Approx(f1_of(n)));
}

}  // namespace

TEST_CASE("classification: exact, partial and token scores of the example, by hand") {
  EvalInput in = example();
  ClassificationReport r = classification_report(in.gold, in.pred);
  REQUIRE(r.exact.types.size() == 3);

  // Exact: BRCA1, lymphoma, asthma.
  check_counts(r.exact.types.at("Gene"), 3, 2, 1);
  check_counts(r.exact.types.at("Disease"), 5, 6, 2);
  check_counts(r.exact.types.at("Chemical"), 1, 0, 0);
  check_counts(r.exact.micro, 9, 8, 3);
  CHECK(r.exact.types.at("Gene").f1() == doctest::Approx(40.0));           // P 1/2, R 1/3
  CHECK(r.exact.types.at("Disease").f1() == doctest::Approx(400.0 / 11));  // P 1/3, R 2/5
  CHECK(r.exact.micro.f1() == doctest::Approx(600.0 / 17));                // 2*3 / (9+8)
  CHECK(r.exact.macro.precision == doctest::Approx((50.0 + 100.0 / 3) / 3));
  CHECK(r.exact.macro.recall == doctest::Approx((100.0 / 3 + 40.0) / 3));
  CHECK(r.exact.macro.f1 == doctest::Approx((40.0 + 400.0 / 11) / 3));
  CHECK(r.exact.weighted.precision == doctest::Approx((3 * 50.0 + 5 * 100.0 / 3) / 9));
  CHECK(r.exact.weighted.recall == doctest::Approx(100.0 / 3));  // (3 * 1/3 + 5 * 2/5) / 9
  CHECK(r.exact.weighted.f1 == doctest::Approx((3 * 40.0 + 5 * 400.0 / 11) / 9));

  // Partial: Gene BRCA1 + one of TP53/MDM2; Disease cancer, lymphoma, asthma and both in
  // sentence 4; aspirin overlaps only a chunk of another type.
  check_counts(r.partial.types.at("Gene"), 3, 2, 2);
  check_counts(r.partial.types.at("Disease"), 5, 6, 5);
  check_counts(r.partial.types.at("Chemical"), 1, 0, 0);
  check_counts(r.partial.micro, 9, 8, 7);
  CHECK(r.partial.types.at("Gene").f1() == doctest::Approx(80.0));            // P 1, R 2/3
  CHECK(r.partial.types.at("Disease").f1() == doctest::Approx(1000.0 / 11));  // P 5/6, R 1
  CHECK(r.partial.micro.f1() == doctest::Approx(1400.0 / 17));
  CHECK(r.partial.macro.f1 == doctest::Approx((80.0 + 1000.0 / 11) / 3));
  CHECK(r.partial.weighted.f1 == doctest::Approx((3 * 80.0 + 5 * 1000.0 / 11) / 9));

  // Tokens: gold non-O 3+3+2+3 = 11, predicted 2+3+2+3 = 10, same type 2+3+1+3 = 9.
  check_counts(r.token, 11, 10, 9);
  CHECK(r.token.precision() == doctest::Approx(90.0));
  CHECK(r.token.recall() == doctest::Approx(900.0 / 11));
  CHECK(r.token.f1() == doctest::Approx(1800.0 / 21));

  // The exact table is conlleval's count.
  EvalReport e = evaluate(in);
  check_counts(r.exact.micro, e.overall.gold, e.overall.predicted, e.overall.correct);
}

TEST_CASE("classification: the example agrees with the independent computation") {
  EvalInput in = example();
  ClassificationReport r = classification_report(in.gold, in.pred);
  for (bool partial : {false, true}) {
    const MatchTable& t = partial ? r.partial : r.exact;
    check_same(t.micro, chunk_counts(in.gold, in.pred, "", partial));
    for (const auto& [type, c] : t.types)
      check_same(c, chunk_counts(in.gold, in.pred, type, partial));
  }
  check_same(r.token, token_counts(in.gold, in.pred));
}

TEST_CASE("classification: random IOB2 files agree with the independent computation") {
  std::mt19937 rng(11);
  const std::vector<std::string> tags = {"O", "O", "B-X", "I-X", "B-Y", "I-Y"};
  // IOB2-valid sequences (an I- only after B-/I- of its type), so the test's chunker applies.
  auto random_tags = [&](std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      std::string t = tags[rng() % tags.size()];
      if (t[0] == 'I' && (out.empty() || out.back() == "O" || out.back().substr(2) != t.substr(2)))
        t[0] = 'B';
      out.push_back(t);
    }
    return out;
  };
  for (int trial = 0; trial < 300; ++trial) {
    Corpus gold;
    Corpus pred;
    for (int s = 0; s < 4; ++s) {
      Sentence sent;
      const std::size_t n = 1 + rng() % 10;
      sent.tokens.assign(n, "w");
      sent.tags = random_tags(n);
      gold.sentences.push_back(sent);
      sent.tags = random_tags(n);
      pred.sentences.push_back(sent);
    }
    ClassificationReport r = classification_report(gold, pred);
    check_same(r.exact.micro, chunk_counts(gold, pred, "", false));
    check_same(r.partial.micro, chunk_counts(gold, pred, "", true));
    for (const auto& [type, c] : r.partial.types)
      check_same(c, chunk_counts(gold, pred, type, true));
    check_same(r.token, token_counts(gold, pred));
  }
}

TEST_CASE("classification: overlap_matches keeps exact matches and matches each chunk once") {
  const std::vector<Span> gold = {{0, 2, "X"}, {2, 3, "X"}, {4, 5, "Y"}, {6, 8, "X"}};
  const std::vector<Span> pred = {{0, 1, "X"}, {1, 3, "X"}, {4, 5, "X"}, {6, 8, "X"}};
  const std::vector<std::pair<std::size_t, std::size_t>> want = {{0, 0}, {1, 1}, {3, 3}};
  CHECK(overlap_matches(gold, pred) == want);
  CHECK(overlap_matches({}, pred).empty());
  // One gold chunk split in two by the prediction: one partial match, not two.
  const std::vector<std::pair<std::size_t, std::size_t>> first = {{0, 0}};
  CHECK(overlap_matches({{0, 3, "X"}}, {{0, 1, "X"}, {1, 3, "X"}}) == first);
}

TEST_CASE("classification: no chunks at all gives zeros, never NaN") {
  Corpus c;
  c.sentences.push_back(Sentence{{"a", "b"}, {"O", "O"}, 1, 0});
  ClassificationReport r = classification_report(c, c);
  CHECK(r.exact.types.empty());
  CHECK(r.exact.macro.f1 == 0.0);
  CHECK(r.exact.weighted.f1 == 0.0);
  CHECK(r.token.f1() == 0.0);
  CHECK(format_classification_json(r, "").find("null") == std::string::npos);
}

TEST_CASE("classification: text is seqeval's layout with predicted and correct columns") {
  EvalInput in = example();
  const std::string text = format_classification_text(classification_report(in.gold, in.pred));
  CHECK(text ==
        "classification report (seqeval's layout), exact match (conlleval's rule):\n"
        "              precision    recall  f1-score   support predicted   correct\n"
        "\n"
        "    Chemical     0.0000    0.0000    0.0000         1         0         0\n"
        "     Disease     0.3333    0.4000    0.3636         5         6         2\n"
        "        Gene     0.5000    0.3333    0.4000         3         2         1\n"
        "\n"
        "   micro avg     0.3750    0.3333    0.3529         9         8         3\n"
        "   macro avg     0.2778    0.2444    0.2545         9         8         3\n"
        "weighted avg     0.3519    0.3333    0.3354         9         8         3\n"
        "\n"
        "partial match: a predicted chunk overlapping a gold chunk of its type, one to one:\n"
        "              precision    recall  f1-score   support predicted   correct\n"
        "\n"
        "    Chemical     0.0000    0.0000    0.0000         1         0         0\n"
        "     Disease     0.8333    1.0000    0.9091         5         6         5\n"
        "        Gene     1.0000    0.6667    0.8000         3         2         2\n"
        "\n"
        "   micro avg     0.8750    0.7778    0.8235         9         8         7\n"
        "   macro avg     0.6111    0.5556    0.5697         9         8         7\n"
        "weighted avg     0.7963    0.7778    0.7717         9         8         7\n"
        "\n"
        "token level without O (the type of each token's tag):\n"
        "              precision    recall  f1-score   support predicted   correct\n"
        "\n"
        "      tokens     0.9000    0.8182    0.8571        11        10         9\n");
}

TEST_CASE("classification: format_report puts it after conlleval's lines, in every format") {
  EvalInput in = example();
  const EvalReport e = evaluate(in);
  const ClassificationReport c = classification_report(in.gold, in.pred);
  const std::string conlleval = format_report(e, ReportFormat::Text);
  CHECK(format_report(e, ReportFormat::Text, nullptr, &c) ==
        conlleval + "\n" + format_classification_text(c));
  CHECK(format_report(e, ReportFormat::Markdown, nullptr, &c)
            .find("| Disease | 33.33 | 40.00 | 36.36 | "
                  "83.33 | 100.00 | 90.91 | 5 | 6 | 2 | 5 |") != std::string::npos);
  const std::string json = format_report(e, ReportFormat::Json, nullptr, &c);
  CHECK(json.find(
            "\"classification\": {\n    \"exact\": {\n      \"types\": {\n        \"Chemical\": "
            "{\"precision\": 0, \"recall\": 0, \"f1\": 0, \"support\": 1, \"predicted\": 0, "
            "\"correct\": 0},") != std::string::npos);
  CHECK(json.find("\"token\": {\"precision\": 90, ") != std::string::npos);
}
