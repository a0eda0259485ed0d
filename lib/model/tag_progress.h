// How far medner-tag has got, as tag_stream reports it after each chunk it writes, and the
// progress line it is shown as (io/progress_bar.h draws it).
#pragma once

#include <functional>
#include <string>

namespace medner {

enum class TagInput;

struct TagProgress {
  long units = 0;   // lines of raw text, sentences or PubTator documents written
  long tokens = 0;  // their tokens
  long total = 0;   // units in the whole input when it was read whole (sentence inputs); else 0
};
using TagProgressFn = std::function<void(const TagProgress&)>;

// "120 lines, 3456 tokens, 1234 tok/s [====      ]  42%": the gauge and percentage from
// p.total, else from `fraction` of the input read (0 to 1; negative: unknown, none shown).
std::string tag_progress_line(const TagProgress& p, TagInput input, double seconds, double fraction);

}  // namespace medner
