// A trained tagger as stored on disk: effective config, vocabularies, network parameters.
// Model files and checkpoints share this content (checkpoints add training state as blobs).
#pragma once

#include "io/model_file.h"
#include "train/config.h"
#include "train/dataset.h"
#include "train/ner_network.h"

#include <memory>
#include <string>

namespace medner {

NetworkConfig network_config(const TrainConfig& config, const Vocabularies& vocab);

struct TrainedModel {
  ConfigMap config;  // the stored (effective) configuration
  TrainConfig train_config;
  Vocabularies vocab;
  std::unique_ptr<NerNetwork> net;
};

// config, vocabularies and parameters of `net` as a ModelFile of the given kind.
ModelFile to_model_file(const ConfigMap& config, const Vocabularies& vocab, const NerNetwork& net,
                        const std::string& kind);
// Rebuilds the network from a model file or a checkpoint and loads its parameters; every
// problem is an InputError naming the path.
TrainedModel from_model_file(const ModelFile& mf, const std::string& path);
TrainedModel load_trained_model(const std::string& path);  // kind "model"

}  // namespace medner
