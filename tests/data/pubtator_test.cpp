// PubTator: the line grammar and its errors, the alignment of mentions to the project's tokens
// (multi-byte text, a mention inside a token, adjacent mentions, title and abstract, a mention
// across their join, overlapping mentions), and the round trip CoNLL -> PubTator -> CoNLL.
#include "data/pubtator.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/corpus_format.h"

using namespace medner;

namespace {

using Strings = std::vector<std::string>;

// Offsets (code points): Naïve 0-5, β 6, - 7, blocker 8-15, BRCA1 24-29, - 29, associated 30-40,
// breast 41-47 | abstract from 48: cancer 48-54, Zürich 58-64, Doxorubicin 66-77, cisplatin
// 78-87, Parkinsonism 100-112.
const char* kDocs =
    "1|t|Naïve β-blocker use and BRCA1-associated breast\n"
    "1|a|cancer in Zürich. Doxorubicin cisplatin therapy and Parkinsonism were studied.\n"
    "1\t6\t15\tβ-blocker\tChemical\tD000319\n"
    "1\t24\t29\tBRCA1\tGene\n"
    "1\t41\t54\tbreast cancer\tDisease\n"
    "1\t66\t77\tDoxorubicin\tChemical\n"
    "1\t78\t87\tcisplatin\tChemical\n"
    "1\t100\t109\tParkinson\tDisease\n"
    "1\tCID\tD000319\tD001943\n"
    "\n"
    "22|t|Lithium toxicity\r\n"
    "22|a|\r\n"
    "22\t0\t7\tLithium\tChemical\n"
    "22\t0\t16\tLithium toxicity\tDisease\n";

std::string read_error(const std::string& text) {
  try {
    read_pubtator_text(text, "d.pubtator");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("pubtator: documents, mentions with and without ids, relation lines skipped") {
  const std::vector<PubTatorDocument> docs = read_pubtator_text(kDocs, "d.pubtator");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].pmid == "1");
  CHECK(docs[0].line == 1);
  CHECK(docs[0].mentions.size() == 6);
  CHECK(docs[0].mentions[0].id == "D000319");
  CHECK(docs[0].mentions[0].line == 3);
  CHECK(docs[0].mentions[1].id.empty());
  CHECK(docs[1].pmid == "22");
  CHECK(docs[1].abstract.empty());
  CHECK(docs[1].text() == "Lithium toxicity ");
}

TEST_CASE("pubtator: mentions aligned to tokens; the others counted and named, never stretched") {
  PubTatorAlignment al;
  const Corpus c = pubtator_corpus(read_pubtator_text(kDocs, "d.pubtator"), "d.pubtator", &al);
  REQUIRE(c.sentences.size() == 4);
  // The title is a sentence of its own; "BRCA1" is a token of "BRCA1-associated".
  CHECK(c.sentences[0].tokens == Strings{"Naïve", "β", "-", "blocker", "use", "and", "BRCA1", "-", "associated", "breast"});
  CHECK(c.sentences[0].tags == Strings{"O", "B-Chemical", "I-Chemical", "I-Chemical", "O", "O", "B-Gene", "O", "O", "O"});
  // "breast cancer" crosses the title/abstract join: left out, so "cancer" stays O.
  CHECK(c.sentences[1].tokens == Strings{"cancer", "in", "Zürich", "."});
  CHECK(c.sentences[1].tags == Strings{"O", "O", "O", "O"});
  // Adjacent mentions of one type stay two chunks; "Parkinson" inside "Parkinsonism" is left out.
  CHECK(c.sentences[2].tags == Strings{"B-Chemical", "B-Chemical", "O", "O", "O", "O", "O", "O"});
  // Overlapping mentions: the longer one, taken first, is kept.
  CHECK(c.sentences[3].tokens == Strings{"Lithium", "toxicity"});
  CHECK(c.sentences[3].tags == Strings{"B-Disease", "I-Disease"});
  for (const Sentence& s : c.sentences) CHECK(s.one_line);
  CHECK(c.sentences[2].document == 0);
  CHECK(c.sentences[3].document == 1);
  CHECK(c.sentences[3].line == 11);
  CHECK(c.document_names == Strings{"1", "22"});
  CHECK(al.mentions == 8);
  CHECK(al.off_boundary == 2);
  CHECK(al.overlapping == 1);
  CHECK(al.dropped == Strings{"d.pubtator:5: mention 41-54 'breast cancer' (Disease): crosses a sentence boundary",
                              "d.pubtator:8: mention 100-109 'Parkinson' (Disease): does not start and end at token "
                              "boundaries",
                              "d.pubtator:13: mention 0-7 'Lithium' (Chemical): overlaps a mention tagged before it"});
  std::ostringstream log;
  read_pubtator_corpus(kDocs, "d.pubtator", &log);
  CHECK(log.str().find("warning: d.pubtator: 3 of 8 mentions not tagged (2 not on token boundaries or across "
                       "sentences, 1 overlapping another)") != std::string::npos);
}

TEST_CASE("pubtator: bad lines get path:line errors") {
  const std::string head = "7|t|Aspirin and asthma\n7|a|Rare.\n";  // text: 24 code points
  CHECK(read_error(head + "7\t0\t30\tAspirin\tChemical\n") ==
        "d.pubtator:3: offset 30 is past the end of the text (24 characters: title, space, abstract)");
  CHECK(read_error(head + "7\t0\t7\tAspirim\tChemical\n") ==
        "d.pubtator:3: mention 'Aspirim' differs from the text at 0-7, 'Aspirin'");
  CHECK(read_error(head + "8\t0\t7\tAspirin\tChemical\n") ==
        "d.pubtator:3: expected a mention of PMID 7, found PMID '8'");
  CHECK(read_error(head + "7\t7\t7\tAspirin\tChemical\n") == "d.pubtator:3: expected start < end, found 7 >= 7");
  // A byte-order mark opens a file only; one before a later PMID would not survive a write and read.
  CHECK(read_error("\xEF\xBB\xBF" + head) == "(no error)");
  CHECK(read_error("\xEF\xBB\xBF\xEF\xBB\xBF" + head) ==
        "d.pubtator:1: expected a PMID before '|t|', found a byte-order mark (U+FEFF) in front of it");
  CHECK(read_error(head + "7\tx\t7\tAspirin\tChemical\n") == "(no error)");  // a relation line
  CHECK(read_error(head + "7\t0\tx\tAspirin\tChemical\n") ==
        "d.pubtator:3: expected the end offset (a number), found 'x'");
  CHECK(read_error(head + "7\t0\t7\tAspirin\n") ==
        "d.pubtator:3: expected 5 or more tab-separated columns (PMID, start, end, mention, type[, id]), found 4");
  CHECK(read_error(head + "just text\n") ==
        "d.pubtator:3: expected 'PMID|t|title', 'PMID|a|abstract' or a tab-separated mention line, found 'just text'");
  CHECK(read_error("7\t0\t7\tAspirin\tChemical\n") ==
        "d.pubtator:1: expected a mention of PMID (no title line yet), found PMID '7'");
  CHECK(read_error("7|a|Rare.\n") ==
        "d.pubtator:1: expected 'PMID|a|abstract' right after the title line of PMID (none yet), found one for PMID '7'");
  CHECK(read_error("\n") == "d.pubtator:1: no documents; expected 'PMID|t|title' and 'PMID|a|abstract' lines");
  CHECK(read_error(head + "7\t0\t7\tAspirin\tbad type\n") ==
        "d.pubtator:3: expected a type without whitespace, found 'bad type'");
}

TEST_CASE("pubtator: CoNLL -> PubTator -> CoNLL reproduces the file") {
  const std::string conll =
      "-DOCSTART-\tO\n\n"
      "Aspirin\tB-Chemical\ninduced\tO\nasthma\tB-Disease\nin\tO\nZürich\tO\n\n"
      "Patients\tO\ngiven\tO\nβ\tB-Chemical\n-\tI-Chemical\nblockers\tI-Chemical\nimproved\tO\n.\tO\n\n"
      "Doxorubicin\tB-Chemical\ncisplatin\tB-Chemical\ntoxicity\tO\n.\tO\n\n"
      "-DOCSTART-\tO\n\n"
      "Lithium\tB-Chemical\ntoxicity\tB-Disease\n\n";
  std::ostringstream pubtator;
  write_corpus(pubtator, read_corpus_text(conll, "in.tsv", CorpusFormat::Conll), CorpusFormat::PubTator);
  CHECK(pubtator.str() ==
        "1|t|Aspirin induced asthma in Zürich\n"
        "1|a|Patients given β - blockers improved . Doxorubicin cisplatin toxicity .\n"
        "1\t0\t7\tAspirin\tChemical\n"
        "1\t16\t22\tasthma\tDisease\n"
        "1\t48\t60\tβ - blockers\tChemical\n"
        "1\t72\t83\tDoxorubicin\tChemical\n"
        "1\t84\t93\tcisplatin\tChemical\n"
        "\n"
        "2|t|Lithium toxicity\n"
        "2|a|\n"
        "2\t0\t7\tLithium\tChemical\n"
        "2\t8\t16\ttoxicity\tDisease\n"
        "\n");
  std::ostringstream back;
  std::ostringstream log;
  const Corpus mid = read_corpus_text(pubtator.str(), "mid.pubtator", CorpusFormat::PubTator, {{}, &log});
  write_corpus(back, mid, CorpusFormat::Conll, {}, true);
  CHECK(back.str() == conll);
  CHECK(log.str().empty());
  // PubTator -> PubTator keeps the PMIDs.
  std::ostringstream again;
  write_corpus(again, read_corpus_text(kDocs, "d.pubtator", CorpusFormat::PubTator), CorpusFormat::PubTator);
  CHECK(again.str().rfind("1|t|Naïve β - blocker use and BRCA1 - associated breast\n", 0) == 0);
  CHECK(again.str().find("\n22|t|Lithium toxicity\n") != std::string::npos);
}
