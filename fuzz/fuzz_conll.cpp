// libFuzzer target: the CoNLL reader (read_conll_text) and the conlleval-format reader that
// shares its scanner. Contract: any bytes give a Corpus or one InputError line "fuzz.tsv:N: ...";
// a corpus that is read validates, converts between tag schemes without error, and written back
// with write_conll reads back identical.
#include "core/error.h"
#include "data/conll.h"
#include "data/tag_scheme.h"
#include "eval/eval_input.h"

#include "fuzz_common.h"

#include <cstdint>
#include <sstream>
#include <string>

using namespace medner;
using medner_fuzz::check_message;
using medner_fuzz::expect;
using medner_fuzz::fuzz_fail;

namespace {

void check_corpus(const Corpus& c) {
  expect(!c.sentences.empty(), "a corpus without sentences was accepted");
  for (const Sentence& s : c.sentences) {
    expect(!s.tokens.empty() && s.tokens.size() == s.tags.size(), "sentence with bad sizes");
    for (const std::string& t : s.tags) expect(parse_tag(t), "accepted tag '" + t + "'");
    // Schemes: detection, conversion and lenient spans never fail on accepted tags.
    std::vector<std::string> iob2 = convert_tags(s.tags, TagScheme::IOBES, TagScheme::IOB2);
    std::vector<std::string> iobes = convert_tags(iob2, TagScheme::IOB2, TagScheme::IOBES);
    expect(extract_spans(iob2) == extract_spans(iobes), "IOB2 -> IOBES changed the chunks");
    find_invalid_tag(s.tags, TagScheme::IOB1, nullptr);
  }
  try {
    validate_tags(c, detect_tag_scheme(c));
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.tsv:");
  }
  // Round trip. The reader drops a byte-order mark at the start of a file, so a corpus whose
  // first token begins with U+FEFF (possible when it was not on line 1) cannot come back whole.
  if (c.sentences[0].tokens[0].rfind("\xEF\xBB\xBF", 0) == 0) return;
  std::ostringstream out;
  write_conll(out, c);
  Corpus back = read_conll_text(out.str(), "written.tsv");
  expect(back.sentences.size() == c.sentences.size(), "round trip changed the sentence count");
  for (std::size_t i = 0; i < c.sentences.size(); ++i) {
    expect(back.sentences[i].tokens == c.sentences[i].tokens, "round trip changed tokens");
    expect(back.sentences[i].tags == c.sentences[i].tags, "round trip changed tags");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    check_corpus(read_conll_text(text, "fuzz.tsv"));
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.tsv:");
  } catch (const std::exception& e) {
    fuzz_fail(std::string("read_conll_text: unexpected exception: ") + e.what());
  }
  try {
    EvalInput in = read_conlleval_text(text, "fuzz.txt");
    evaluate(in);
  } catch (const InputError& e) {
    check_message(e.what(), "fuzz.txt:");
  } catch (const std::exception& e) {
    fuzz_fail(std::string("read_conlleval_text: unexpected exception: ") + e.what());
  }
  return 0;
}
