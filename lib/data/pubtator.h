// PubTator documents (BC5CDR, NCBI-disease): `PMID|t|title`, `PMID|a|abstract`, then one line
// per mention `PMID<TAB>start<TAB>end<TAB>mention<TAB>type[<TAB>id...]`, a blank line between
// documents. Offsets are code points into title + " " + abstract. The reader checks each line
// (InputError "path:line: expected ..., found ..."); turning documents into tagged sentences
// uses the project's sentence splitter and tokenizer, and never stretches a mention onto tokens
// it does not cover: such mentions are counted and reported (rules: docs/file-formats.md).
#pragma once

#include "data/conll.h"
#include "data/tokenizer.h"

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace medner {

struct PubTatorMention {
  std::size_t begin = 0, end = 0;  // code points into PubTatorDocument::text()
  std::string text, type;
  std::string id;  // the sixth column ("" if none); later columns (composite parts) are not kept
  int line = 0;
  std::string where;          // for messages where there is no line (BioC): "f: document 'x', annotation 'y'"
  bool discontinuous = false;  // BioC: several locations; begin/end span them all
};

struct PubTatorDocument {
  std::string pmid, title, abstract;
  int line = 0;  // of the title
  std::vector<PubTatorMention> mentions;
  std::string text() const { return title + " " + abstract; }
};

// Documents in file order. Accepted: CRLF line ends, a UTF-8 BOM, any number of blank lines, no
// abstract line (abstract ""), relation lines (a tab-separated line whose second column is not a
// number, BC5CDR's `PMID<TAB>CID<TAB>...`; skipped). InputError for invalid UTF-8, a line that is
// none of these, a mention before any title or with another PMID, offsets that are not numbers,
// start >= end, an end past the text, a mention column that differs from the text at its
// offsets, a type that is empty or holds whitespace, and a file without documents.
std::vector<PubTatorDocument> read_pubtator_text(const std::string& text, const std::string& name);

// A passage of a document: its text and where it starts in the document (code points).
struct TextPart {
  std::size_t offset = 0;
  std::string text;
};

// The sentences of each part (each split and tokenized on its own, so that no sentence crosses
// from one to the next), with offsets into the document.
std::vector<std::vector<Token>> part_sentences(const std::vector<TextPart>& parts);

// The title's sentences, then the abstract's, with offsets into doc.text().
std::vector<std::vector<Token>> pubtator_sentences(const PubTatorDocument& doc);

// What turning documents into tagged sentences left out.
struct PubTatorAlignment {
  std::size_t mentions = 0;          // in the documents
  std::size_t off_boundary = 0;      // start or end not at a token boundary, or across sentences
  std::size_t overlapping = 0;       // overlap a mention kept before them (nested, composite parts)
  std::size_t discontinuous = 0;     // BioC annotations with several locations
  std::vector<std::string> dropped;  // "path:line: mention ... : why", one per left-out mention
};

// One Sentence per sentence of each document (Sentence::document = the document's index, line =
// its title line, one_line set), tagged IOB2 from the mentions: a mention is tagged when it starts
// at a token's first and ends at a token's last code point of one sentence and overlaps no mention
// tagged before it (mentions taken by start, the longer first, then in file order); any other
// is counted in `alignment` and left untagged. corpus.document_names gets the PMIDs.
Corpus pubtator_corpus(const std::vector<PubTatorDocument>& docs, const std::string& name,
                       PubTatorAlignment* alignment = nullptr);

// The same for documents of any number of parts (BioC passages): name, first line (0 if none),
// parts in order, mentions with offsets into the document.
struct AnnotatedDocument {
  std::string name;
  int line = 0;
  std::vector<TextPart> parts;
  std::vector<PubTatorMention> mentions;
};
Corpus annotated_corpus(const std::vector<AnnotatedDocument>& docs, const std::string& name,
                        PubTatorAlignment* alignment = nullptr);

// If anything was left out and `log` is given: the first few left-out mentions and a summary
// ("warning: f.pubtator: 2 of 31 mentions not tagged (...)") there.
void report_alignment(const PubTatorAlignment& alignment, const std::string& name, std::ostream* log);

// read_pubtator_text, pubtator_corpus, report_alignment.
Corpus read_pubtator_corpus(const std::string& text, const std::string& name, std::ostream* log);

// PubTator documents of a tagged corpus: per document (Sentence::document) the first sentence is
// the title and the others, joined by spaces, the abstract; tokens joined by spaces; the
// mentions are the chunks of the tags. PMIDs from corpus.document_names where PubTator can carry
// them (non-empty, no whitespace, control characters or '|': a BioC id may be anything), else the
// document's number, 1, 2, ...
std::vector<PubTatorDocument> pubtator_from_corpus(const Corpus& corpus);

// The documents with their mentions replaced by the chunks of `tags`, the tags of the documents'
// sentences in order (pubtator_sentences; as pubtator_corpus numbers them), at offsets into each
// document's text: predictions for PubTator gold. InternalError when the counts differ.
std::vector<PubTatorDocument> pubtator_tagged(const std::vector<PubTatorDocument>& docs,
                                              const std::vector<std::vector<std::string>>& tags);

// The documents as read_pubtator_text reads them; the id column only where a mention has one.
void write_pubtator(std::ostream& out, const std::vector<PubTatorDocument>& docs);
void write_pubtator_document(std::ostream& out, const PubTatorDocument& doc);

}  // namespace medner
