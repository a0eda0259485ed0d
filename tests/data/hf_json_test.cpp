// Hugging Face datasets JSON lines: names and ids, label lists in each accepted shape, the
// round trip HF -> CoNLL -> HF, and each error with its path:line message.
#include "data/hf_json.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "core/error.h"
#include "data/corpus_format.h"

using namespace medner;

namespace {

using Strings = std::vector<std::string>;

std::string read_error(const std::string& text, const Strings& labels = {}) {
  try {
    read_hf_json_text(text, "d.jsonl", labels);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string label_error(const std::string& spec) {
  try {
    read_label_list(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("hf json: tag names, other fields read past, blank lines, multi-byte tokens") {
  Corpus c = read_hf_json_text(
      "{\"id\": \"0\", \"tokens\": [\"β-blockers\", \"cause\", \"asthma\"], \"ner_tags\": [\"B-Chemical\", \"O\", "
      "\"B-Disease\"], \"pos_tags\": [1, 2, 3]}\r\n\n"
      "{\"ner_tags\": [\"O\"], \"tokens\": [\"\\u00e9t\\u00e9\"]}",
      "d.jsonl", {});
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].tokens == Strings{"β-blockers", "cause", "asthma"});
  CHECK(c.sentences[0].tags == Strings{"B-Chemical", "O", "B-Disease"});
  CHECK(c.sentences[0].line == 1);
  CHECK(c.sentences[0].one_line);
  CHECK(token_line(c.sentences[0], 2) == 1);
  CHECK(c.sentences[1].tokens == Strings{"été"});
  CHECK(c.sentences[1].line == 3);
}

TEST_CASE("hf json: integer ids need the label names") {
  const std::string text = "{\"tokens\": [\"Aspirin\", \"helps\"], \"ner_tags\": [1, 0]}\n";
  Corpus c = read_hf_json_text(text, "d.jsonl", {"O", "B-Chemical", "I-Chemical"});
  CHECK(c.sentences[0].tags == Strings{"B-Chemical", "O"});
  CHECK(read_error(text) ==
        "d.jsonl:1: ner_tags holds label ids (1); give their names with --labels B-X,I-X,... or --labels "
        "dataset_info.json");
  CHECK(read_error("{\"tokens\": [\"a\"], \"ner_tags\": [3]}", {"O", "B-X"}) ==
        "d.jsonl:1: tag 1: expected a label id 0..1, found 3");
}

TEST_CASE("hf json: bad lines get path:line errors that say what was expected and found") {
  CHECK(read_error("{\"tokens\": [\"a\"], \"ner_tags\": [\"O\"]}\n[1, 2]\n") ==
        "d.jsonl:2: expected a JSON object, found a list");
  CHECK(read_error("{\"tokens\": [\"a\"], \"ner_tags\": [\"O\"\n") ==
        "d.jsonl:1: expected a JSON object on one line, found '{\"tokens\": [\"a\"], \"ner_tags\": [\"O\"'");
  CHECK(read_error("{\"tokens\": [\"a\", \"b\"], \"ner_tags\": [\"O\"]}") ==
        "d.jsonl:1: expected as many ner_tags as tokens (2), found 1");
  CHECK(read_error("{\"tokens\": [\"a\"]}") == "d.jsonl:1: expected a list \"ner_tags\", found none");
  CHECK(read_error("{\"tokens\": \"a\", \"ner_tags\": []}") == "d.jsonl:1: expected a list \"tokens\", found a string");
  CHECK(read_error("{\"tokens\": [\"a b\"], \"ner_tags\": [\"O\"]}") ==
        "d.jsonl:1: token 1: expected a non-empty string without whitespace or control characters, found \"a b\"");
  CHECK(read_error("{\"tokens\": [\"a\\u0000\"], \"ner_tags\": [\"O\"]}") ==
        "d.jsonl:1: token 1: expected a non-empty string without whitespace or control characters, found \"a\\u0000\"");
  CHECK(read_error("{\"tokens\": [\"a\"], \"ner_tags\": [\"X-Gene\"]}").rfind("d.jsonl:1: ", 0) == 0);
  CHECK(read_error("{\"tokens\": [\"a\"], \"ner_tags\": [true]}") ==
        "d.jsonl:1: tag 1: expected a tag name or a label id, found true");
  CHECK(read_error("\n\n") == "d.jsonl:2: no sentences; expected JSON lines {\"tokens\": [...], \"ner_tags\": [...]}");
  CHECK(read_error("{\"tokens\": [\"\xff\"], \"ner_tags\": [\"O\"]}") ==
        "d.jsonl:1: invalid UTF-8 at byte column 14; expected UTF-8 text");
}

TEST_CASE("hf json: label lists from --labels text and from each kind of features file") {
  CHECK(read_label_list("") == Strings{});
  CHECK(read_label_list("O,B-Disease,I-Disease") == Strings{"O", "B-Disease", "I-Disease"});
  CHECK(label_error("O,,B-X") == "--labels: expected label names that are tags (O, B-X, I-X, ...), found \"\"");
  CHECK(label_error("O,B-X,O") == "--labels: label 'O' is listed twice");
  medner_test::TempDir dir;
  auto file = [&](const std::string& name, const std::string& text) {
    const std::string path = dir.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  };
  const Strings want = {"O", "B-Disease", "I-Disease"};
  CHECK(read_label_list(file("info.json",
                             "{\"features\": {\"ner_tags\": {\"feature\": {\"names\": [\"O\", \"B-Disease\", "
                             "\"I-Disease\"], \"_type\": \"ClassLabel\"}, \"_type\": \"Sequence\"}}}")) == want);
  CHECK(read_label_list(file("names.json", "[\"O\", \"B-Disease\", \"I-Disease\"]")) == want);
  CHECK(read_label_list(file("label.json", "{\"B-Disease\": 1, \"O\": 0, \"I-Disease\": 2}")) == want);
  const std::string bad = file("bad.json", "{\"O\": 0, \"B-X\": 5}");
  CHECK(label_error(bad).rfind(bad + ": expected the label names", 0) == 0);
}

TEST_CASE("hf json: HF -> CoNLL -> HF reproduces the file, names and ids") {
  const std::string names =
      "{\"tokens\": [\"BRCA1\", \"-\", \"associated\", \"cancer\"], \"ner_tags\": [\"B-Gene\", \"O\", \"O\", "
      "\"B-Disease\"]}\n"
      "{\"tokens\": [\"\\\"quoted\\\"\", \"naïve\"], \"ner_tags\": [\"O\", \"O\"]}\n";
  for (const Strings& labels : {Strings{}, Strings{"O", "B-Gene", "I-Gene", "B-Disease", "I-Disease"}}) {
    std::string hf = names;
    if (!labels.empty())
      hf = "{\"tokens\": [\"BRCA1\", \"-\", \"associated\", \"cancer\"], \"ner_tags\": [1, 0, 0, 3]}\n"
           "{\"tokens\": [\"\\\"quoted\\\"\", \"naïve\"], \"ner_tags\": [0, 0]}\n";
    std::ostringstream conll;
    write_corpus(conll, read_corpus_text(hf, "in.jsonl", CorpusFormat::Hf, {labels, nullptr}), CorpusFormat::Conll);
    std::ostringstream back;
    write_corpus(back, read_corpus_text(conll.str(), "mid.tsv", CorpusFormat::Conll), CorpusFormat::Hf,
                 {labels, nullptr});
    CHECK(back.str() == hf);
  }
}

TEST_CASE("corpus format: by the file name") {
  CHECK(corpus_format_of("train.jsonl") == CorpusFormat::Hf);
  CHECK(corpus_format_of("TRAIN.JSON") == CorpusFormat::Hf);
  CHECK(corpus_format_of("CDR_TrainingSet.PubTator.txt") == CorpusFormat::PubTator);
  CHECK(corpus_format_of("x.pubtator") == CorpusFormat::PubTator);
  CHECK(corpus_format_of("train.tsv") == CorpusFormat::Conll);
  CHECK(corpus_format_of("notes.txt") == CorpusFormat::Conll);
  CHECK(corpus_format_of("-") == CorpusFormat::Conll);
}
