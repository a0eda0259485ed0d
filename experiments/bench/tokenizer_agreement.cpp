// How well the raw-text tokenizer and sentence splitter reproduce the bundled corpora: every
// sentence is detokenized into running text and tokenized again; consecutive sentences are
// joined by one space and split again. Prints one Markdown table per measurement (docs/
// tokenizer.md) and, with --show N, the first N disagreements of each file on stderr.
#include "data/detokenizer.h"
#include "data/sentence_splitter.h"
#include "data/tokenizer.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using Sentence = std::vector<std::string>;
using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

// Tokens of a CoNLL file (`token<TAB>tag...`, blank line between sentences); only column 1.
std::vector<Sentence> read_tokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open for reading");
  std::vector<Sentence> out;
  Sentence cur;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur.push_back(line.substr(0, line.find('\t')));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Number of ranges present in both sorted lists.
std::size_t count_common(const Ranges& a, const Ranges& b) {
  std::size_t i = 0, j = 0, n = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++n, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return n;
}

std::string join(const std::vector<medner::Token>& toks) {
  std::string s;
  for (const auto& t : toks) s += (s.empty() ? "" : " ") + t.text;
  return s;
}

struct PR {
  std::size_t common = 0, predicted = 0, gold = 0;
  double p() const { return predicted ? 100.0 * double(common) / double(predicted) : 100.0; }
  double r() const { return gold ? 100.0 * double(common) / double(gold) : 100.0; }
  double f() const { return p() + r() > 0 ? 2 * p() * r() / (p() + r()) : 0.0; }
};

// Detokenize, retokenize; exact = identical token sequence; boundaries = token spans.
void token_row(const std::string& name, const std::vector<Sentence>& sents, int show) {
  std::size_t exact = 0;
  PR pr;
  for (const Sentence& s : sents) {
    medner::Detokenized d = medner::detokenize(s);
    std::vector<medner::Token> toks = medner::tokenize(d.text);
    Ranges got;
    for (const auto& t : toks) got.emplace_back(t.begin, t.end);
    std::size_t common = count_common(got, d.spans);
    pr.common += common, pr.predicted += got.size(), pr.gold += d.spans.size();
    if (common == got.size() && common == d.spans.size()) {
      ++exact;
    } else if (show-- > 0) {
      std::string gold;
      for (const auto& t : s) gold += (gold.empty() ? "" : " ") + t;
      std::cerr << name << " token disagreement\n  text: " << d.text << "\n  gold: " << gold
                << "\n  got:  " << join(toks) << "\n";
    }
  }
  std::cout << fmt::format("| {} | {} | {:.2f} | {:.3f} | {:.3f} | {:.3f} |\n", name,
                           sents.size(), 100.0 * double(exact) / double(sents.size()), pr.p(),
                           pr.r(), pr.f());
}

// Detokenized sentences joined by one space; exact = a gold sentence's range was predicted;
// boundaries = sentence starts after the first.
void sentence_row(const std::string& name, const std::vector<Sentence>& sents, int show) {
  std::string text;
  Ranges gold;
  std::size_t cp = 0;
  for (const Sentence& s : sents) {
    medner::Detokenized d = medner::detokenize(s);
    if (!text.empty()) text += ' ', ++cp;
    std::size_t len = d.spans.empty() ? 0 : d.spans.back().second;
    gold.emplace_back(cp, cp + len);
    text += d.text;
    cp += len;
  }
  Ranges got = medner::split_sentences(text);
  std::size_t exact = count_common(got, gold);
  Ranges gold_starts, got_starts;
  for (std::size_t i = 1; i < gold.size(); ++i) gold_starts.emplace_back(gold[i].first, 0);
  for (std::size_t i = 1; i < got.size(); ++i) got_starts.emplace_back(got[i].first, 0);
  PR pr{count_common(got_starts, gold_starts), got_starts.size(), gold_starts.size()};
  if (show > 0) {
    // The text is ASCII (the corpora are), so code points are bytes here.
    Ranges missed, extra;
    std::size_t i = 0, j = 0;
    while (i < gold_starts.size() || j < got_starts.size()) {
      if (j == got_starts.size() || (i < gold_starts.size() && gold_starts[i] < got_starts[j])) {
        missed.push_back(gold_starts[i++]);
      } else if (i == gold_starts.size() || got_starts[j] < gold_starts[i]) {
        extra.push_back(got_starts[j++]);
      } else {
        ++i, ++j;
      }
    }
    auto context = [&](std::size_t at) {
      std::size_t b = at > 50 ? at - 50 : 0;
      return text.substr(b, at - b) + " || " + text.substr(at, 40);
    };
    for (std::size_t k = 0; k < missed.size() && k < std::size_t(show); ++k)
      std::cerr << name << " missed boundary: " << context(missed[k].first) << "\n";
    for (std::size_t k = 0; k < extra.size() && k < std::size_t(show); ++k)
      std::cerr << name << " extra boundary:  " << context(extra[k].first) << "\n";
  }
  std::cout << fmt::format("| {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |\n", name,
                           sents.size(), 100.0 * double(exact) / double(gold.size()), pr.p(),
                           pr.r(), pr.f());
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("tokenizer_agreement",
                        "Detokenize corpus sentences, tokenize and split them again, and report "
                        "agreement with the corpus tokens and sentences.");
  opts.add_options()("data", "corpus folder", cxxopts::value<std::string>()->default_value("data"))(
      "show", "print the first N disagreements per file on stderr",
      cxxopts::value<int>()->default_value("0"))("h,help", "this help");
  try {
    auto args = opts.parse(argc, argv);
    if (args.count("help")) {
      std::cout << opts.help() << "\n";
      return 0;
    }
    const std::string dir = args["data"].as<std::string>();
    const int show = args["show"].as<int>();
    std::vector<std::pair<std::string, std::vector<Sentence>>> files;
    for (const char* corpus : {"bc5cdr", "ncbi-disease"})
      for (const char* split : {"train", "devel", "test"}) {
        std::string name = fmt::format("{}/{}.tsv", corpus, split);
        files.emplace_back(name, read_tokens(dir + "/" + name));
      }
    const char* header =
        "| file | sentences | exact sentences % | boundary P | boundary R | boundary F1 |\n"
        "|---|---:|---:|---:|---:|---:|\n";
    std::cout << "Tokens (each sentence detokenized, then tokenized):\n\n" << header;
    for (const auto& [name, sents] : files) token_row(name, sents, show);
    std::cout << "\nSentences (all detokenized sentences of a file joined by one space, then "
                 "split):\n\n"
              << header;
    for (const auto& [name, sents] : files) sentence_row(name, sents, show);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
