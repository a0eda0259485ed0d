// Catalogue of bad CoNLL input (docs/robustness.md): every malformed file is one InputError
// line "path:line: what was expected, what was found"; the quirks converters produce (CRLF, a
// byte-order mark, extra columns) are read correctly; a 100,000-token sentence and a 10 MB line
// are read quickly, tagged and trained on without running out of memory. The same cases through the
// executables: tests/cli/robust_cli.sh.
#include "robust_util.h"

#include "data/tag_scheme.h"
#include "data/utf8.h"
#include "model/tagging.h"
#include "train/trainer.h"

#include <chrono>
#include <sstream>

using namespace medner;
using namespace medner_robust;

namespace {

const std::string kName = "corpus/train.tsv";

std::string read_error(const std::string& text) {
  return error_of([&] { read_conll_text(text, kName); });
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_CASE("robust conll: an empty file") {
  CHECK(read_error("") ==
        "input: corpus/train.tsv:1: no sentences (the file is empty); expected lines "
        "'token<TAB>tag'");
}

TEST_CASE("robust conll: only blank lines (and whitespace, and -DOCSTART-)") {
  CHECK(read_error("\n\n\n") ==
        "input: corpus/train.tsv:3: no sentences (only blank or -DOCSTART- lines); expected "
        "lines 'token<TAB>tag'");
  check_message(read_error(" \t\r\n-DOCSTART- -X- O\n\n"),
                "input: corpus/train.tsv:3: no sentences");
}

TEST_CASE("robust conll: a line with one column") {
  CHECK(read_error("a\tO\nlonely\nb\tO\n") ==
        "input: corpus/train.tsv:2: expected 2 columns (token, tag), got 1 ('lonely')");
  // A tab-less "token tag" with a non-breaking space is one column too: only tabs and spaces split.
  check_message(read_error("a\xC2\xA0O\n"), "input: corpus/train.tsv:1: expected 2 columns");
}

TEST_CASE("robust conll: extra columns are accepted, token first and tag last") {
  Corpus c = read_conll_text("Aspirin NN B-NP B-Chemical\nworks\tVBZ\tB-VP\tO\n", kName);
  REQUIRE(c.sentences.size() == 1);
  CHECK(c.sentences[0].tokens == std::vector<std::string>{"Aspirin", "works"});
  CHECK(c.sentences[0].tags == std::vector<std::string>{"B-Chemical", "O"});
  // The middle columns are not checked as tags: "B-NP" is a POS chunk, not the label.
  CHECK(read_error("x B-NP O\n") == "(no error)");
}

TEST_CASE("robust conll: a tag that is not O, B-, I-, E- or S-") {
  CHECK(read_error("a\tO\nb\tB_Disease\n") ==
        "input: corpus/train.tsv:2: invalid tag 'B_Disease': expected O, B-X, I-X, E-X or S-X "
        "(X the entity type)");
  CHECK(read_error("a\tB-\n") ==
        "input: corpus/train.tsv:1: invalid tag 'B-': the type after 'B-' is empty");
  CHECK(read_error("a\tU-Gene\n") ==
        "input: corpus/train.tsv:1: invalid tag 'U-Gene': BILOU tags are not read; write L- as "
        "E- and U- as S- (IOBES)");
  check_message(read_error("a\to\n"), "input: corpus/train.tsv:1: invalid tag 'o'");
}

TEST_CASE("robust conll: I- without B- is rejected in strict mode (training data)") {
  // Enough well-formed chunks that the scheme is detected as IOB2; then line 7 breaks it.
  Corpus c = read_conll_text(
      "a\tB-Disease\nb\tI-Disease\nc\tO\n\nd\tB-Disease\ne\tO\nf\tI-Disease\n", kName);
  REQUIRE(detect_tag_scheme(c) == TagScheme::IOB2);
  CHECK(error_of([&] { validate_tags(c, detect_tag_scheme(c)); }) ==
        "input: corpus/train.tsv:7: tag 'I-Disease' follows 'O'; IOB2 needs 'B-Disease'");
  CHECK(error_of([&] { validate_tags(c, TagScheme::IOBES); }) ==
        "input: corpus/train.tsv:2: tag 'I-Disease' is followed by 'O'; IOBES needs 'I-Disease' "
        "or 'E-Disease' next ('E-Disease' closes the chunk)");
  // The same file is fine for scoring (lenient, conlleval's reading): only training is strict.
  CHECK(extract_spans(c.sentences[1].tags).size() == 2);
}

TEST_CASE("robust conll: CRLF line ends are read as LF, never as part of the tag") {
  Corpus c = read_conll_text("a\tB-X\r\nb\tI-X\r\n\r\nc\tO\r\n", kName);
  REQUIRE(c.sentences.size() == 2);
  CHECK(c.sentences[0].tags == std::vector<std::string>{"B-X", "I-X"});
  CHECK(c.sentences[1].line == 4);
  // Regression: a CR inside a line was a field character, so a file with old-Mac CR-only line
  // ends was read as ONE token whose tag was the file's last tag, without any error.
  CHECK(read_error("a\tO\rb\tO\rc\tB-X\r") ==
        "input: corpus/train.tsv:1: carriage return inside the line at byte column 4; expected "
        "LF or CRLF line ends (does the file use CR-only line ends?)");
  check_message(read_error("a\tO\n\nb\tO\r\r\n"), "input: corpus/train.tsv:3: carriage return");
}

TEST_CASE("robust conll: a UTF-8 byte-order mark is dropped, also with CRLF") {
  Corpus c = read_conll_text(
      "\xEF\xBB\xBF"
      "Aspirin\tS-Chemical\r\n",
      kName);
  REQUIRE(c.sentences.size() == 1);
  CHECK(c.sentences[0].tokens[0] == "Aspirin");
  CHECK(c.sentences[0].line == 1);
  // A BOM that is not at the start of the file is text (U+FEFF), kept in the token.
  Corpus d = read_conll_text(
      "a\tO\n\xEF\xBB\xBF"
      "b\tO\n",
      kName);
  CHECK(d.sentences[0].tokens[1] ==
        "\xEF\xBB\xBF"
        "b");
  // A UTF-16 file (BOM FF FE) is reported by its first NUL byte, with the binary-file hint.
  CHECK(read_error(std::string("\xFF\xFE"
                               "a\0\t\0O\0",
                               8)) ==
        "input: corpus/train.tsv:1: NUL byte at byte column 4; expected UTF-8 text (is this a "
        "binary file?)");
}

TEST_CASE("robust conll: invalid UTF-8 names line and byte column") {
  CHECK(read_error("ok\tO\nbad\xC3(\tO\n") ==
        "input: corpus/train.tsv:2: invalid UTF-8 at byte column 4 (byte 0xC3); expected UTF-8 "
        "text");
  // Overlong encodings, surrogates and a sequence cut by the end of the file.
  check_message(read_error("\xC0\xAF\tO\n"),
                "input: corpus/train.tsv:1: invalid UTF-8 at byte column 1");
  check_message(read_error("\xED\xA0\x80\tO\n"), "input: corpus/train.tsv:1: invalid UTF-8");
  check_message(read_error("a\tO\n\xE2\x82"),
                "input: corpus/train.tsv:2: invalid UTF-8 at byte column 1");
}

TEST_CASE("robust conll: NUL bytes") {
  CHECK(read_error(std::string("a\tO\nb\0c\tO\n", 10)) ==
        "input: corpus/train.tsv:2: NUL byte at byte column 2; expected UTF-8 text (is this a "
        "binary file?)");
  // A UTF-16LE file without BOM: NUL at byte 2 of line 1.
  check_message(read_error(std::string("a\0\t\0O\0\n\0", 8)),
                "input: corpus/train.tsv:1: NUL byte at byte column 2");
}

TEST_CASE("robust conll: a 100,000-token sentence is read, and tagged, quickly") {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += i % 4 == 0 ? "tumor\tB-Disease\n" : "cells\tO\n";
  auto t0 = std::chrono::steady_clock::now();
  Corpus c = read_conll_text(text, kName);
  CHECK(seconds_since(t0) < time_limit(1.0));
  REQUIRE(c.sentences.size() == 1);
  REQUIRE(c.sentences[0].tokens.size() == 100000);
  CHECK(c.sentences[0].tags[99996] == "B-Disease");
  validate_tags(c, TagScheme::IOB2);  // no error
  // Tagging it (medner-eval --model) works: one tag per token, all well formed. (Debug and
  // sanitizer builds tag the first 10,000 tokens.)
  c.sentences[0].tokens.resize(input_size(100000));
  c.sentences[0].tags.resize(input_size(100000));
  TrainedModel m = from_model_file(untrained_model(c), kName);
  t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<std::string>> tags = tag_corpus(m, c, 1);
  CHECK(seconds_since(t0) < time_limit(10.0));
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].size() == input_size(100000));
  for (const std::string& t : tags[0]) REQUIRE(parse_tag(t));
}

