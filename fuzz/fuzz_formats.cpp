// libFuzzer target: the Hugging Face JSON lines, PubTator and BioC JSON readers. Contract: any
// bytes give a Corpus or one InputError line starting with the file's name; an HF corpus written
// back reads back identical; any corpus written as PubTator and as BioC reads back (offsets and
// mention texts agree) with as many mentions as it had chunks, none left out.
#include "core/error.h"
#include "data/bioc_json.h"
#include "data/hf_json.h"
#include "data/pubtator.h"
#include "data/tag_scheme.h"

#include "fuzz_common.h"

#include <cstdint>
#include <sstream>
#include <string>

using namespace medner;
using medner_fuzz::check_message;
using medner_fuzz::expect;
using medner_fuzz::fuzz_fail;

namespace {

std::size_t chunks(const Corpus& c) {
  std::size_t n = 0;
  for (const Sentence& s : c.sentences) n += extract_spans(s.tags).size();
  return n;
}

// PubTator and BioC written from any corpus read back, every chunk a mention on its tokens.
void check_standoff(const Corpus& c) {
  const std::vector<PubTatorDocument> docs = pubtator_from_corpus(c);
  std::ostringstream pubtator, bioc;
  write_pubtator(pubtator, docs);
  write_bioc_json(bioc, docs);
  PubTatorAlignment a, b;
  pubtator_corpus(read_pubtator_text(pubtator.str(), "written.pubtator"), "written.pubtator", &a);
  annotated_corpus(read_bioc_json_text(bioc.str(), "written.bioc.json"), "written.bioc.json", &b);
  expect(a.mentions == chunks(c) && b.mentions == a.mentions, "written mentions do not read back");
}

template <class Read>
void check_reader(const char* name, Read read) {
  try {
    read();
  } catch (const InputError& e) {
    check_message(e.what(), name);
  } catch (const std::exception& e) {
    fuzz_fail(std::string(name) + ": unexpected exception: " + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check_reader("fuzz.jsonl", [&] {
    const Corpus c = read_hf_json_text(text, "fuzz.jsonl", {"O", "B-X", "I-X"});
    std::ostringstream out;
    write_hf_json(out, c);
    const Corpus back = read_hf_json_text(out.str(), "written.jsonl", {});
    expect(back.sentences.size() == c.sentences.size(), "HF round trip changed the sentence count");
    for (std::size_t i = 0; i < c.sentences.size(); ++i)
      expect(back.sentences[i].tokens == c.sentences[i].tokens && back.sentences[i].tags == c.sentences[i].tags,
             "HF round trip changed a sentence");
    check_standoff(c);
  });
  check_reader("fuzz.pubtator", [&] { check_standoff(read_pubtator_corpus(text, "fuzz.pubtator", nullptr)); });
  check_reader("fuzz.bioc.json", [&] { check_standoff(read_bioc_corpus(text, "fuzz.bioc.json", nullptr)); });
  return 0;
}
