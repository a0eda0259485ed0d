// --errors: the false positives and negatives of a hand-written case, grouped by type and by
// mentions seen / unseen in a training file, with what the other side has on the same tokens;
// their numbers equal the report's (predicted - correct, gold - correct) on random files; both
// layouts.
#include "eval/error_list.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "eval/eval_input.h"
#include "eval/metrics.h"
#include "eval/novelty.h"

using namespace medner;

namespace {

// Lines 1-6, 8-12, 14-16, 18-20 (as in classification_test.cpp).
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

// Seen: "Breast cancer" (Disease; compared lower-cased) and TP53 (Gene).
const char* kTrain = "Breast\tB-Disease\ncancer\tI-Disease\nTP53\tB-Gene\n\n";

std::vector<std::string> texts(const Corpus& gold, const std::vector<ChunkError>& errors) {
  std::vector<std::string> out;
  for (const ChunkError& e : errors) {
    std::string t;
    for (int i = e.chunk.begin; i < e.chunk.end; ++i)
      t += (i > e.chunk.begin ? " " : "") +
           gold.sentences[e.sentence].tokens[static_cast<std::size_t>(i)];
    out.push_back(t);
  }
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("errors: grouped by type and seen / unseen, by hand") {
  EvalInput in = read_conlleval_text(kExample, "example.txt");
  TrainMentions train(read_conll_text(kTrain, "train.tsv"));
  std::vector<ErrorGroup> g = collect_errors(in.gold, in.pred, &train);
  REQUIRE(g.size() == 5);
  CHECK(g[0].type == "Chemical");
  CHECK(g[0].part == ErrorPart::Unseen);
  CHECK(texts(in.gold, g[0].false_positives).empty());
  CHECK(texts(in.gold, g[0].false_negatives) == Strings{"aspirin"});
  CHECK(g[1].type == "Disease");
  CHECK(g[1].part == ErrorPart::Seen);
  CHECK(texts(in.gold, g[1].false_negatives) == Strings{"breast cancer"});
  CHECK(g[2].part == ErrorPart::Unseen);
  CHECK(texts(in.gold, g[2].false_positives) ==
        Strings{"cancer", "aspirin", "renal", "failure nephropathy"});
  CHECK(texts(in.gold, g[2].false_negatives) == Strings{"renal failure", "nephropathy"});
  CHECK(g[3].type == "Gene");
  CHECK(g[3].part == ErrorPart::Seen);
  CHECK(texts(in.gold, g[3].false_negatives) == Strings{"TP53"});
  CHECK(g[4].part == ErrorPart::Unseen);
  CHECK(texts(in.gold, g[4].false_positives) == Strings{"TP53 MDM2"});
  CHECK(texts(in.gold, g[4].false_negatives) == Strings{"MDM2"});
  // What the other side has there: both gold genes under the merged prediction.
  REQUIRE(g[4].false_positives[0].other.size() == 2);
  CHECK(g[4].false_positives[0].other[1] == (Span{1, 2, "Gene"}));

  // Without a training file: one group per type.
  std::vector<ErrorGroup> all = collect_errors(in.gold, in.pred, nullptr);
  REQUIRE(all.size() == 3);
  CHECK(all[1].part == ErrorPart::All);
  CHECK(all[1].false_positives.size() == 4);
  CHECK(all[1].false_negatives.size() == 3);
}

TEST_CASE("errors: the text layout") {
  EvalInput in = read_conlleval_text(kExample, "example.txt");
  TrainMentions train(read_conll_text(kTrain, "train.tsv"));
  const std::string text =
      format_errors(collect_errors(in.gold, in.pred, &train), in.gold, &train, ReportFormat::Text);
  CHECK(
      text.rfind(
          "false positives (FP: predicted, no gold chunk with the same tokens and type) and false "
          "negatives (FN: gold, not predicted so) of example.txt, by mentions seen and unseen in "
          "train.tsv; [ ] marks the chunk\n",
          0) == 0);
  CHECK(text.find("\nGene unseen: 1 false positive, 1 false negative\n"
                  "FP example.txt:8 \"TP53 MDM2\" (gold there: Gene \"TP53\", Gene \"MDM2\")\n"
                  "    [TP53 MDM2] binding in lymphoma\n"
                  "FN example.txt:9 \"MDM2\" (predicted there: Gene \"TP53 MDM2\")\n"
                  "    TP53 [MDM2] binding in lymphoma\n") != std::string::npos);
  CHECK(text.find("\nChemical unseen: 0 false positives, 1 false negative\n"
                  "FN example.txt:14 \"aspirin\" (predicted there: Disease \"aspirin\")\n"
                  "    [aspirin] induced asthma\n") != std::string::npos);
  CHECK(text.find("FP example.txt:5 \"cancer\" (gold there: Disease \"breast cancer\")\n"
                  "    BRCA1 mutations cause breast [cancer] .\n") != std::string::npos);
}

TEST_CASE("errors: the JSON layout") {
  EvalInput in = read_conlleval_text(kExample, "example.txt");
  const std::string json = format_errors(collect_errors(in.gold, in.pred, nullptr), in.gold,
                                         nullptr, ReportFormat::Json);
  CHECK(
      json.rfind(
          "{\n  \"gold\": \"example.txt\",\n  \"train\": null,\n  \"groups\": [\n"
          "    {\"type\": \"Chemical\", \"mentions\": \"all\",\n"
          "      \"false_positives\": [],\n"
          "      \"false_negatives\": [\n"
          "        {\"text\": \"aspirin\", \"sentence\": 3, \"line\": 14, \"begin\": 0, \"end\": "
          "1, "
          "\"other\": [{\"type\": \"Disease\", \"text\": \"aspirin\", \"begin\": 0, \"end\": 1}], "
          "\"tokens\": [\"aspirin\", \"induced\", \"asthma\"]}\n"
          "      ]},\n",
          0) == 0);
  const std::string end = "      ]}\n  ]\n}\n";
  CHECK(json.compare(json.size() - end.size(), end.size(), end) == 0);
}

TEST_CASE("errors: their numbers are the report's on random files") {
  std::mt19937 rng(5);
  const std::vector<std::string> tags = {"O", "B-X", "I-X", "B-Y", "I-Y", "S-X", "E-Y"};
  for (int trial = 0; trial < 200; ++trial) {
    Corpus gold;
    Corpus pred;
    for (int s = 0; s < 4; ++s) {
      Sentence sent;
      const std::size_t n = 1 + rng() % 9;
      sent.tokens.assign(n, "w");
      for (std::size_t i = 0; i < n; ++i) sent.tags.push_back(tags[rng() % tags.size()]);
      gold.sentences.push_back(sent);
      for (std::string& t : sent.tags)
        if (rng() % 2 == 0) t = tags[rng() % tags.size()];
      pred.sentences.push_back(sent);
    }
    const EvalReport e = evaluate(gold, pred);
    long fp = 0;
    long fn = 0;
    for (const ErrorGroup& g : collect_errors(gold, pred, nullptr)) {
      fp += static_cast<long>(g.false_positives.size());
      fn += static_cast<long>(g.false_negatives.size());
      const ChunkCounts& c = e.types.at(g.type);
      CHECK(static_cast<long>(g.false_positives.size()) == c.predicted - c.correct);
      CHECK(static_cast<long>(g.false_negatives.size()) == c.gold - c.correct);
    }
    CHECK(fp == e.overall.predicted - e.overall.correct);
    CHECK(fn == e.overall.gold - e.overall.correct);
  }
}
