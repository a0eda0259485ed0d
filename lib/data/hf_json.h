// Hugging Face datasets JSON lines: one sentence a line, {"tokens": [...], "ner_tags": [...]},
// the tags as names ("B-Disease") or as integer ids into a label list (the dataset's ClassLabel
// names, given with --labels). Other fields ("id", "pos_tags", ...) are read past. The reader
// checks what the CoNLL reader checks (UTF-8, tag syntax) and reports "path:line: expected ...,
// found ..."; it does not check tag sequences (validate_tags in tag_scheme.h does).
#pragma once

#include "data/conll.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace medner {

// The label names of a --labels value: "B-X,I-X,O" (comma-separated, in id order) or a JSON file
// (a name ending in .json): a dataset_info.json ({"features": {"ner_tags": {"feature": {"names":
// [...]}}}}), its "features" object, a ClassLabel ({"names": [...]}), a list of names, or a
// label-to-id object ({"O": 0, "B-X": 1}, as tner's label.json). "" gives no labels. InputError
// for a name that is not a tag, a duplicate, or a file that holds none of these.
std::vector<std::string> read_label_list(const std::string& spec);

// One sentence per non-blank line; blank lines are skipped. Sentence::line is the JSON line and
// Sentence::one_line is set (all tokens are on it). `labels` maps integer ids to names; without
// it, ids are an InputError that says to give --labels.
Corpus read_hf_json_text(const std::string& text, const std::string& name, const std::vector<std::string>& labels);
Corpus read_hf_json(const std::string& path, const std::vector<std::string>& labels);

// {"tokens": [...], "ner_tags": [...]} per sentence, names as they are, or ids when `labels` is
// given (InputError for a tag not in it).
// read_hf_json reads it back unchanged.
std::string hf_json_line(const std::vector<std::string>& tokens, const std::vector<std::string>& tags,
                         const std::vector<std::string>& labels = {});
void write_hf_json(std::ostream& out, const Corpus& corpus, const std::vector<std::string>& labels = {});

}  // namespace medner
