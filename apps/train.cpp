// medner-train: options (command line over config file over defaults) -> train_model -> exit code.
// Every option comes from the one table in lib/train/config.cpp. Exit codes: 0 ok, 1 bad input or
// runtime failure (one line "error: ..." on stderr), 2 usage error.
#include "core/error.h"
#include "train/config.h"
#include "train/trainer.h"

#include <cxxopts.hpp>

#include <iostream>

namespace {

cxxopts::Options make_options() {
  cxxopts::Options o("medner-train", "Train a BiLSTM-CRF tagger on CoNLL data.");
  o.add_options()("config", "config file of 'key = value' lines (keys are the long option names)",
                  cxxopts::value<std::string>(), "FILE")("h,help", "print this help");
  for (const medner::OptionSpec& s : medner::train_options()) {
    std::string help = s.help;
    if (s.default_value[0] != '\0') help += std::string(" (default: ") + s.default_value + ")";
    if (s.kind == medner::OptionKind::Bool)
      o.add_options()(s.name, help, cxxopts::value<std::string>()->implicit_value("true"), "BOOL");
    else
      o.add_options()(s.name, help, cxxopts::value<std::string>(),
                      s.kind == medner::OptionKind::Path ? "FILE" : "VALUE");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options options = make_options();
  medner::ConfigMap file, cli;
  try {
    cxxopts::ParseResult r = options.parse(argc, argv);
    if (r.count("help") != 0) {
      std::cout << options.help();
      return 0;
    }
    if (!r.unmatched().empty()) throw cxxopts::exceptions::exception("unexpected argument '" + r.unmatched().front() + "'");
    for (const medner::OptionSpec& s : medner::train_options())
      if (r.count(s.name) != 0) cli.emplace_back(s.name, r[s.name].as<std::string>());
    if (r.count("config") != 0) file = medner::read_config_file(r["config"].as<std::string>());
  } catch (const medner::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << " (see medner-train --help)\n";
    return 2;
  }
  try {
    medner::ConfigMap effective = medner::merge_config({file, cli});
    medner::TrainConfig config = medner::TrainConfig::from_map(effective);
    std::cerr << "# effective configuration\n" << medner::format_config(effective) << std::flush;
    medner::train_model(config, effective, std::cerr, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "\nerror: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
