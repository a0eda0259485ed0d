// The abbreviation options (data/abbreviation_resolution.h), declared once: medner-tag and
// medner-eval --model include them.
#pragma once

#include "data/abbreviation_resolution.h"
#include "options/option_table.h"

namespace medner {

const OptionTable<AbbreviationOptions>& abbreviation_options();

}  // namespace medner
