// medner-train: options (command line over config file over defaults) -> train_model -> exit code.
// Every option comes from the one table in lib/train/config.cpp. Exit codes: 0 ok, 1 bad input or
// runtime failure (one line "error: ..." on stderr; std::bad_alloc is "error: out of memory ...",
// as in medner-tag), 2 usage error. Under mpirun every rank runs this main; a rank that fails
// prints "[rank r] error: ..." and aborts the whole job, because the other ranks would otherwise
// wait for it forever inside a collective.
#include "core/error.h"
#include "core/tensor.h"
#include "dist/communicator.h"
#include "train/config.h"
#include "train/trainer.h"

#include <cxxopts.hpp>

#include <iostream>
#include <memory>
#include <new>
#include <string>

namespace {

cxxopts::Options make_options() {
  cxxopts::Options o("medner-train", "Train a BiLSTM-CRF tagger on CoNLL data.");
  o.add_options()("config", "config file of 'key = value' lines (keys are the long option names)",
                  cxxopts::value<std::string>(), "FILE")("h,help", "print this help")(
      "build-info", "print how this binary was built (precision, MPI library) and exit");
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
  std::unique_ptr<medner::Communicator> comm;
  try {
    comm = medner::make_communicator();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  const bool root = comm->rank() == 0;
  auto fail = [&](const std::string& message, int code) {
    if (comm->size() > 1) comm->abort(message, code);
    std::cerr << message << "\n";
    return code;
  };
  cxxopts::Options options = make_options();
  medner::ConfigMap file, cli;
  try {
    cxxopts::ParseResult r = options.parse(argc, argv);
    if (r.count("help") != 0) {
      if (root) std::cout << options.help();
      return 0;
    }
    if (r.count("build-info") != 0) {
      if (root)
        std::cout << "real: " << (sizeof(medner::real) == sizeof(float) ? "float" : "double") << "\n"
                  << medner::dist_build_info() << "\n";
      return 0;
    }
    if (!r.unmatched().empty()) throw cxxopts::exceptions::exception("unexpected argument '" + r.unmatched().front() + "'");
    for (const medner::OptionSpec& s : medner::train_options())
      if (r.count(s.name) != 0) cli.emplace_back(s.name, r[s.name].as<std::string>());
    if (r.count("config") != 0) file = medner::read_config_file(r["config"].as<std::string>());
  } catch (const medner::InputError& e) {
    return fail(std::string("error: ") + e.what(), 1);
  } catch (const std::exception& e) {
    return fail(std::string("error: ") + e.what() + " (see medner-train --help)", 2);
  }
  try {
    medner::ConfigMap effective = medner::merge_config({file, cli});
    medner::TrainConfig config = medner::TrainConfig::from_map(effective);
    if (root) std::cerr << "# effective configuration\n" << medner::format_config(effective) << std::flush;
    medner::train_model(config, effective, *comm, std::cerr, std::cout);
  } catch (const std::bad_alloc&) {
    return fail("error: out of memory (try a smaller --batch-size, fewer --threads or a smaller "
                "network: --hidden, --word-dim, --char-hidden)", 1);
  } catch (const std::exception& e) {
    return fail(std::string("error: ") + e.what(), 1);  // every log line ends with its newline
  }
  return 0;
}
