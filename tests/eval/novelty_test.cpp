// Seen/unseen split: a hand-computed case (case-insensitive, type-sensitive, IOBES training file,
// a wrong-boundary prediction), the property that the two parts add up to evaluate()'s counts on
// random tag sequences, and the three report formats.
#include "eval/novelty.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "eval/eval_input.h"
#include "eval/report.h"

using namespace medner;

namespace {

Corpus corpus(const std::string& text, const std::string& name) { return read_conll_text(text, name); }

// Training: "Lung cancer" as Disease (IOBES), "aspirin" as Chemical, "cancer" as Chemical only.
const char* kTrain =
    "Lung\tB-Disease\ncancer\tE-Disease\nand\tO\naspirin\tS-Chemical\n\n"
    "cancer\tS-Chemical\n\n";

// Test gold, 4 chunks: "lung CANCER" Disease (seen: case differs), "cancer" Disease (unseen: the
// training file has it only as Chemical), "Aspirin" Chemical (seen), "ibuprofen" Chemical
// (unseen). Predictions: lung CANCER right (seen), "cancer" wrong boundary "cancer risk" (unseen,
// wrong), Aspirin right (seen), ibuprofen missed, "risk" predicted as Disease (unseen, wrong).
const char* kGold =
    "lung\tB-Disease\nCANCER\tI-Disease\nand\tO\ncancer\tB-Disease\nrisk\tO\n\n"
    "Aspirin\tB-Chemical\nor\tO\nibuprofen\tB-Chemical\n\n"
    "no\tO\nrisk\tO\n\n";
const char* kPred =
    "lung\tB-Disease\nCANCER\tI-Disease\nand\tO\ncancer\tB-Disease\nrisk\tI-Disease\n\n"
    "Aspirin\tB-Chemical\nor\tO\nibuprofen\tO\n\n"
    "no\tO\nrisk\tB-Disease\n\n";

void check_counts(const ChunkCounts& c, long gold, long predicted, long correct) {
  CHECK(c.gold == gold);
  CHECK(c.predicted == predicted);
  CHECK(c.correct == correct);
}

}  // namespace

TEST_CASE("TrainMentions: keys are lower-cased, space-joined, per type") {
  TrainMentions train(corpus(kTrain, "train.tsv"));
  CHECK(train.path() == "train.tsv");
  CHECK(train.distinct() == 3);
  CHECK(train.contains("Disease", "lung cancer"));
  CHECK(train.contains("Chemical", "aspirin"));
  CHECK(train.contains("Chemical", "cancer"));
  CHECK_FALSE(train.contains("Disease", "cancer"));
  CHECK_FALSE(train.contains("Disease", "Lung cancer"));  // keys are lower-cased on both sides
  CHECK(TrainMentions::key({"a", "Lung", "CANCER", "b"}, 1, 3) == "lung cancer");
}

TEST_CASE("novelty_report: hand-computed split") {
  TrainMentions train(corpus(kTrain, "train.tsv"));
  NoveltyReport r = novelty_report(corpus(kGold, "gold"), corpus(kPred, "pred"), train);
  CHECK(r.train_path == "train.tsv");
  CHECK(r.train_mentions == 3);
  // seen: gold {lung CANCER, Aspirin}, predicted {lung CANCER, Aspirin}, both correct.
  check_counts(r.overall.seen, 2, 2, 2);
  // unseen: gold {cancer, ibuprofen}; predicted {cancer risk, risk}; none correct.
  check_counts(r.overall.unseen, 2, 2, 0);
  REQUIRE(r.types.size() == 2);
  check_counts(r.types.at("Disease").seen, 1, 1, 1);
  check_counts(r.types.at("Disease").unseen, 1, 2, 0);
  check_counts(r.types.at("Chemical").seen, 1, 1, 1);
  check_counts(r.types.at("Chemical").unseen, 1, 0, 0);
  CHECK(r.overall.seen.f1() == doctest::Approx(100.0));
  CHECK(r.overall.unseen.f1() == doctest::Approx(0.0));
}

TEST_CASE("novelty_report: misaligned files are an InputError") {
  TrainMentions train(corpus(kTrain, "train.tsv"));
  CHECK_THROWS_AS(novelty_report(corpus(kGold, "gold"), corpus("lung\tO\n\n", "pred"), train),
                  InputError);
}

