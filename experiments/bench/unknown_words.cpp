// How much of a text a model reads as <unk>: for each file (CoNLL, or plain text with one
// tokenized sentence a line), the running tokens whose word the loaded model's vocabulary lacks.
// The measurement behind docs/pretraining.md "Words of new text" (--keep-vectors), one Markdown
// row per model and file:
//   unknown_words --model M [--model M2] FILE...
#include "data/conll.h"
#include "model/dataset.h"
#include "model/trained_model.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Token lists of a file: CoNLL if its first non-blank line has a tab, else whitespace-split lines.
std::vector<std::vector<std::string>> read_tokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string first;
  while (std::getline(in, first) && first.empty()) {
  }
  std::vector<std::vector<std::string>> out;
  if (first.find('\t') != std::string::npos) {
    for (const medner::Sentence& s : medner::read_conll(path).sentences) out.push_back(s.tokens);
    return out;
  }
  in.clear();
  in.seekg(0);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> tokens;
    for (std::string w; words >> w;) tokens.push_back(w);
    if (!tokens.empty()) out.push_back(std::move(tokens));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  cxxopts::Options o("unknown_words", "share of running tokens a model reads as <unk>");
  o.add_options()("model", "model file or shipped name (repeatable)", cxxopts::value<std::vector<std::string>>())(
      "files", "CoNLL or one-sentence-a-line text", cxxopts::value<std::vector<std::string>>());
  o.parse_positional({"files"});
  try {
    const cxxopts::ParseResult r = o.parse(argc, argv);
    if (r.count("model") == 0 || r.count("files") == 0) {
      std::cerr << o.help();
      return 2;
    }
    std::cout << "| model | vocabulary | file | tokens | <unk> | share |\n|:--|--:|:--|--:|--:|--:|\n";
    for (const std::string& model : r["model"].as<std::vector<std::string>>()) {
      const TrainedModel m = load_trained_model(model, 1);
      for (const std::string& file : r["files"].as<std::vector<std::string>>()) {
        const Dataset d = encode_tokens(read_tokens(file), m.vocab);
        long unknown = 0;
        for (const EncodedSentence& s : d.sentences)
          for (int w : s.words) unknown += w == kUnkId;
        std::cout << fmt::format("| {} | {} | {} | {} | {} | {:.2f}% |\n", model, m.vocab.words.size(), file, d.tokens,
                                 unknown, 100.0 * static_cast<double>(unknown) / static_cast<double>(d.tokens));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "unknown_words: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
