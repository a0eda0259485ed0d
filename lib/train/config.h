// The training configuration: one table of options (train_options(): the model's options of
// model/model_options.h plus the trainer's), used for the command line (apps/train.cpp), for
// `key = value` config files, and for the configuration stored in the model file.
#pragma once

#include "model/model_options.h"
#include "options/option_table.h"

#include <cstdint>
#include <string>
#include <vector>

namespace medner {

struct TrainConfig {
  // data and files
  std::string train, dev, test, model, log, embeddings, checkpoint;
  std::string lexicons;  // lexicon files A,B (data/lexicon.h), stored in the model
  std::string charlm;    // a character language model file (pretrain/char_lm.h), stored in the model
  bool keep_vectors = false;  // the model keeps the vectors of words outside its vocabulary (model/spare_vectors.h)
  std::string labels;  // label names of Hugging Face files with integer ner_tags (data/hf_json.h)
  std::string config_file;  // the --config file medner-train read, if any: an input, not an option
  // several corpora, one head each (train/head_corpora.h): the first head's name, the other
  // corpora, the heads whose mean dev F1 selects
  std::string head_name, aux, targets;
  double mix_temperature = 1;  // how the corpora's batches are mixed (model/batch_plan.h)
  bool resume = false;
  ModelOptions net;  // input representation, network, output layer
  bool freeze_embeddings = false;
  double singleton_unk = 0;  // probability of replacing a training singleton by <unk>
  // optimisation
  std::string optimizer;  // sgd | adam
  double lr = 0, momentum = 0, lr_decay = 0, clip = 0, l2 = 0;
  double average = 0;  // decay of the parameter moving average (optim/param_average.h); 0: off
  int batch_size = 0;
  int max_epochs = 0;
  int patience = 0;
  // "best": the model file holds the epoch with the best dev F1 and training stops after `patience`
  // epochs without one. "last": every epoch up to max-epochs, the model file holds the last; for
  // training on data that includes the dev set (train + dev, a fixed epoch count), where dev F1
  // can no longer choose.
  std::string select;
  uint64_t seed = 0;
  int threads = 0;           // 0: all cores
  int checkpoint_every = 0;  // steps between mid-epoch checkpoints; 0: end of each epoch only
  bool check_finite = false;
  std::string nan_policy;  // stop | skip

  // Validates and converts a merged map (merge_config); errors name the option ("--lr: expected a
  // positive number, got '-1'"). The output paths (model, checkpoint, log) are checked against the
  // filesystem without creating anything: a missing or non-directory parent, an unwritable
  // directory, or a path that is a directory is an InputError before any training starts
  // ("--model: cannot write 'x/m.bin': directory 'x' does not exist").
  static TrainConfig from_map(const ConfigMap& map);
};

const OptionTable<TrainConfig>& train_options();
const std::vector<OptionInfo>& train_option_infos();

// A config file of the trainer's options (options/option_values.h read_config_file).
ConfigMap read_config_file(const std::string& path);
// Every training option: defaults < earlier layers < later layers; unknown keys are errors.
ConfigMap merge_config(const std::vector<ConfigMap>& layers);
// The options of a merged map that a model file stores.
ConfigMap stored_config(const ConfigMap& effective);

}  // namespace medner
