// CoNLL reader/writer. The file is read whole and scanned line by line with memchr; fields are
// string_views into that buffer, so only the kept tokens and tags are copied (1 MB in a few ms).
#include "data/conll.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "core/error.h"
#include "data/tag_scheme.h"
#include "data/utf8.h"

namespace medner {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kDocStart = "-DOCSTART-";
constexpr std::size_t kExcerptBytes = 40;

bool is_field_separator(char c) { return c == ' ' || c == '\t'; }

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t i = 0;
  const std::size_t n = line.size();
  while (i < n) {
    while (i < n && is_field_separator(line[i])) ++i;
    if (i == n) break;
    std::size_t start = i;
    while (i < n && !is_field_separator(line[i])) ++i;
    fields.push_back(line.substr(start, i - start));
  }
}

bool has_whitespace(const std::string& s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

std::string message_excerpt(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (out.size() >= kExcerptBytes) {
      out += "...";
      break;
    }
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) {
      out += fmt::format("\\x{:02X}", b);
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t cp = 0;
    if (utf8_next(s, i, cp)) {
      out.append(s.substr(start, i - start));
    } else {
      out += fmt::format("\\x{:02X}", b);  // utf8_next advanced i by one byte
    }
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw IoError(fmt::format("{}: cannot read: is a directory, expected a file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw IoError(fmt::format("{}: cannot open for reading: {}", path, std::strerror(errno)));
  return read_text_stream(in, path);
}

std::string read_text_stream(std::istream& in, const std::string& name) {
  std::ostringstream buf;
  buf << in.rdbuf();
  // operator<< sets failbit on the *output* stream when nothing was extracted (empty input);
  // a read error shows as badbit on the input stream.
  if (in.bad()) throw IoError(fmt::format("{}: read error", name));
  return std::move(buf).str();
}

ConllScanner::ConllScanner(std::string text, std::string name)
    : text_(std::move(text)), name_(std::move(name)) {
  if (std::string_view(text_).substr(0, kBom.size()) == kBom) pos_ = kBom.size();
}

bool ConllScanner::next(ConllLine& line) {
  if (pos_ >= text_.size()) return false;
  const char* base = text_.data() + pos_;
  std::size_t rest = text_.size() - pos_;
  const void* nl = std::memchr(base, '\n', rest);
  std::size_t len =
      nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - base) : rest;
  pos_ += len + (nl != nullptr ? 1 : 0);
  std::string_view text(base, len);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  line.number = ++line_;

  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    auto col = static_cast<const char*>(nul) - text.data() + 1;
    throw InputError(
        fmt::format("{}:{}: NUL byte at byte column {}; expected UTF-8 text "
                    "(is this a binary file?)",
                    name_, line_, col));
  }
  // A CR that does not end the line: a file with old-Mac CR-only line ends would otherwise be
  // read as one line whose fields are all its tokens and tags, i.e. one token: a silent misread.
  if (const void* cr = std::memchr(text.data(), '\r', text.size())) {
    auto col = static_cast<const char*>(cr) - text.data() + 1;
    throw InputError(
        fmt::format("{}:{}: carriage return inside the line at byte column {}; expected LF or "
                    "CRLF line ends (does the file use CR-only line ends?)",
                    name_, line_, col));
  }
  std::size_t bad = 0;
  if (!utf8_valid(text, &bad)) {
    throw InputError(
        fmt::format("{}:{}: invalid UTF-8 at byte column {} (byte 0x{:02X}); "
                    "expected UTF-8 text",
                    name_, line_, bad + 1, static_cast<unsigned char>(text[bad])));
  }
  split_fields(text, line.fields);
  return true;
}

void ColumnCount::check(const ConllLine& line, const std::string& name) {
  if (columns_ == 0) {
    columns_ = line.fields.size();
    first_line_ = line.number;
  } else if (line.fields.size() != columns_) {
    throw InputError(fmt::format("{}:{}: expected {} columns as on line {}, found {}", name, line.number, columns_,
                                 first_line_, line.fields.size()));
  }
}

Corpus read_conll_text(std::string text, const std::string& name) {
  ConllScanner scanner(std::move(text), name);
  Corpus corpus;
  corpus.path = name;
  Sentence current;
  int document = 0;
  auto flush = [&] {
    if (!current.tokens.empty()) corpus.sentences.push_back(std::move(current));
    current = Sentence();
  };
  ConllLine line;
  ColumnCount columns;
  while (scanner.next(line)) {
    const auto& f = line.fields;
    if (f.empty() || f[0] == kDocStart) {
      flush();
      if (!f.empty() && !corpus.sentences.empty()) ++document;
      continue;
    }
    if (f.size() < 2) {
      throw InputError(fmt::format("{}:{}: expected 2 columns (token, tag), got 1 ('{}')", name,
                                   line.number, message_excerpt(f[0])));
    }
    columns.check(line, name);
    std::string_view tag = f.back();
    if (!parse_tag(tag)) {
      throw InputError(fmt::format("{}:{}: {}", name, line.number, invalid_tag_reason(tag)));
    }
    if (current.tokens.empty()) {
      current.line = line.number;
      current.document = document;
    }
    current.tokens.emplace_back(f[0]);
    current.tags.emplace_back(tag);
  }
  flush();
  if (corpus.sentences.empty()) {
    int at = scanner.lines_read() > 0 ? scanner.lines_read() : 1;
    throw InputError(fmt::format(
        "{}:{}: no sentences ({}); expected lines 'token<TAB>tag'", name, at,
        scanner.lines_read() == 0 ? "the file is empty" : "only blank or -DOCSTART- lines"));
  }
  return corpus;
}

Corpus read_conll(const std::string& path) { return read_conll_text(read_text_file(path), path); }

Corpus read_conll(std::istream& in, const std::string& name) {
  return read_conll_text(read_text_stream(in, name), name);
}

std::vector<std::string> split_file_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name.empty())
      throw InputError(fmt::format("'{}': expected a file name or a comma-separated list of them, found an "
                                   "empty name",
                                   list));
    out.push_back(std::move(name));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

