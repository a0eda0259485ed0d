// The token-per-line reader: ConllScanner's lines, one field each.
#include "data/token_lines.h"

#include <fmt/format.h>

#include "core/error.h"

namespace medner {

Corpus read_token_lines_text(std::string text, const std::string& name) {
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
  while (scanner.next(line)) {
    const auto& f = line.fields;
    if (f.empty()) {
      flush();
      continue;
    }
    if (f[0] == "-DOCSTART-") {  // a document boundary with any columns, as read_conll reads it
      flush();
      if (!corpus.sentences.empty()) ++document;
      continue;
    }
    if (f.size() > 1)
      throw InputError(
          fmt::format("{}:{}: expected one token per line, got {} fields ('{}', '{}'{}); for "
                      "token and tag columns use --input-format conll",
                      name, line.number, f.size(), message_excerpt(f[0]), message_excerpt(f[1]),
                      f.size() > 2 ? ", ..." : ""));
    if (current.tokens.empty()) {
      current.line = line.number;
      current.document = document;
    }
    current.tokens.emplace_back(f[0]);
  }
  flush();
  return corpus;
}

Corpus read_token_lines(std::istream& in, const std::string& name) {
  return read_token_lines_text(read_text_stream(in, name), name);
}

}  // namespace medner
