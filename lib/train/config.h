// Training configuration: one table of options (name, default, help), used for the command line
// (apps/train.cpp declares cxxopts options from it), for `key = value` config files, and for
// the effective config stored in the model file.
#pragma once

#include "layers/char_encoder.h"

#include <string>
#include <utility>
#include <vector>

namespace medner {

using ConfigMap = std::vector<std::pair<std::string, std::string>>;  // ordered key = value

enum class OptionKind { String, Path, Int, Real, Bool };

struct OptionSpec {
  const char* name;           // long option name = config key
  const char* default_value;  // as text
  OptionKind kind;
  const char* help;
  bool stored = true;         // part of the model's effective config (paths of this run are not)
};

const std::vector<OptionSpec>& train_options();
const OptionSpec* find_option(const std::string& name);

// Reads `key = value` lines ('#' starts a comment, blank lines ignored). Unknown keys, missing
// '=' and repeated keys are InputErrors with path:line.
ConfigMap read_config_file(const std::string& path);

// Later entries override earlier ones; the result has every option, defaults filled in.
ConfigMap merge_config(const std::vector<ConfigMap>& layers);

struct TrainConfig {
  // data and files
  std::string train, dev, test, model, log, embeddings, checkpoint;
  bool resume = false;
  // input representation
  int word_dim = 100;
  bool lowercase = true;
  bool casing = true;
  int casing_dim = 10;
  bool normalize_digits = false;
  bool freeze_embeddings = false;
  double singleton_unk = 0.5;
  CharEncoderConfig chars;
  // network
  int hidden = 200;
  int layers = 1;
  int context = 0;  // sentences on each side read as document context (train/context.h)
  double dropout = 0.5;
  std::string output = "crf";      // crf | softmax
  std::string tag_scheme = "iobes";  // internal scheme: iob2 | iobes
  bool constraints = true;
  // optimisation
  std::string optimizer = "adam";
  double lr = 0.002, momentum = 0.9, lr_decay = 0.05, clip = 5.0, l2 = 0.0;
  double average = 0;  // decay of the parameter moving average (optim/param_average.h); 0: off
  int batch_size = 32;
  int max_epochs = 50;
  int patience = 10;
  // "best": the model file holds the epoch with the best dev F1 and training stops after `patience`
  // epochs without one. "last": every epoch up to max-epochs, the model file holds the last; for
  // training on data that includes the dev set (train + dev, a fixed epoch count), where dev F1
  // can no longer choose.
  std::string select = "best";
  uint64_t seed = 1;
  int threads = 0;  // 0: all cores
  int checkpoint_every = 0;  // steps between mid-epoch checkpoints; 0: end of each epoch only
  bool check_finite = false;
  std::string nan_policy = "stop";  // stop | skip

  // Validates and converts; errors name the option ("--lr: expected a positive number, got '-1'").
  // NaN is rejected like any out-of-range number; integers must fit in int. The output paths
  // (model, checkpoint, log) are checked against the filesystem without creating anything: a
  // missing or non-directory parent, an unwritable directory, or a path that is a directory is an
  // InputError before any training starts ("--model: cannot write 'x/m.bin': directory 'x' does
  // not exist").
  static TrainConfig from_map(const ConfigMap& map);
  ConfigMap to_map() const;         // every option, as text
  ConfigMap stored_map() const;     // the options stored in a model file
};

std::string format_config(const ConfigMap& map);  // "key = value" lines

}  // namespace medner
