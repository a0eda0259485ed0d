// The annotated-corpus formats medner reads wherever it reads CoNLL (training, dev and test data,
// medner-eval's gold and predictions) and writes when converting: which one a file is, and one
// read and one write call over all of them. A file's format comes from its name, so that every
// option that takes a CoNLL file takes the others too without a format option each.
#pragma once

#include "data/conll.h"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace medner {

enum class CorpusFormat { Conll, Hf, PubTator, Bioc };

// By the name, case-insensitively: *.bioc.json is BioC JSON (data/bioc_json.h), other *.json and
// *.jsonl Hugging Face JSON lines (data/hf_json.h), *.pubtator and *.pubtator.txt (BC5CDR's
// CDR_*.PubTator.txt) PubTator (data/pubtator.h), anything else (and stdin, "-") CoNLL.
CorpusFormat corpus_format_of(const std::string& path);

// "conll", "hf", "pubtator" or "bioc"; InputError otherwise.
CorpusFormat parse_corpus_format(const std::string& name);
const char* to_string(CorpusFormat format);

// What the readers need besides the text: the label names of HF files with integer ids
// (hf_json.h: read_label_list), and where the PubTator reader reports the mentions it could not
// align to tokens (nowhere if null).
struct CorpusReadOptions {
  std::vector<std::string> labels;
  std::ostream* log = nullptr;
};

Corpus read_corpus_text(std::string text, const std::string& name, CorpusFormat format,
                        const CorpusReadOptions& options = {});
// The file in the format of its name.
Corpus read_corpus(const std::string& path, const CorpusReadOptions& options = {});
// read_conll_files for a list of files in any formats (each by its name); documents are numbered
// on across files.
Corpus read_corpus_files(const std::string& list, const CorpusReadOptions& options,
                         const std::function<void(const Corpus&)>& check = {});

// Writes the corpus so that read_corpus_text reads it back: CoNLL with a -DOCSTART- line before
// every document when it has more than one (or came from PubTator or BioC: `documents`), HF with
// ids when options.labels is given, PubTator and BioC from pubtator_from_corpus (pubtator.h).
void write_corpus(std::ostream& out, const Corpus& corpus, CorpusFormat format, const CorpusReadOptions& options = {},
                  bool documents = false);

}  // namespace medner
