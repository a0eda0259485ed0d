// medner-train: options (command line over config file over defaults, one table in
// lib/train/config.cpp) -> train_model -> exit code (apps/common/app.h). Under mpirun every rank
// runs this main; a rank that fails prints "[rank r] error: ..." and aborts the whole job, because
// the other ranks would otherwise wait for it forever inside a collective.
#include "common/app.h"
#include "core/error.h"
#include "core/tensor.h"
#include "dist/communicator.h"
#include "train/config.h"
#include "train/trainer.h"

#include <iostream>
#include <memory>

int main(int argc, char** argv) {
  using namespace medner;
  std::unique_ptr<Communicator> comm;
  const int started = run_app("medner-train", "", [&] {
    comm = make_communicator();
    return kExitOk;
  });
  if (started != kExitOk) return started;
  const bool root = comm->rank() == 0;
  auto report = [&](const std::string& message, int code) {
    if (comm->size() > 1) comm->abort("error: " + message, code);
    return print_failure(message, code);
  };
  const char* oom = "try a smaller --batch-size, fewer --threads or a smaller network: --hidden, --word-dim, "
                    "--char-hidden";
  return run_app("medner-train", oom, [&] {
    cxxopts::Options o("medner-train", "Train a BiLSTM-CRF tagger on CoNLL data.");
    o.add_options()("config", "config file of 'key = value' lines (keys are the long option names)",
                    cxxopts::value<std::string>(), "FILE")("h,help", "print this help")(
        "build-info", "print how this binary was built (precision, MPI library) and exit");
    add_version_option(o);
    add_table_options(o, train_option_infos());
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (r.count("version") != 0) {
      if (root) print_version(r);
      return kExitOk;
    }
    if (r.count("help") != 0 || r.count("build-info") != 0) {
      if (root && r.count("help") != 0) std::cout << o.help();
      if (root && r.count("help") == 0)
        std::cout << "real: " << (sizeof(real) == sizeof(float) ? "float" : "double") << "\n"
                  << dist_build_info() << "\n";
      return kExitOk;
    }
    const ConfigMap cli = given_options(r, train_option_infos());
    try {  // a bad value on the command line is a usage error (one in the config file is bad input)
      parse_options(train_options(), merge_config({cli}));
    } catch (const InputError& e) {
      throw UsageError(e.what());
    }
    const ConfigMap file = r.count("config") != 0 ? read_config_file(r["config"].as<std::string>()) : ConfigMap{};
    const ConfigMap effective = merge_config({file, cli});
    TrainConfig config = TrainConfig::from_map(effective);
    if (r.count("config") != 0) config.config_file = r["config"].as<std::string>();
    if (root) std::cerr << "# effective configuration\n" << format_config(effective) << std::flush;
    train_model(config, effective, *comm, std::cerr);
    return kExitOk;
  }, report);
}