TEST_CASE("robust conll: a 10 MB line") {
  const std::string big(10 * 1000 * 1000, 'x');
  // Without a separator: one column, and the message shows 40 bytes of it, not 10 MB.
  std::string msg = read_error("a\tO\n" + big + "\n");
  check_message(msg, "input: corpus/train.tsv:2: expected 2 columns (token, tag), got 1 ('xxxx");
  CHECK(msg.size() < 200);
  // As a 10 MB tag: invalid, and cut short too.
  msg = read_error("a\t" + big + "\n");
  check_message(msg, "input: corpus/train.tsv:1: invalid tag 'xxxx");
  CHECK(msg.size() < 250);
  // As a 10 MB token with a tag: accepted byte for byte, and tagged (medner-eval --model)
  // without handing 10 million characters to the character encoder (it needed ~1 KB each).
  Corpus c = read_conll_text("a\tO\n" + big + "\tB-Disease\nb\tI-Disease\n", kName);
  REQUIRE(c.sentences[0].tokens[1].size() == big.size());
  TrainedModel m = from_model_file(untrained_model(c), kName);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<std::string>> tags = tag_corpus(m, c, 1);
  CHECK(seconds_since(t0) < time_limit(5.0));
  CHECK(tags.at(0).size() == 3);
}

TEST_CASE("robust conll: a 10 MB token in training data is cut for the network, as in tagging") {
  // Regression: training built the vocabularies and the character forms from the whole token,
  // so a 10 MB token reached the character encoder whole (about 1 KB of memory per character).
  // Now training and tagging both see model_token's cut, and map it to the same word and chars.
  const std::string big = std::string(5 * 1000 * 1000, 'x') + std::string(5 * 1000 * 1000, 'y');
  const std::string cut = model_token(big);
  REQUIRE(cut == std::string(kMaxModelTokenChars / 2, 'x') + std::string(kMaxModelTokenChars / 2, 'y'));
  Corpus c = read_conll_text("a\tO\n" + big + "\tB-Disease\nb\tI-Disease\n\nc\tO\n", kName);
  const Vocabularies v = build_vocabularies(c, {}, nullptr, WordOptions{}, TagScheme::IOBES);
  for (int w = 0; w < v.words.size(); ++w) CHECK(utf8_length(v.words.at(w)) <= kMaxModelTokenChars);
  const int cut_id = v.words.find(normalize_word(cut, v.word_options));
  CHECK(cut_id >= 2);

  const Dataset train = encode_corpus(c, v, true);
  for (std::size_t f = 0; f + 1 < train.forms.offsets.size(); ++f)
    CHECK(train.forms.offsets[f + 1] - train.forms.offsets[f] <= static_cast<int>(kMaxModelTokenChars));
  // What tagging sees for the same token (medner-tag cuts it before encoding): the same word
  // id, and the same characters.
  const Dataset tagged = encode_tokens({{"a", big, "b"}}, v);
  REQUIRE(train.sentences.at(0).words.size() == 3);
  CHECK(train.sentences[0].words[1] == cut_id);
  CHECK(tagged.sentences.at(0).words == train.sentences[0].words);
  auto form_chars = [](const Dataset& d, int form) {
    const auto& o = d.forms.offsets;
    return std::vector<int>(d.forms.chars.begin() + o[static_cast<std::size_t>(form)],
                            d.forms.chars.begin() + o[static_cast<std::size_t>(form) + 1]);
  };
  const std::vector<int> big_chars = form_chars(train, train.sentences[0].forms[1]);
  CHECK(big_chars.size() == kMaxModelTokenChars);
  CHECK(form_chars(tagged, tagged.sentences[0].forms[1]) == big_chars);

  // And a training run on such a file finishes quickly (it needed about 10 GB before).
  medner_test::TempDir dir;
  const std::string data = dir.file("big.tsv");
  write_bytes(data, "a\tO\n" + big + "\tB-Disease\nb\tI-Disease\n\nc\tO\nd\tB-Disease\n");
  const ConfigMap m = tiny_config({{"train", data}, {"dev", data}, {"model", dir.file("m.bin")},
                                   {"max-epochs", "1"}});
  std::ostringstream log, out;
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE_NOTHROW(train_model(TrainConfig::from_map(m), m, log));
  CHECK(seconds_since(t0) < time_limit(5.0));
}
