// BioC JSON: passages at their offsets, the PubTator alignment rules (a mention inside a token,
// across passages, discontinuous annotations), errors naming document, passage and annotation,
// and the round trip CoNLL -> BioC -> CoNLL.
#include "data/bioc_json.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/corpus_format.h"

using namespace medner;

namespace {

using Strings = std::vector<std::string>;

std::string annotation(const char* id, const char* type, const char* text, int offset, int length) {
  return std::string("{\"id\": \"") + id + "\", \"infons\": {\"type\": \"" + type + "\"}, \"text\": \"" + text +
         "\", \"locations\": [{\"offset\": " + std::to_string(offset) + ", \"length\": " + std::to_string(length) +
         "}]}";
}

// Title "Naïve β-blocker use" (0-19), abstract at 20 "Parkinsonism in Zürich." (20-43), a third
// passage at 50 "BRCA1-associated tumours" (BRCA1 50-55, tumours 67-74).
std::string collection(const std::string& extra_annotation = "") {
  return "{\"source\": \"x\", \"documents\": [{\"id\": \"17\", \"passages\": [\n"
         "{\"offset\": 0, \"infons\": {\"type\": \"title\"}, \"text\": \"Naïve β-blocker use\", \"annotations\": [" +
         annotation("1", "Chemical", "β-blocker", 6, 9) + "]},\n" +
         "{\"offset\": 20, \"text\": \"Parkinsonism in Zürich.\", \"annotations\": [" +
         annotation("2", "Disease", "Parkinson", 20, 9) + "]},\n" +
         "{\"offset\": 50, \"text\": \"BRCA1-associated tumours\", \"annotations\": [" +
         annotation("3", "Gene", "BRCA1", 50, 5) + ", " + annotation("4", "Disease", "tumours", 67, 7) +
         ", {\"id\": \"5\", \"infons\": {\"type\": \"Disease\"}, \"text\": \"BRCA1 tumours\", \"locations\": "
         "[{\"offset\": 50, \"length\": 5}, {\"offset\": 67, \"length\": 7}]}" +
         extra_annotation + "]}]}]}\n";
}

std::string read_error(const std::string& text) {
  try {
    read_bioc_json_text(text, "c.bioc.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("bioc json: passages tokenized apart, mentions aligned by the PubTator rules") {
  PubTatorAlignment al;
  const Corpus c = annotated_corpus(read_bioc_json_text(collection(), "c.bioc.json"), "c.bioc.json", &al);
  REQUIRE(c.sentences.size() == 3);
  CHECK(c.sentences[0].tags == Strings{"O", "B-Chemical", "I-Chemical", "I-Chemical", "O"});
  CHECK(c.sentences[1].tokens == Strings{"Parkinsonism", "in", "Zürich", "."});
  CHECK(c.sentences[1].tags == Strings{"O", "O", "O", "O"});
  CHECK(c.sentences[2].tags == Strings{"B-Gene", "O", "O", "B-Disease"});
  CHECK(c.document_names == Strings{"17"});
  CHECK(al.mentions == 5);
  CHECK(al.off_boundary == 1);
  CHECK(al.discontinuous == 1);
  CHECK(al.dropped == Strings{"c.bioc.json: document 1 '17', passage 2, annotation '2': mention 20-29 'Parkinson' "
                              "(Disease): does not start and end at token boundaries",
                              "c.bioc.json: document 1 '17', passage 3, annotation '5': mention 50-74 'BRCA1 "
                              "tumours' (Disease): has several locations (discontinuous)"});
}

TEST_CASE("bioc json: errors name the document, passage and annotation") {
  CHECK(read_error(collection(", " + annotation("6", "Disease", "tumours", 70, 7))) ==
        "c.bioc.json: document 1 '17', passage 3, annotation '6', location 1: offsets 70 (length 7) are outside its passage "
        "(50-74)");
  CHECK(read_error(collection(", " + annotation("7", "Disease", "tumors", 67, 7))) ==
        "c.bioc.json: document 1 '17', passage 3, annotation '7': text 'tumors' differs from the text at 67-74, "
        "'tumours'");
  CHECK(read_error("{\"collection\": []}") == "c.bioc.json: expected \"documents\" (a list of documents), found none");
  CHECK(read_error("{\"documents\": [{\"id\": \"1\", \"passages\": [{\"offset\": 0}]}]}") ==
        "c.bioc.json: document 1 '1', passage 1: expected \"text\" (a string; sentence-level BioC is not read), "
        "found none");
  CHECK(read_error("{\"documents\": [\n{\"id\": 1,,}]}") ==
        "c.bioc.json:2: expected a BioC JSON collection, found invalid JSON (byte 26)");
  // fuzz_formats: a number too large for a double is not a parse_error in nlohmann-json.
  CHECK(read_error("{\"documents\": [1e999]}") ==
        "c.bioc.json: expected a BioC JSON collection, found invalid JSON (a number out of range)");
  CHECK(read_error("{\"documents\": [{\"id\": \"1\", \"passages\": [{\"offset\": 5, \"text\": \"ab\"}, {\"offset\": 6, "
                   "\"text\": \"c\"}]}]}") ==
        "c.bioc.json: document 1 '1', passage 2: offset 6 is before the end of the passage before it (7)");
}

TEST_CASE("bioc json: ids PubTator cannot carry become document numbers in PubTator output") {
  std::ostringstream out;
  write_corpus(out,
               read_corpus_text("{\"documents\": [{\"id\": \"a|b\", \"passages\": [{\"offset\": 0, \"text\": \"x\"}]}, "
                                "{\"id\": \"\", \"passages\": [{\"offset\": 0, \"text\": \"y\"}]}, {\"id\": \"PMC7\", "
                                "\"passages\": [{\"offset\": 0, \"text\": \"z\"}]}]}",
                                "ids.bioc.json", CorpusFormat::Bioc),
               CorpusFormat::PubTator);
  CHECK(out.str() == "1|t|x\n1|a|\n\n2|t|y\n2|a|\n\nPMC7|t|z\nPMC7|a|\n\n");
}

TEST_CASE("bioc json: CoNLL -> BioC -> CoNLL reproduces the file") {
  const std::string conll =
      "-DOCSTART-\tO\n\n"
      "Aspirin\tB-Chemical\ninduced\tO\nasthma\tB-Disease\nin\tO\nZürich\tO\n\n"
      "Patients\tO\ngiven\tO\nβ\tB-Chemical\n-\tI-Chemical\nblockers\tI-Chemical\nimproved\tO\n.\tO\n\n"
      "-DOCSTART-\tO\n\n"
      "Lithium\tB-Chemical\ntoxicity\tB-Disease\n\n";
  std::ostringstream bioc;
  write_corpus(bioc, read_corpus_text(conll, "in.tsv", CorpusFormat::Conll), CorpusFormat::Bioc);
  CHECK(bioc.str().find("{\"id\": \"2\", \"infons\": {}, \"passages\": [{\"offset\": 0, \"infons\": {\"type\": "
                        "\"title\"}, \"text\": \"Lithium toxicity\"") != std::string::npos);
  std::ostringstream log;
  std::ostringstream back;
  write_corpus(back, read_corpus_text(bioc.str(), "mid.bioc.json", CorpusFormat::Bioc, {{}, &log}),
               CorpusFormat::Conll, {}, true);
  CHECK(back.str() == conll);
  CHECK(log.str().empty());
  CHECK(corpus_format_of("x.BioC.json") == CorpusFormat::Bioc);
}
