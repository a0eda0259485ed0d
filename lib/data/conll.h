// CoNLL column files: one token per line, token in the first column and tag in the last, columns
// separated by tabs or runs of spaces, blank lines between sentences. The reader validates
// everything (UTF-8, NUL bytes, column count, tag syntax) and reports bad input as InputError
// "path:line: ..."; it does not check tag *sequences* (see validate_tags in tag_scheme.h).
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

struct Sentence {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;
  int line = 0;  // 1-based line of the first token; token k is on line + k
  int document = 0;  // counts the -DOCSTART- lines before the sentence (0 in a file without them)
  // All tokens on `line` (a JSON line, a PubTator document): then token k is on line, not line + k.
  bool one_line = false;
};

// The input line of token k of s, for error messages.
inline int token_line(const Sentence& s, std::size_t k) { return s.one_line ? s.line : s.line + static_cast<int>(k); }

struct Corpus {
  std::string path;
  std::vector<Sentence> sentences;
  // The documents' names by Sentence::document, where the format has them (PubTator's PMIDs);
  // empty otherwise, and after read_corpus_files joins files.
  std::vector<std::string> document_names;
};

// Reads a CoNLL file. Accepted: tabs or runs of spaces between columns, any number of columns
// >= 2 (middle ones are ignored), -DOCSTART- lines (skipped; they end a sentence), any number of
// blank lines, CRLF line ends, a missing final newline, a UTF-8 byte-order mark. Rejected with
// InputError "path:line: ...": invalid UTF-8, NUL bytes, a CR that does not end a line (CR-only
// line ends would make a whole file one line), one-column lines, tags that are not
// O / B-X / I-X / E-X / S-X, a file without sentences. IoError if the file cannot be read.
Corpus read_conll(const std::string& path);
Corpus read_conll(std::istream& in, const std::string& name);
Corpus read_conll_text(std::string text, const std::string& name);

// A list of files given as one option value, "train.tsv,devel.tsv" (training on train + dev):
// the names in order. InputError for an empty list or an empty name ("a,,b", "a,").
std::vector<std::string> split_file_list(const std::string& list);
// The files of such a list read with read_conll and concatenated in order; the corpus's path is
// the list as given (errors while reading still name the file and line). `check`, if given, sees
// each file before it is added (and may throw). Documents are numbered on across files.
Corpus read_conll_files(const std::string& list, const std::function<void(const Corpus&)>& check = {});
// The document of every sentence (Sentence::document), for document context (train/context.h).
std::vector<int> document_ids(const Corpus& corpus);

// token<TAB>tag per line, a blank line after every sentence; read_conll reads it back unchanged.
// Sentences must be non-empty, tokens and tags non-empty and free of whitespace.
void write_conll(std::ostream& out, const Corpus& corpus);

// Whole file / stream as bytes; IoError "path: cannot open: <reason>" etc.
std::string read_text_file(const std::string& path);
std::string read_text_stream(std::istream& in, const std::string& name);

// One line of a CoNLL file split into fields; the views point into the scanner's buffer and stay
// valid as long as the scanner lives.
struct ConllLine {
  int number = 0;                        // 1-based
  std::vector<std::string_view> fields;  // empty for a blank (or whitespace-only) line
};

// The layer under read_conll, shared with the conlleval-format reader of lib/eval: splits text
// into lines (LF or CRLF; a UTF-8 BOM at the start is dropped) and fields (separated by runs of
// tabs and spaces), and rejects NUL bytes, a CR inside a line and invalid UTF-8 with the line
// and byte column.
class ConllScanner {
 public:
  ConllScanner(std::string text, std::string name);
  bool next(ConllLine& line);  // false at end of input
  const std::string& name() const { return name_; }
  int lines_read() const { return line_; }

 private:
  std::string text_;
  std::string name_;
  std::size_t pos_ = 0;
  int line_ = 0;
};

// Every token line of a CoNLL file has the same number of columns: conlleval and CRF++ refuse a
// file where it varies, and a row with a column missing would silently shift which column is the
// tag. check() records the first token line's count and throws InputError
// "<file>:<line>: expected N columns as on line M, found K" at the first line that differs.
class ColumnCount {
 public:
  void check(const ConllLine& line, const std::string& name);

 private:
  std::size_t columns_ = 0;
  int first_line_ = 0;
};

// s for an error message: quoted-safe (control and non-UTF-8 bytes as \xHH) and cut to about
// 40 bytes with "..." so a 10 MB token cannot flood the terminal.
std::string message_excerpt(std::string_view s);

}  // namespace medner
