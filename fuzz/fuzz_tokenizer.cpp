// libFuzzer target: medner-tag's raw-text path without the network: UTF-8 repair, sentence
// splitting, tokenization, and the JSON / brat / CoNLL writers. Contract: never throws; sentences
// are sorted, disjoint, non-empty code-point ranges; every token lies in its sentence, is
// non-empty, has no whitespace class character, and is exactly the slice of the repaired text
// that its offsets name (code points and bytes); each written unit is one line of valid UTF-8
// (JSON) with no raw control characters.
#include "data/sentence_splitter.h"
#include "data/tag_output.h"
#include "data/tokenizer.h"
#include "data/utf8.h"

#include "fuzz_common.h"

#include <cstdint>
#include <sstream>
#include <string>

using namespace medner;
using medner_fuzz::expect;
using medner_fuzz::fuzz_fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const std::string repaired = utf8_repair(text);
    expect(utf8_valid(repaired), "utf8_repair output is not valid UTF-8");
    const std::u32string chars = utf8_decode(text);
    expect(utf8_length(text) == chars.size(), "utf8_length disagrees with utf8_decode");
    expect(utf8_decode(repaired) == chars, "repair changed the code points");

    const auto ranges = split_sentences(text);
    std::size_t prev_end = 0;
    for (const auto& [b, e] : ranges) {
      expect(b < e && e <= chars.size() && b >= prev_end,
             "sentence ranges not sorted, disjoint, non-empty");
      expect(
          char_class(chars[b]) != CharClass::Space && char_class(chars[e - 1]) != CharClass::Space,
          "sentence range not trimmed");
      prev_end = e;
    }
    const auto sentences = tokenize_sentences(text);
    expect(sentences.size() == ranges.size(), "tokenize_sentences and split_sentences disagree");
    std::size_t total = 0;
    for (std::size_t s = 0; s < sentences.size(); ++s)
      for (const Token& t : sentences[s]) {
        ++total;
        expect(t.begin < t.end && ranges[s].first <= t.begin && t.end <= ranges[s].second,
               "token outside its sentence");
        expect(utf8_encode(std::u32string_view(chars).substr(t.begin, t.end - t.begin)) == t.text,
               "token text is not its code-point slice");
        expect(utf8_repair(std::string_view(text).substr(t.byte_begin,
                                                         t.byte_end - t.byte_begin)) == t.text,
               "token text is not its byte slice (repaired)");
        for (char32_t c : utf8_decode(t.text))
          expect(char_class(c) != CharClass::Space, "whitespace inside a token");
      }
    expect(total == tokenize(text).size(), "tokenize_sentences lost or added tokens");

    // The writers, on a unit with every third token tagged as an entity.
    TaggedSentence unit;
    unit.text = repaired;
    for (const auto& sent : sentences)
      for (const Token& t : sent) {
        unit.tokens.push_back(t);
        unit.tags.push_back(unit.tokens.size() % 3 == 0 ? "B-Disease" : "O");
      }
    unit.entities = entities_from_tags(unit);
    for (const TaggedEntity& e : unit.entities)
      expect(utf8_encode(std::u32string_view(chars).substr(e.begin, e.end - e.begin)) == e.text,
             "entity text");
    BratState brat;
    for (OutputFormat f : {OutputFormat::Jsonl, OutputFormat::Brat, OutputFormat::Conll}) {
      std::ostringstream out;
      write_tagged(out, unit, f, &brat);
      const std::string s = out.str();
      expect(utf8_valid(s), "writer output is not valid UTF-8");
      if (f == OutputFormat::Jsonl) {
        expect(!s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1,
               "JSON unit is not one line");
        for (char c : s.substr(0, s.size() - 1))
          expect(static_cast<unsigned char>(c) >= 0x20, "raw control character in JSON");
      }
    }
  } catch (const std::exception& e) {
    fuzz_fail(std::string("the raw-text path threw: ") + e.what());
  }
  return 0;
}
