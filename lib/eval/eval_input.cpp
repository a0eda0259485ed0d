// Readers for the two scoring inputs, on top of ConllScanner (same UTF-8/NUL/CRLF/BOM handling
// and error format as read_conll), and the token alignment check between two corpora.
#include "eval/eval_input.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "data/tag_scheme.h"

namespace medner {

namespace {

constexpr std::string_view kBoundary = "-X-";  // conlleval's sentence boundary token
constexpr std::string_view kDocStart = "-DOCSTART-";

void check_tag(const std::string& name, int line, std::string_view tag, const char* which,
               std::size_t column) {
  if (parse_tag(tag)) return;
  throw InputError(fmt::format("{}:{}: {} tag (column {}): {}", name, line, which, column,
                               invalid_tag_reason(tag)));
}

}  // namespace

EvalInput read_conlleval_text(std::string text, const std::string& name) {
  ConllScanner scanner(std::move(text), name);
  EvalInput in;
  in.gold.path = name;
  in.pred.path = name;
  Sentence gold;
  Sentence pred;
  auto flush = [&] {
    if (!gold.tokens.empty()) {
      pred.tokens = gold.tokens;
      pred.line = gold.line;
      in.gold.sentences.push_back(std::move(gold));
      in.pred.sentences.push_back(std::move(pred));
    }
    gold = Sentence();
    pred = Sentence();
  };
  ColumnCount columns;
  ConllLine line;
  while (scanner.next(line)) {
    const auto& f = line.fields;
    if (f.empty() || f[0] == kBoundary || (f[0] == kDocStart && f.size() < 3)) {
      flush();
      continue;
    }
    if (f.size() < 3) {
      throw InputError(
          fmt::format("{}:{}: expected at least 3 columns (token, gold tag, "
                      "predicted tag), got {}",
                      name, line.number, f.size()));
    }
    columns.check(line, name);
    check_tag(name, line.number, f[f.size() - 2], "gold", f.size() - 1);
    check_tag(name, line.number, f[f.size() - 1], "predicted", f.size());
    if (gold.tokens.empty()) gold.line = line.number;
    gold.tokens.emplace_back(f[0]);
    gold.tags.emplace_back(f[f.size() - 2]);
    pred.tags.emplace_back(f[f.size() - 1]);
  }
  flush();
  if (in.gold.sentences.empty()) {
    int at = std::max(scanner.lines_read(), 1);
    throw InputError(fmt::format(
        "{}:{}: no sentences ({}); expected lines 'token gold "
        "predicted'",
        name, at,
        scanner.lines_read() == 0 ? "the file is empty" : "only blank or boundary lines"));
  }
  return in;
}

EvalInput read_conlleval(const std::string& path) {
  return read_conlleval_text(read_text_file(path), path);
}

EvalInput read_conlleval(std::istream& in, const std::string& name) {
  return read_conlleval_text(read_text_stream(in, name), name);
}

void check_aligned(const Corpus& gold, const Corpus& pred) {
  const std::string& gp = gold.path;
  const std::string& pp = pred.path;
  std::size_t n = std::min(gold.sentences.size(), pred.sentences.size());
  for (std::size_t s = 0; s < n; ++s) {
    const Sentence& g = gold.sentences[s];
    const Sentence& p = pred.sentences[s];
    std::size_t m = std::min(g.tokens.size(), p.tokens.size());
    for (std::size_t k = 0; k < m; ++k) {
      if (g.tokens[k] != p.tokens[k]) {
        throw InputError(fmt::format("{}:{}: token '{}' differs from token '{}' at {}:{}", gp,
                                     token_line(g, k), message_excerpt(g.tokens[k]),
                                     message_excerpt(p.tokens[k]), pp,
                                     token_line(p, k)));
      }
    }
    if (g.tokens.size() != p.tokens.size()) {
      bool gold_shorter = g.tokens.size() < p.tokens.size();
      const Sentence& a = gold_shorter ? g : p;
      const Sentence& b = gold_shorter ? p : g;
      throw InputError(fmt::format(
          "{}:{}: sentence {} ends after {} tokens, but at {}:{} it goes on with token '{}'",
          gold_shorter ? gp : pp, token_line(a, m - 1), s + 1, m,
          gold_shorter ? pp : gp, token_line(b, m), message_excerpt(b.tokens[m])));
    }
  }
  if (gold.sentences.size() != pred.sentences.size()) {
    bool gold_shorter = gold.sentences.size() < pred.sentences.size();
    const Corpus& a = gold_shorter ? gold : pred;
    const Corpus& b = gold_shorter ? pred : gold;
    if (a.sentences.empty()) {
      throw InputError(fmt::format("{}: no sentences, but {} has {}; its first starts at {}:{}",
                                   a.path, b.path, b.sentences.size(), b.path,
                                   b.sentences[0].line));
    }
    const Sentence& last = a.sentences.back();
    throw InputError(fmt::format(
        "{}:{}: file ends after {} sentences, but {} has {}; its sentence {} starts at {}:{}",
        a.path, last.line + static_cast<int>(last.tokens.size()) - 1, a.sentences.size(), b.path,
        b.sentences.size(), n + 1, b.path, b.sentences[n].line));
  }
}

EvalInput read_gold_pred(const std::string& gold_path, const std::string& pred_path) {
  EvalInput in{read_conll(gold_path), read_conll(pred_path)};
  check_aligned(in.gold, in.pred);
  return in;
}

EvalReport evaluate(const Corpus& gold, const Corpus& pred) {
  check_aligned(gold, pred);
  std::vector<std::vector<std::string>> g;
  std::vector<std::vector<std::string>> p;
  g.reserve(gold.sentences.size());
  p.reserve(pred.sentences.size());
  for (const Sentence& s : gold.sentences) g.push_back(s.tags);
  for (const Sentence& s : pred.sentences) p.push_back(s.tags);
  return evaluate(g, p);
}

EvalReport evaluate(const EvalInput& input) { return evaluate(input.gold, input.pred); }

}  // namespace medner
