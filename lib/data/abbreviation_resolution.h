// Making a document's entities agree with its abbreviation definitions (data/abbreviations.h),
// after tagging.
//
// For each definition the type is that of the entity tagged exactly on the long form. One that
// also holds more ("deficiency of aspartoacylase (ASPA)", "deleted in colorectal carcinoma" for
// the gene DCC) names something else: on NCBI-disease dev, taking the type of any entity that
// ends with the long form cost 0.4 F1 where the exact rule gains. Where the long form is not
// tagged but the short form in the definition is, the type is the short form's and the long form
// is tagged with it, if none of its tokens is in another entity. Then every occurrence of the
// short form (the same tokens, case included: "AT" for ataxia telangiectasia is not "at") in the
// sentences the definition reaches:
//   - tagged exactly, as another type: gets the definition's type;
//   - untagged, none of its tokens in an entity nor joined to a neighbour by a hyphen
//     ("DM-protein kinase" is a gene, not myotonic dystrophy): tagged with the definition's type;
//   - inside or across a longer entity ("HNPCC families" tagged whole): left as it is, the tagger
//     read more there than the short form;
//   - a definition of which no token is tagged, long form or short ("magnetic resonance imaging
//     (MRI)"), names no entity: unless keep_untyped, its occurrences tagged exactly lose their
//     tag. Part of the long form tagged ("von Hippel-Lindau tumor suppressor gene (VHL)") puts
//     its extent in doubt, not the entity: nothing changes.
// A changed or added entity's confidence is that of the entity its type came from. The first
// definition of a short form (in document order) that reaches a sentence is the one used there.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace medner {

struct AbbreviationOptions {
  bool enabled = false;
  // How many sentences before and after its own a definition reaches; 0: the whole document.
  int scope = 0;
  // Keep the tags of short forms whose definitions name no entity (default: untag them).
  bool keep_untyped = false;
};

// An entity of one sentence: tokens [begin, end).
struct Mention {
  std::size_t begin = 0, end = 0;
  std::string type;
  double confidence = 0;
};

// What resolution changed, for reports and tests.
struct AbbreviationChanges {
  std::size_t definitions = 0;  // found in the document
  std::size_t retyped = 0, added = 0, removed = 0;  // entities
};

// tokens[i] and mentions[i]: sentence i of one document, in order; mentions sorted and not
// overlapping (what a tagger's spans are), changed in place and left so.
AbbreviationChanges resolve_abbreviations(const std::vector<const std::vector<std::string>*>& tokens,
                                          std::vector<std::vector<Mention>>& mentions, const AbbreviationOptions& options);

}  // namespace medner
