// Output formats of medner-tag: CoNLL columns, JSON lines, brat standoff, Hugging Face JSON lines,
// PubTator. This file turns tagged
// units into text; it does not tag, tokenize or batch (apps/tag.cpp and the tagger do). All
// offsets are Unicode code points (Python str indexing). Formats: docs/tokenizer.md.
#pragma once

#include "data/json_text.h"
#include "data/tokenizer.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medner {

struct TaggedEntity {
  std::size_t begin = 0, end = 0;  // code points into TaggedSentence::text
  std::string type;
  std::string text;                // == text[begin:end]
  double confidence = 0;           // CRF marginal probability of the span (set by the tagger)
  std::string head;                // the head that found it, with --head all (else "")
};

// One input unit: a line of raw text or one CoNLL sentence.
struct TaggedSentence {
  std::string text;                 // original text; for CoNLL input the tokens joined by ' '
  std::vector<Token> tokens;        // with offsets into text
  std::vector<std::string> tags;    // predicted tag per token (IOB2)
  std::vector<TaggedEntity> entities;
  std::vector<std::pair<std::vector<std::string>, double>> nbest;  // K best sequences, probability
  // What followed the text in the input: "\n", "\r\n", or "" for a last line without one. Brat
  // offsets count it, so that they index the text the user gave.
  std::string line_end = "\n";
  // PubTator output: the document's PMID, and where in text its title ends (bytes; text is
  // title + " " + abstract, so npos or text.size() means no abstract).
  std::string pmid;
  std::size_t title_bytes = std::string::npos;
};

enum class OutputFormat { Conll, Jsonl, Brat, Hf, PubTator };

// "conll", "jsonl", "brat", "hf" or "pubtator"; anything else is an InputError naming
// --output-format.
OutputFormat parse_output_format(const std::string& name);

// Brat offsets (code points) run over the whole output stream as if the units' texts, each
// followed by its line end, were one document (the .txt file that goes with the .ann: for raw
// text input, the input itself); T-ids count from T1 over the stream.
struct BratState {
  std::size_t next_id = 1;  // id of the next T line
  std::size_t offset = 0;   // code-point offset of the next unit's text in the document
};

// Writes one unit:
//  conll: `token<TAB>tag` per token (then one column per n-best sequence, if any), then a blank
//         line; a unit without tokens writes just the blank line, so units stay countable;
//  jsonl: {"text": ..., "entities": [{"start", "end", "type", "text", "confidence"}],
//          "nbest": [{"tags": [...], "probability": p}]} on one line; "nbest" only if present;
//  brat:  `T<id><TAB><type> <start> <end><TAB><text>` per entity, offsets in the joined
//         document; control characters in the text column become spaces. brat needs state
//         (non-null); the others ignore it;
//  hf:    {"tokens": [...], "ner_tags": [...]} (data/hf_json.h), tag names;
//  pubtator: the unit as one document (data/pubtator.h): PMID unit.pmid, title and abstract
//         split at title_bytes, one line per entity with offsets into the unit's text.
void write_tagged(std::ostream& out, const TaggedSentence& unit, OutputFormat format,
                  BratState* brat);

// IOB2 tags -> entity spans with code-point offsets into unit.text and their text; confidence
// is left 0 for the caller. Spans are extract_spans' (tag_scheme.h), the same chunks the
// evaluation scores: conlleval's rules (an I- that does not continue a chunk of its type opens
// one), IOBES accepted too. InputError on a malformed tag.
std::vector<TaggedEntity> entities_from_tags(const TaggedSentence& unit);

// A CoNLL sentence as a unit: text = words joined by single spaces, tokens with their offsets.
TaggedSentence tagged_from_words(const std::vector<std::string>& words);

}  // namespace medner
