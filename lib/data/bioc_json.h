// BioC JSON (the BioCreative interchange format as the bioc Python package and PubTator Central
// write it): {"documents": [{"id", "passages": [{"offset", "text", "annotations": [{"id",
// "infons": {"type", "identifier"}, "text", "locations": [{"offset", "length"}]}]}]}]}. Offsets
// are code points into the document (a passage's offset plus the position in its text). Read
// with the PubTator alignment rules (pubtator.h; each passage split on its own); annotations with
// several locations are counted as discontinuous and not tagged. Sentence-level BioC (passages
// without text) is not read. XML is not read or written.
#pragma once

#include "data/pubtator.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace medner {

// The documents with their passages and mentions. InputError "path: ..." naming the document,
// passage and annotation for JSON that is not BioC (missing or mistyped members), passages out of
// order or overlapping, a location outside its passage, and an annotation text that differs from
// the text at its location; "path:line: ..." for JSON that does not parse.
std::vector<AnnotatedDocument> read_bioc_json_text(const std::string& text, const std::string& name);

// read_bioc_json_text, annotated_corpus, report_alignment.
Corpus read_bioc_corpus(const std::string& text, const std::string& name, std::ostream* log);

// PubTator-shaped documents (title and abstract) as one BioC collection: passages "title" at 0
// and "abstract" after the title and a space, each with the mentions that start in it (type in
// infons "type", the id in "identifier" where there is one), annotation ids 1, 2, ... per
// document; one document per line.
void write_bioc_json(std::ostream& out, const std::vector<PubTatorDocument>& docs);

}  // namespace medner
