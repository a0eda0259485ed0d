// How much of a text a model reads as <unk>: for each file (CoNLL, or plain text with one
// tokenized sentence a line), the running tokens whose word the loaded model's vocabulary lacks,
// and of those the ones that still get a vector from the model's subword vectors (a model trained
// on a PREFIX.bin, model/unknown_word_vectors.h): the rest are what the network reads as <unk>.
// The measurement behind docs/pretraining.md "Words of new text", one Markdown row per model and
// file:
//   unknown_words --model M [--model M2] FILE...
#include "data/conll.h"
#include "model/dataset.h"
#include "io/atomic_file.h"
#include "model/trained_model.h"
#include "pretrain/text_corpus.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string_view>
#include <string>
#include <vector>

namespace {

// Token lists of a file: CoNLL if its first line has a tab, else the lines of pretraining text
// (pretrain/text_corpus.h: whitespace-separated tokens, blank lines skipped).
std::vector<std::vector<std::string>> read_tokens(const std::string& path) {
  const std::string text = medner::read_file(path);
  std::vector<std::vector<std::string>> out;
  if (text.substr(0, text.find('\n')).find('\t') != std::string::npos) {
    for (const medner::Sentence& s : medner::read_conll(path).sentences) out.push_back(s.tokens);
    return out;
  }
  medner::for_each_text_line(text, path, [&](std::string_view line) {
    std::vector<std::string> tokens;
    medner::for_each_text_token(line, [&](std::string_view t) { tokens.emplace_back(t); });
    if (!tokens.empty()) out.push_back(std::move(tokens));
  });
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
    std::cout << "| model | vocabulary | file | tokens | not in the vocabulary | of which with a subword vector | "
                 "<unk> | share |\n|:--|--:|:--|--:|--:|--:|--:|--:|\n";
    for (const std::string& model : r["model"].as<std::vector<std::string>>()) {
      const TrainedModel m = load_trained_model(model, 1);
      for (const std::string& file : r["files"].as<std::vector<std::string>>()) {
        const Dataset d = encode_tokens(read_tokens(file), m.vocab);
        long outside = 0, with_vector = 0;
        for (const EncodedSentence& s : d.sentences) {
          for (int w : s.words) outside += w == kUnkId;
          with_vector += static_cast<long>(s.vector_tokens.size());
        }
        const long unknown = outside - with_vector;
        std::cout << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {:.2f}% |\n", model, m.vocab.words.size(), file,
                                 d.tokens, outside, with_vector, unknown,
                                 100.0 * static_cast<double>(unknown) / static_cast<double>(d.tokens));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "unknown_words: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
