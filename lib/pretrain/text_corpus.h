// Unlabelled text for pretraining: one sentence a line, tokens separated by whitespace (the
// layout of ../shared/pretrain/pubmed-text.txt and of any tokenized corpus), read into word ids
// over a vocabulary of the words that occur at least min_count times, most frequent first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medner {

struct TextCorpus {
  std::vector<std::string> words;       // the vocabulary, by count descending, then byte order
  std::vector<int64_t> counts;          // occurrences of each word
  std::unordered_map<std::string, int> index;
  std::vector<int> tokens;              // the text as word ids; words under min_count left out
  std::vector<std::size_t> line_start;  // sentence k is tokens[line_start[k], line_start[k+1])
  int64_t total_tokens = 0;             // in the text, counting the words left out
  std::size_t sentences() const { return line_start.empty() ? 0 : line_start.size() - 1; }
};

// InputError "path:line: ..." for a NUL byte or invalid UTF-8 (a binary or compressed file),
// "path:1: no words (the file is empty)" and "path: no word occurs at least N times (--min-count)"
// when nothing is left to train on; IoError when the file cannot be read.
TextCorpus read_text_corpus(const std::string& path, int min_count);
// The same on the text itself (`name` in messages).
TextCorpus text_corpus_from(const std::string& text, const std::string& name, int min_count);

// Calls f on each line of `text`, after checking that it is UTF-8 without NUL bytes (the
// InputErrors above); and f on each whitespace-separated token of a line.
void for_each_text_line(const std::string& text, const std::string& name, const std::function<void(std::string_view)>& f);
void for_each_text_token(std::string_view line, const std::function<void(std::string_view)>& f);

}  // namespace medner
