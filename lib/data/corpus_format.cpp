#include "data/corpus_format.h"

#include "core/error.h"
#include "data/bioc_json.h"
#include "data/hf_json.h"
#include "data/pubtator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <ostream>

namespace medner {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool has_several_documents(const Corpus& corpus) {
  for (const Sentence& s : corpus.sentences)
    if (s.document != corpus.sentences.front().document) return true;
  return false;
}

void write_conll_documents(std::ostream& out, const Corpus& corpus) {
  for (std::size_t i = 0; i < corpus.sentences.size(); ++i) {
    const Sentence& s = corpus.sentences[i];
    if (i == 0 || s.document != corpus.sentences[i - 1].document) out << "-DOCSTART-\tO\n\n";
    Corpus one;
    one.sentences.push_back(s);
    write_conll(out, one);
  }
}

}  // namespace

CorpusFormat corpus_format_of(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ends_with(lower, ".bioc.json")) return CorpusFormat::Bioc;
  if (ends_with(lower, ".jsonl") || ends_with(lower, ".json")) return CorpusFormat::Hf;
  if (ends_with(lower, ".pubtator") || ends_with(lower, ".pubtator.txt")) return CorpusFormat::PubTator;
  return CorpusFormat::Conll;
}

CorpusFormat parse_corpus_format(const std::string& name) {
  if (name == "conll") return CorpusFormat::Conll;
  if (name == "hf") return CorpusFormat::Hf;
  if (name == "pubtator") return CorpusFormat::PubTator;
  if (name == "bioc") return CorpusFormat::Bioc;
  throw InputError(fmt::format("expected conll, hf, pubtator or bioc, found '{}'", message_excerpt(name)));
}

const char* to_string(CorpusFormat format) {
  switch (format) {
    case CorpusFormat::Conll: return "conll";
    case CorpusFormat::Hf: return "hf";
    case CorpusFormat::PubTator: return "pubtator";
    case CorpusFormat::Bioc: return "bioc";
  }
  return "?";
}

Corpus read_corpus_text(std::string text, const std::string& name, CorpusFormat format,
                        const CorpusReadOptions& options) {
  switch (format) {
    case CorpusFormat::Hf: return read_hf_json_text(text, name, options.labels);
    case CorpusFormat::PubTator: return read_pubtator_corpus(text, name, options.log);
    case CorpusFormat::Bioc: return read_bioc_corpus(text, name, options.log);
    case CorpusFormat::Conll: break;
  }
  return read_conll_text(std::move(text), name);
}

Corpus read_corpus(const std::string& path, const CorpusReadOptions& options) {
  return read_corpus_text(read_text_file(path), path, corpus_format_of(path), options);
}

Corpus read_corpus_files(const std::string& list, const CorpusReadOptions& options,
                         const std::function<void(const Corpus&)>& check) {
  Corpus all;
  all.path = list;
  for (const std::string& path : split_file_list(list)) {
    Corpus part = read_corpus(path, options);
    if (check) check(part);
    // Each file's documents follow the previous file's: no document spans two files.
    const int base = all.sentences.empty() ? 0 : all.sentences.back().document + 1;
    for (Sentence& s : part.sentences) s.document += base;
    all.sentences.insert(all.sentences.end(), std::make_move_iterator(part.sentences.begin()),
                         std::make_move_iterator(part.sentences.end()));
  }
  return all;
}

void write_corpus(std::ostream& out, const Corpus& corpus, CorpusFormat format, const CorpusReadOptions& options,
                  bool documents) {
  switch (format) {
    case CorpusFormat::Hf:
      write_hf_json(out, corpus, options.labels);
      return;
    case CorpusFormat::PubTator:
      write_pubtator(out, pubtator_from_corpus(corpus));
      return;
    case CorpusFormat::Bioc:
      write_bioc_json(out, pubtator_from_corpus(corpus));
      return;
    case CorpusFormat::Conll: break;
  }
  if (!corpus.sentences.empty() && (documents || has_several_documents(corpus)))
    write_conll_documents(out, corpus);
  else
    write_conll(out, corpus);
  if (!out) throw IoError("write failed (disk full or closed output?)");
}

}  // namespace medner
