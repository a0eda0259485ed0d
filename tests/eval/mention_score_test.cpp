// Mention-level scores of PubTator files (BioCreative CDR): exact (PMID, start, end, type)
// matches, per type and micro, checked against counts worked out by hand; every format.
#include "eval/mention_score.h"

#include <doctest/doctest.h>

#include <string>

#include "core/error.h"

using namespace medner;

namespace {

const char* kGold =
    "1|t|Aspirin induced asthma\n1|a|Lithium toxicity and asthma.\n"
    "1\t0\t7\tAspirin\tChemical\n1\t16\t22\tasthma\tDisease\n1\t23\t30\tLithium\tChemical\n"
    "1\t23\t39\tLithium toxicity\tDisease\n1\t44\t50\tasthma\tDisease\n\n"
    "2|t|Nothing here\n2|a|\n\n"
    "3|t|Cisplatin\n3|a|\n3\t0\t9\tCisplatin\tChemical\n";

// Doc 1: Aspirin right; asthma 16-22 right; "Lithium toxicity" as Chemical (wrong type) and
// "toxicity" 31-39 Disease (wrong span); asthma 44-50 missed; a duplicate line counts once.
// Doc 2: one false positive. Doc 3: not predicted at all (its mention missed).
const char* kPred =
    "1|t|Aspirin induced asthma\n1|a|Lithium toxicity and asthma.\n"
    "1\t0\t7\tAspirin\tChemical\n1\t0\t7\tAspirin\tChemical\n1\t16\t22\tasthma\tDisease\n"
    "1\t23\t39\tLithium toxicity\tChemical\n1\t31\t39\ttoxicity\tDisease\n\n"
    "2|t|Nothing here\n2|a|\n2\t0\t7\tNothing\tDisease\n";

}  // namespace

TEST_CASE("mention scores: exact offsets and type, per type and micro, against hand counts") {
  const MentionScores m = score_mentions(read_pubtator_text(kGold, "g.pubtator"),
                                         read_pubtator_text(kPred, "p.pubtator"), "g.pubtator", "p.pubtator");
  CHECK(m.documents == 3);
  // Chemical: gold Aspirin, Lithium, Cisplatin (3); predicted Aspirin, Lithium toxicity (2); 1 right.
  CHECK(m.types.at("Chemical").gold == 3);
  CHECK(m.types.at("Chemical").predicted == 2);
  CHECK(m.types.at("Chemical").correct == 1);
  // Disease: gold asthma, Lithium toxicity, asthma (3); predicted asthma, toxicity, Nothing (3); 1 right.
  CHECK(m.types.at("Disease").gold == 3);
  CHECK(m.types.at("Disease").predicted == 3);
  CHECK(m.types.at("Disease").correct == 1);
  CHECK(m.overall.gold == 6);
  CHECK(m.overall.predicted == 5);
  CHECK(m.overall.correct == 2);
  CHECK(m.overall.precision() == doctest::Approx(40.0));
  CHECK(m.overall.recall() == doctest::Approx(100.0 / 3));
  CHECK(m.overall.f1() == doctest::Approx(2 * 40.0 * (100.0 / 3) / (40.0 + 100.0 / 3)));
  const std::string text = format_mention_scores(m, ReportFormat::Text);
  CHECK(text.find("all (micro): precision:  40.00%; recall:  33.33%; FB1:  36.36  (2 correct, 5 predicted, 6 gold)") !=
        std::string::npos);
  CHECK(format_mention_scores(m, ReportFormat::Markdown).find("| **all (micro)** | 40.00 | 33.33 | 36.36 | 2 | 5 | 6 |") !=
        std::string::npos);
  CHECK(format_mention_scores(m, ReportFormat::Json).find("\"documents\": 3") != std::string::npos);
}

TEST_CASE("mention scores: a predicted document the gold file lacks is an error") {
  CHECK_THROWS_WITH_AS(score_mentions(read_pubtator_text(kGold, "g.pubtator"),
                                      read_pubtator_text("9|t|x\n9|a|\n", "p.pubtator"), "g.pubtator", "p.pubtator"),
                       "p.pubtator:1: PMID '9' is not a document of g.pubtator", InputError);
}
