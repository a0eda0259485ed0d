#include "model/tag_progress.h"

#include "io/progress_bar.h"
#include "model/tagging.h"

#include <fmt/format.h>

#include <algorithm>

namespace medner {

std::string tag_progress_line(const TagProgress& p, TagInput input, double seconds, double fraction) {
  const char* unit = input == TagInput::Text ? "lines" : input == TagInput::PubTator ? "documents" : "sentences";
  std::string line = fmt::format("{} {}, {} tokens, {:.0f} tok/s", p.units, unit, p.tokens,
                                 static_cast<double>(p.tokens) / std::max(seconds, 1e-9));
  if (p.total > 0) fraction = static_cast<double>(p.units) / static_cast<double>(p.total);
  if (fraction >= 0) line += fmt::format(" {} {:3.0f}%", progress_gauge(fraction, 20), 100 * fraction);
  return line;
}

}  // namespace medner