Corpus read_conll_files(const std::string& list, const std::function<void(const Corpus&)>& check) {
  Corpus all;
  all.path = list;
  for (const std::string& path : split_file_list(list)) {
    Corpus part = read_conll(path);
    if (check) check(part);
    // Each file's documents follow the previous file's: no document spans two files.
    const int base = all.sentences.empty() ? 0 : all.sentences.back().document + 1;
    for (Sentence& s : part.sentences) s.document += base;
    all.sentences.insert(all.sentences.end(), std::make_move_iterator(part.sentences.begin()),
                         std::make_move_iterator(part.sentences.end()));
  }
  return all;
}

std::vector<int> document_ids(const Corpus& corpus) {
  std::vector<int> ids;
  ids.reserve(corpus.sentences.size());
  for (const Sentence& s : corpus.sentences) ids.push_back(s.document);
  return ids;
}

void write_conll(std::ostream& out, const Corpus& corpus) {
  for (std::size_t s = 0; s < corpus.sentences.size(); ++s) {
    const Sentence& sent = corpus.sentences[s];
    MEDNER_CHECK(!sent.tokens.empty(), "write_conll: sentence {} is empty", s);
    MEDNER_CHECK(sent.tokens.size() == sent.tags.size(),
                 "write_conll: sentence {} has {} tokens but {} tags", s, sent.tokens.size(),
                 sent.tags.size());
    for (std::size_t k = 0; k < sent.tokens.size(); ++k) {
      const std::string& tok = sent.tokens[k];
      const std::string& tag = sent.tags[k];
      MEDNER_CHECK(!tok.empty() && !has_whitespace(tok) && !tag.empty() && !has_whitespace(tag),
                   "write_conll: sentence {} token {} ('{}' / '{}') is empty or has whitespace", s,
                   k, message_excerpt(tok), message_excerpt(tag));
      out << tok << '\t' << tag << '\n';
    }
    out << '\n';
  }
  if (!out) throw IoError("write_conll: write failed (disk full or closed output?)");
}

}  // namespace medner
