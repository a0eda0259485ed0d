// Builds the allowed-transition masks of crf_constraints.h from label strings.
#include "crf/crf_constraints.h"

#include "core/error.h"

#include <algorithm>
#include <cctype>

namespace medner {

namespace {

struct ParsedLabel {
  char prefix = 'O';  // 'O', 'B', 'I', 'E', 'S'
  std::string type;   // empty for O
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "B-Chemical" -> {'B', "Chemical"}; "O" -> {'O', ""}. `known` lists the prefixes of the scheme.
ParsedLabel parse_label(const std::string& label, const std::string& scheme, const std::string& known) {
  if (label == "O") return ParsedLabel{};
  const std::size_t dash = label.find('-');
  const std::string prefix = label.substr(0, dash);
  if (dash == std::string::npos || dash == 0 || dash + 1 == label.size() || prefix.size() != 1 ||
      known.find(prefix[0]) == std::string::npos) {
    std::string expected;
    for (char c : known) expected += std::string(expected.empty() ? "" : ", ") + c + "-<type>";
    throw InputError(fmt::format("tag scheme {}: label '{}' is not 'O' or one of {}", scheme, label,
                                 expected));
  }
  return ParsedLabel{prefix[0], label.substr(dash + 1)};
}

}  // namespace

CrfConstraints CrfConstraints::none(Index labels) {
  CrfConstraints c;
  c.allowed_trans = Mask::Constant(labels, labels, true);
  c.allowed_start = MaskVector::Constant(labels, true);
  c.allowed_end = MaskVector::Constant(labels, true);
  return c;
}

std::string CrfConstraints::describe(int label) const {
  if (label >= 0 && static_cast<std::size_t>(label) < labels.size())
    return fmt::format("label {} ('{}')", label, labels[static_cast<std::size_t>(label)]);
  return fmt::format("label {}", label);
}

CrfConstraints crf_constraints(const std::vector<std::string>& labels, const std::string& scheme) {
  const std::string s = lower(scheme);
  if (s != "iob2" && s != "iobes" && s != "none")
    throw InputError(fmt::format("tag scheme: expected 'iob2', 'iobes' or 'none', got '{}'", scheme));
  const auto L = static_cast<Index>(labels.size());
  if (L == 0) throw InputError(fmt::format("tag scheme {}: the label set is empty", scheme));
  CrfConstraints c = CrfConstraints::none(L);
  c.labels = labels;
  if (s == "none") return c;

  std::vector<ParsedLabel> parsed;
  for (const std::string& label : labels) parsed.push_back(parse_label(label, s, s == "iob2" ? "BI" : "BIES"));

  for (Index i = 0; i < L; ++i) {
    const ParsedLabel& a = parsed[static_cast<std::size_t>(i)];
    if (s == "iob2") {
      // A sentence may not open inside an entity.
      c.allowed_start(i) = a.prefix != 'I';
    } else {
      c.allowed_start(i) = a.prefix == 'O' || a.prefix == 'B' || a.prefix == 'S';
      c.allowed_end(i) = a.prefix == 'O' || a.prefix == 'E' || a.prefix == 'S';
    }
    for (Index j = 0; j < L; ++j) {
      const ParsedLabel& b = parsed[static_cast<std::size_t>(j)];
      bool ok = true;
      if (s == "iob2") {
        // I-Y continues an entity of type Y: it must follow B-Y or I-Y.
        if (b.prefix == 'I') ok = (a.prefix == 'B' || a.prefix == 'I') && a.type == b.type;
      } else {
        const bool inside = a.prefix == 'B' || a.prefix == 'I';  // an open entity of type a.type
        if (inside)
          ok = (b.prefix == 'I' || b.prefix == 'E') && b.type == a.type;
        else
          ok = b.prefix == 'O' || b.prefix == 'B' || b.prefix == 'S';
      }
      c.allowed_trans(i, j) = ok;
    }
  }
  return c;
}

}  // namespace medner
