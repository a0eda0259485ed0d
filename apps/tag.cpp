// medner-tag: tag raw text (one document per line) or CoNLL sentences with a trained model,
// streaming stdin (or a file) to stdout (or a file written atomically) as JSON lines, brat
// standoff or CoNLL. Exit codes: 0 ok, 1 bad input or runtime failure, 2 usage error.
#include "core/error.h"
#include "io/atomic_file.h"
#include "train/tagging.h"

#include <cxxopts.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <new>

int main(int argc, char** argv) {
  cxxopts::Options o("medner-tag", "Tag text with a trained medner model.");
  o.add_options()("model", "model file from medner-train", cxxopts::value<std::string>(), "FILE")(
      "input", "input file, '-' for stdin", cxxopts::value<std::string>()->default_value("-"), "FILE")(
      "output", "output file (written atomically); default stdout", cxxopts::value<std::string>(), "FILE")(
      "input-format", "text (one document per line) or conll (token [columns], blank line between sentences)",
      cxxopts::value<std::string>()->default_value("text"), "F")(
      "output-format", "jsonl, brat or conll", cxxopts::value<std::string>()->default_value("jsonl"), "F")(
      "threads", "threads (0: all cores)", cxxopts::value<int>()->default_value("0"), "N")(
      "nbest", "add the K best tag sequences with their probabilities (CRF models)",
      cxxopts::value<int>()->default_value("0"), "K")(
      "chunk", "lines tagged per round (memory bound)", cxxopts::value<int>()->default_value("2000"), "N")(
      "h,help", "print this help");
  medner::TagOptions opt;
  std::string model, input, output;
  try {
    auto r = o.parse(argc, argv);
    if (r.count("help") != 0) {
      std::cout << o.help();
      return 0;
    }
    if (!r.unmatched().empty()) throw std::runtime_error("unexpected argument '" + r.unmatched().front() + "'");
    if (r.count("model") == 0) throw std::runtime_error("--model is required");
    model = r["model"].as<std::string>();
    input = r["input"].as<std::string>();
    if (r.count("output") != 0) output = r["output"].as<std::string>();
    const std::string in_fmt = r["input-format"].as<std::string>();
    if (in_fmt != "text" && in_fmt != "conll")
      throw std::runtime_error("--input-format: expected text or conll, got '" + in_fmt + "'");
    opt.text_input = in_fmt == "text";
    opt.format = medner::parse_output_format(r["output-format"].as<std::string>());
    opt.threads = r["threads"].as<int>();
    opt.nbest = r["nbest"].as<int>();
    opt.chunk_lines = r["chunk"].as<int>();
    if (opt.threads < 0) throw std::runtime_error("--threads: expected a non-negative integer");
    if (opt.nbest < 0) throw std::runtime_error("--nbest: expected a non-negative integer");
    if (opt.chunk_lines <= 0) throw std::runtime_error("--chunk: expected a positive integer");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << " (see medner-tag --help)\n";
    return 2;
  }
  try {
    medner::TrainedModel m = medner::load_trained_model(model);
    std::unique_ptr<std::ifstream> file;
    std::istream* in = &std::cin;
    if (input != "-") {
      std::error_code ec;
      if (std::filesystem::is_directory(input, ec))
        throw medner::IoError(input + ": cannot read: is a directory, expected a file");
      file = std::make_unique<std::ifstream>(input, std::ios::binary);
      if (!*file)
        throw medner::IoError(input + ": cannot open for reading: " + std::strerror(errno));
      in = file.get();
    }
    const std::string name = input == "-" ? "<stdin>" : input;
    if (output.empty()) {
      medner::tag_stream(m, *in, name, std::cout, opt);
    } else {
      medner::AtomicWriter w(output);
      medner::tag_stream(m, *in, name, w.stream(), opt);
      w.commit();
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (try a smaller --chunk or fewer --threads)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
