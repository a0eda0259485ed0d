#include "pretrain/text_corpus.h"

#include "core/error.h"
#include "data/utf8.h"
#include "io/atomic_file.h"

#include <algorithm>
#include <numeric>
#include <string_view>

namespace medner {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Calls f(line_number, line) for each line, after checking it is UTF-8 text.
template <class F>
void for_each_line(const std::string& text, const std::string& name, F f) {
  std::size_t pos = 0;
  for (int line = 1; pos < text.size(); ++line) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view l(text.data() + pos, end - pos);
    // The first bad byte, whichever kind it is: a gzip header (1F 8B 08 00) shows its 0x8B.
    std::size_t bad = l.find('\0');
    std::size_t invalid = 0;
    if (!utf8_valid(l, &invalid) && invalid < bad) bad = invalid;
    if (bad != std::string_view::npos && l[bad] == '\0')
      throw InputError(fmt::format("{}:{}: NUL byte at byte column {}; expected UTF-8 text (is this a binary or "
                                   "compressed file?)",
                                   name, line, bad + 1));
    if (bad != std::string_view::npos)
      throw InputError(fmt::format("{}:{}: invalid UTF-8 at byte column {} (byte 0x{:02X}); expected UTF-8 text", name,
                                   line, bad + 1, static_cast<unsigned char>(l[bad])));
    f(l);
    pos = end + 1;
  }
}

template <class F>
void for_each_token(std::string_view line, F f) {
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) f(line.substr(start, i - start));
  }
}

}  // namespace

TextCorpus text_corpus_from(const std::string& text, const std::string& name, int min_count) {
  // Two passes: count every word, then keep the frequent ones and encode the text with them.
  std::unordered_map<std::string, int64_t> counts;
  TextCorpus c;
  for_each_line(text, name, [&](std::string_view line) {
    for_each_token(line, [&](std::string_view w) {
      ++counts[std::string(w)];
      ++c.total_tokens;
    });
  });
  if (c.total_tokens == 0)
    throw InputError(fmt::format("{}:1: no words ({}); expected one tokenized sentence a line", name,
                                 text.empty() ? "the file is empty" : "only blank lines"));
  for (const auto& [w, n] : counts)
    if (n >= min_count) c.words.push_back(w);
  if (c.words.empty())
    throw InputError(fmt::format("{}: no word occurs at least {} times (--min-count); the text has {} tokens", name,
                                 min_count, c.total_tokens));
  std::sort(c.words.begin(), c.words.end(), [&](const std::string& a, const std::string& b) {
    const int64_t na = counts[a], nb = counts[b];
    return na != nb ? na > nb : a < b;
  });
  for (std::size_t i = 0; i < c.words.size(); ++i) {
    c.index.emplace(c.words[i], static_cast<int>(i));
    c.counts.push_back(counts[c.words[i]]);
  }
  c.line_start.push_back(0);
  for_each_line(text, name, [&](std::string_view line) {
    for_each_token(line, [&](std::string_view w) {
      auto it = c.index.find(std::string(w));
      if (it != c.index.end()) c.tokens.push_back(it->second);
    });
    if (c.tokens.size() > c.line_start.back()) c.line_start.push_back(c.tokens.size());
  });
  return c;
}

void for_each_text_line(const std::string& text, const std::string& name,
                        const std::function<void(std::string_view)>& f) {
  for_each_line(text, name, f);
}

void for_each_text_token(std::string_view line, const std::function<void(std::string_view)>& f) {
  for_each_token(line, f);
}

TextCorpus read_text_corpus(const std::string& path, int min_count) {
  return text_corpus_from(read_file(path), path, min_count);
}

}  // namespace medner
