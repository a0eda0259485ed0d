#include "options/abbreviation_options.h"

namespace medner {

const OptionTable<AbbreviationOptions>& abbreviation_options() {
  using A = AbbreviationOptions;
  static const OptionTable<A> table = {
      bool_option<A>("abbreviations", &A::enabled, false,
                     "a short form defined in a document (\"colorectal cancer (CRC)\") takes its long form's type "
                     "wherever it occurs there (a document: a text line, a PubTator document, a -DOCSTART- block)"),
      int_option<A>("abbreviation-scope", &A::scope, 0, 0,
                    "with --abbreviations: sentences before and after its own that a definition reaches (0: the "
                    "whole document)"),
      bool_option<A>("abbreviation-keep-untyped", &A::keep_untyped, false,
                     "with --abbreviations: keep the tags of short forms whose definitions are untagged (default: "
                     "untag them, \"magnetic resonance imaging (MRI)\" names no entity)"),
  };
  return table;
}

}  // namespace medner