TEST_CASE("novelty_report: seen + unseen equals evaluate() on random sequences") {
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"a", "B", "c", "D"};
  const std::vector<std::string> tags = {"O", "B-X", "I-X", "B-Y", "I-Y", "S-X", "E-Y"};
  auto random_corpus = [&](int sentences, const std::string& name) {
    Corpus c;
    c.path = name;
    for (int s = 0; s < sentences; ++s) {
      Sentence sent;
      int n = 1 + static_cast<int>(rng() % 8);
      for (int i = 0; i < n; ++i) {
        sent.tokens.push_back(words[rng() % words.size()]);
        sent.tags.push_back(tags[rng() % tags.size()]);
      }
      c.sentences.push_back(sent);
    }
    return c;
  };
  for (int trial = 0; trial < 200; ++trial) {
    TrainMentions train(random_corpus(5, "train"));
    Corpus gold = random_corpus(6, "gold");
    Corpus pred = gold;
    for (Sentence& s : pred.sentences)
      for (std::string& t : s.tags)
        if (rng() % 3 == 0) t = tags[rng() % tags.size()];
    EvalReport e = evaluate(gold, pred);
    NoveltyReport n = novelty_report(gold, pred, train);
    CHECK(n.overall.seen.gold + n.overall.unseen.gold == e.overall.gold);
    CHECK(n.overall.seen.predicted + n.overall.unseen.predicted == e.overall.predicted);
    CHECK(n.overall.seen.correct + n.overall.unseen.correct == e.overall.correct);
    for (const auto& [type, split] : n.types) {
      const ChunkCounts& c = e.types.at(type);
      CHECK(split.seen.gold + split.unseen.gold == c.gold);
      CHECK(split.seen.predicted + split.unseen.predicted == c.predicted);
      CHECK(split.seen.correct + split.unseen.correct == c.correct);
    }
    CHECK(n.types.size() == e.types.size());
  }
}

TEST_CASE("format_report with a novelty split: text, markdown and JSON") {
  TrainMentions train(corpus(kTrain, "train.tsv"));
  Corpus gold = corpus(kGold, "gold");
  Corpus pred = corpus(kPred, "pred");
  EvalReport e = evaluate(gold, pred);
  NoveltyReport n = novelty_report(gold, pred, train);

  std::string text = format_report(e, ReportFormat::Text, &n);
  CHECK(text.rfind(format_report(e, ReportFormat::Text), 0) == 0);  // conlleval's lines first
  CHECK(text.find("mentions seen in training (train.tsv: 3 distinct) and unseen:\n") !=
        std::string::npos);
  CHECK(text.find("             seen: gold 2 (50.00%); precision: 100.00%; recall: 100.00%; "
                  "FB1: 100.00  2\n") != std::string::npos);
  CHECK(text.find("           unseen: gold 2 (50.00%); precision:   0.00%; recall:   0.00%; "
                  "FB1:   0.00  2\n") != std::string::npos);
  CHECK(text.find("  Chemical unseen: gold 1 (50.00%); precision:   0.00%; recall:   0.00%; "
                  "FB1:   0.00  0\n") != std::string::npos);

  std::string md = format_report(e, ReportFormat::Markdown, &n);
  CHECK(md.find("| Disease | unseen | 0.00 | 0.00 | 0.00 | 1 | 2 | 0 |\n") != std::string::npos);
  CHECK(md.find("| **all (micro)** | seen | 100.00 | 100.00 | 100.00 | 2 | 2 | 2 |\n") !=
        std::string::npos);

  std::string json = format_report(e, ReportFormat::Json, &n);
  CHECK(json.find("\"novelty\": {\n    \"train\": \"train.tsv\",\n    \"train_mentions\": 3,") !=
        std::string::npos);
  CHECK(json.find("\"Chemical\": {\"seen\": {\"precision\": 100, \"recall\": 100, \"f1\": 100, "
                  "\"gold\": 1, \"predicted\": 1, \"correct\": 1}") != std::string::npos);
  CHECK(json.rfind("\n}\n") == json.size() - 3);
  // Without a split the JSON has no "novelty" member.
  CHECK(format_report(e, ReportFormat::Json).find("novelty") == std::string::npos);
}
