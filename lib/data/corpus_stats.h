// Counts that describe a tagged corpus (medner-eval --stats, data/README.md): sentences, tokens,
// chunks per type, the tag scheme it is written in and how many tags break that scheme.
#pragma once

#include <map>
#include <string>

#include "data/conll.h"
#include "data/tag_scheme.h"

namespace medner {

struct CorpusStats {
  std::string path;
  long sentences = 0;
  long tokens = 0;
  long chunks = 0;                             // all types
  std::map<std::string, long> chunks_by_type;  // chunks as extract_spans sees them
  TagScheme scheme = TagScheme::IOB2;          // detect_tag_scheme
  long longest_sentence = 0;                   // tokens
  int longest_sentence_line = 0;               // line of its first token (first one if tied)
  long invalid_sentences = 0;                  // sentences with a tag that `scheme` forbids
  int first_invalid_line = 0;                  // line of the first such tag, 0 if none
};

CorpusStats corpus_stats(const Corpus& corpus);

}  // namespace medner
