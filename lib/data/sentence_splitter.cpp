// Sentence splitting over decoded code points. Every candidate boundary is a whitespace run; the
// decision looks at a bounded window before it (terminators, closers, the abbreviation word) and
// at the one character after it, so the whole pass is linear in the text length.
#include "data/sentence_splitter.h"

#include "data/tokenizer.h"
#include "data/utf8.h"

#include <string>

namespace medner {
namespace {

constexpr std::size_t kMaxLookback = 16;  // terminators / closers / abbreviation length examined

// Abbreviations that end in '.' inside PubMed sentences and are usually followed by a capital
// or a digit. Single letters (initials, "e.g.", "i.v.", "U.S.") are handled by rule, not listed.
// "etc." is deliberately absent: it ends a sentence more often than not.
constexpr std::u32string_view kAbbreviations[] = {
    U"al",    U"vs",    U"Vs",     U"viz",   U"cf",    U"Cf",     U"Fig",  U"Figs", U"fig",
    U"figs",  U"Dr",    U"Drs",    U"Mr",    U"Mrs",   U"Ms",     U"Prof", U"Jr",   U"Sr",
    U"St",    U"approx", U"Approx", U"ca",   U"resp",  U"Eq",     U"Eqs",  U"eq",   U"Ref",
    U"Refs",  U"ref",   U"refs",   U"No",    U"no",    U"Nos",    U"Vol",  U"vol",  U"pp",
    U"Suppl", U"suppl", U"sp",     U"spp",   U"subsp", U"var",    U"cv",   U"Inc",  U"Ltd",
    U"Co",    U"Corp",  U"Dept",   U"Univ",  U"Ph",    U"Ed",     U"Eds",  U"ed",   U"eds",
    // journal title words in citations ("J. Biol. Chem. 273", "Proc. Natl. Acad. Sci.")
    U"Acad",  U"Am",    U"Biochem", U"Biol", U"Biophys", U"Chem",  U"Clin", U"Engl", U"Eur",
    U"Exp",   U"Genet", U"Hum",    U"Immunol", U"Int", U"Invest", U"Med",  U"Mol",  U"Mutat",
    U"Natl",  U"Neurol", U"Pathol", U"Pharmacol", U"Physiol", U"Proc", U"Sci",
};

bool is_terminator(char32_t c) { return c == '.' || c == '!' || c == '?'; }

bool is_closer(char32_t c) {
  return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == 0x2019 ||
         c == 0x201D || c == 0x00BB;
}

// What may begin a sentence: uppercase letters (ASCII, Latin-1, Greek, Cyrillic, fullwidth),
// digits, Greek lowercase (sentences start with "β-Blockers", "α-Synuclein"), opening brackets
// and quotes.
bool starts_sentence(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '(': case '[': case '{': case '"': case '\'':
    case 0x2018: case 0x201C: case 0x00AB:
      return true;
    default:
      break;
  }
  return (c >= 0x00C0 && c <= 0x00DE && c != 0x00D7) || (c >= 0x0391 && c <= 0x03A9) ||
         (c >= 0x03B1 && c <= 0x03C9) || (c >= 0x0400 && c <= 0x042F) ||
         (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A);
}

bool is_lower(char32_t c) { return c >= 'a' && c <= 'z'; }

// A single letter before '.' is an initial or part of a dotted abbreviation unless context says it
// ends a sentence. b is the letter's index.
//  - a dotted chain ("e.g", "i.v", "U.S", "J.N") is an abbreviation (on the corpora, treating
//    "p.o." / "i.v." at a sentence end as sentence ends costs as many boundaries as it gains);
//  - a lone lowercase letter is a unit ("24 h.", "2.8 g.");
//  - a lone uppercase letter is an initial after '(', ',', ';', '.', '&' or at the start
//    ("Feder, J. N.", "(C. elegans"), otherwise it ends a name ("vitamin D.", "hepatitis C.",
//    "HLA-A.", "group B.").
bool single_letter_abbreviation(const std::u32string& s, std::size_t b) {
  if (b > 0 && s[b - 1] == '.') return true;
  if (is_lower(s[b])) return false;
  std::size_t p = b;
  if (p > 0 && (s[p - 1] == '(' || s[p - 1] == '[')) return true;
  if (p > 0 && char_class(s[p - 1]) != CharClass::Space) return false;
  while (p > 0 && b - p <= kMaxLookback && char_class(s[p - 1]) == CharClass::Space) --p;
  if (p == 0) return true;
  switch (s[p - 1]) {
    case ',': case '(': case '[': case ';': case '.': case '&':
      return true;
    default:
      return false;
  }
}

// True if the '.' at s[dot] ends an abbreviation: a single letter in the cases above, or a
// listed word.
bool ends_abbreviation(const std::u32string& s, std::size_t dot) {
  std::size_t b = dot;
  while (b > 0 && dot - b <= kMaxLookback && char_class(s[b - 1]) == CharClass::Word) --b;
  std::size_t len = dot - b;
  if (len == 0 || len > kMaxLookback) return false;
  if (len == 1) return !(s[b] >= '0' && s[b] <= '9') && single_letter_abbreviation(s, b);
  std::u32string_view word(s.data() + b, len);
  for (std::u32string_view a : kAbbreviations)
    if (word == a) return true;
  return false;
}

// Biomedical sentences may start with a lowercase gene or molecule name that has a capital
// later ("mRNA", "cDNA", "apoB", "beta-Glucuronidase"): the text up to the next whitespace
// starts lowercase and holds an uppercase ASCII letter.
bool mixed_case_start(const std::u32string& s, std::size_t i) {
  if (!is_lower(s[i])) return false;
  for (std::size_t k = i; k < s.size() && k - i <= 2 * kMaxLookback; ++k) {
    if (char_class(s[k]) == CharClass::Space) break;
    if (s[k] >= 'A' && s[k] <= 'Z') return true;
  }
  return false;
}

// The whitespace run s[ws_begin, ws_end) follows a sentence terminator and precedes a sentence
// start, and the terminator is not an abbreviation's period.
bool terminator_boundary(const std::u32string& s, std::size_t ws_begin, std::size_t ws_end) {
  if (ws_end >= s.size() || !(starts_sentence(s[ws_end]) || mixed_case_start(s, ws_end)))
    return false;
  std::size_t k = ws_begin;
  while (k > 0 && ws_begin - k < kMaxLookback && is_closer(s[k - 1])) --k;
  std::size_t t = k;
  while (t > 0 && k - t < kMaxLookback && is_terminator(s[t - 1])) --t;
  if (t == k) return false;
  if (k - t == 1 && s[t] == '.' && ends_abbreviation(s, t)) return false;
  return true;
}

bool is_line_break(const std::u32string& s, std::size_t i) {
  char32_t c = s[i];
  if (c == '\r') return i + 1 >= s.size() || s[i + 1] != '\n';  // CR LF counts once
  return c == '\n' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> split_sentences(std::string_view text) {
  const std::u32string s = utf8_decode(text);
  const std::size_t n = s.size();
  std::vector<std::size_t> cuts;  // starts of whitespace runs that end a sentence
  std::size_t i = 0;
  while (i < n) {
    if (char_class(s[i]) != CharClass::Space) {
      ++i;
      continue;
    }
    std::size_t j = i;
    int breaks = 0;
    bool paragraph = false;
    for (; j < n && char_class(s[j]) == CharClass::Space; ++j) {
      if (is_line_break(s, j)) ++breaks;
      if (s[j] == 0x2029) paragraph = true;
    }
    if (i > 0 && j < n && (breaks >= 2 || paragraph || terminator_boundary(s, i, j)))
      cuts.push_back(i);
    i = j;
  }
  cuts.push_back(n);

  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  for (std::size_t cut : cuts) {
    std::size_t b = start, e = cut;
    while (b < e && char_class(s[b]) == CharClass::Space) ++b;
    while (e > b && char_class(s[e - 1]) == CharClass::Space) --e;
    if (b < e) out.emplace_back(b, e);
    start = cut;
  }
  return out;
}

}  // namespace medner
