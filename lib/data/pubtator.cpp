// PubTator reading and writing: the line grammar and its checks. Turning documents into tagged
// sentences and back is pubtator_align.cpp.
#include "data/pubtator.h"

#include "core/error.h"
#include "data/utf8.h"

#include <fmt/format.h>

#include <ostream>

namespace medner {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

std::size_t parse_offset(const std::string& s, const char* what, const std::string& where) {
  if (!all_digits(s) || s.size() > 12)
    throw InputError(fmt::format("{}: expected the {} offset (a number), found '{}'", where, what, message_excerpt(s)));
  return static_cast<std::size_t>(std::stoull(s));
}

// Reads the lines of one file into documents; `text` of the open document is decoded once it is
// complete, for the mention checks.
class PubTatorParser {
 public:
  explicit PubTatorParser(std::string name) : name_(std::move(name)) {}

  void line(std::string s, int no) {
    where_ = fmt::format("{}:{}", name_, no);
    std::size_t bad = 0;
    if (!utf8_valid(s, &bad))
      throw InputError(fmt::format("{}: invalid UTF-8 at byte column {}; expected UTF-8 text", where_, bad + 1));
    if (s.find_first_not_of(" \t") == std::string::npos) return;
    const std::size_t bar = s.find('|');
    const std::size_t tab = s.find('\t');
    if (bar != std::string::npos && bar < tab && s.size() >= bar + 3 && s[bar + 2] == '|' &&
        (s[bar + 1] == 't' || s[bar + 1] == 'a')) {
      if (s[bar + 1] == 't') title(s.substr(0, bar), s.substr(bar + 3), no);
      else abstract(s.substr(0, bar), s.substr(bar + 3));
      return;
    }
    if (tab == std::string::npos)
      throw InputError(fmt::format("{}: expected 'PMID|t|title', 'PMID|a|abstract' or a tab-separated mention line, "
                                   "found '{}'",
                                   where_, message_excerpt(s)));
    mention(split_tabs(s), no);
  }

  std::vector<PubTatorDocument> finish() { return std::move(docs_); }

 private:
  void title(std::string pmid, std::string text, int no) {
    if (pmid.empty()) throw InputError(where_ + ": expected a PMID before '|t|', found none");
    // A byte-order mark is read past only as a file's first bytes; one inside a PMID would be
    // written at the start of a file and lost when that file is read back (fuzz_formats found it).
    if (pmid.compare(0, 3, "\xEF\xBB\xBF") == 0)
      throw InputError(where_ + ": expected a PMID before '|t|', found a byte-order mark (U+FEFF) in front of it");
    PubTatorDocument& d = docs_.emplace_back();
    d.pmid = std::move(pmid);
    d.title = std::move(text);
    d.line = no;
    chars_ = utf8_decode(d.text());
    has_abstract_ = false;
  }

  void abstract(const std::string& pmid, std::string text) {
    if (docs_.empty() || docs_.back().pmid != pmid || has_abstract_ || !docs_.back().mentions.empty())
      throw InputError(fmt::format("{}: expected 'PMID|a|abstract' right after the title line of PMID {}, found one "
                                   "for PMID '{}'",
                                   where_, docs_.empty() ? "(none yet)" : docs_.back().pmid, message_excerpt(pmid)));
    docs_.back().abstract = std::move(text);
    chars_ = utf8_decode(docs_.back().text());
    has_abstract_ = true;
  }

  void mention(const std::vector<std::string>& f, int no) {
    if (f.size() >= 2 && !all_digits(f[1])) return;  // a relation line (BC5CDR's PMID CID chemical disease)
    if (f.size() < 5)
      throw InputError(fmt::format("{}: expected 5 or more tab-separated columns (PMID, start, end, mention, type[, "
                                   "id]), found {}",
                                   where_, f.size()));
    if (docs_.empty() || docs_.back().pmid != f[0])
      throw InputError(fmt::format("{}: expected a mention of PMID {}, found PMID '{}'", where_,
                                   docs_.empty() ? "(no title line yet)" : docs_.back().pmid, message_excerpt(f[0])));
    PubTatorMention m;
    m.begin = parse_offset(f[1], "start", where_);
    m.end = parse_offset(f[2], "end", where_);
    m.text = f[3];
    m.type = f[4];
    m.id = f.size() > 5 ? f[5] : "";
    m.line = no;
    if (m.begin >= m.end)
      throw InputError(fmt::format("{}: expected start < end, found {} >= {}", where_, m.begin, m.end));
    if (m.end > chars_.size())
      throw InputError(fmt::format("{}: offset {} is past the end of the text ({} characters: title, space, abstract)",
                                   where_, m.end, chars_.size()));
    const std::string at = utf8_encode(std::u32string_view(chars_).substr(m.begin, m.end - m.begin));
    if (at != m.text)
      throw InputError(fmt::format("{}: mention '{}' differs from the text at {}-{}, '{}'", where_,
                                   message_excerpt(m.text), m.begin, m.end, message_excerpt(at)));
    if (m.type.empty() || m.type.find_first_of(" \t") != std::string::npos)
      throw InputError(fmt::format("{}: expected a type without whitespace, found '{}'", where_, message_excerpt(m.type)));
    docs_.back().mentions.push_back(std::move(m));
  }

  std::string name_, where_;
  std::vector<PubTatorDocument> docs_;
  std::u32string chars_;  // text() of the open document
  bool has_abstract_ = false;
};

}  // namespace

std::vector<PubTatorDocument> read_pubtator_text(const std::string& text, const std::string& name) {
  PubTatorParser parser(name);
  std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int no = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    parser.line(std::move(line), ++no);
  }
  std::vector<PubTatorDocument> docs = parser.finish();
  if (docs.empty())
    throw InputError(fmt::format("{}:{}: no documents; expected 'PMID|t|title' and 'PMID|a|abstract' lines", name,
                                 no > 0 ? no : 1));
  return docs;
}

void write_pubtator_document(std::ostream& out, const PubTatorDocument& d) {
  out << d.pmid << "|t|" << d.title << '\n' << d.pmid << "|a|" << d.abstract << '\n';
  for (const PubTatorMention& m : d.mentions) {
    out << d.pmid << '\t' << m.begin << '\t' << m.end << '\t' << m.text << '\t' << m.type;
    if (!m.id.empty()) out << '\t' << m.id;
    out << '\n';
  }
  out << '\n';
}

void write_pubtator(std::ostream& out, const std::vector<PubTatorDocument>& docs) {
  for (const PubTatorDocument& d : docs) write_pubtator_document(out, d);
  if (!out) throw IoError("write_pubtator: write failed (disk full or closed output?)");
}

}  // namespace medner
