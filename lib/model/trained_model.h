// A trained tagger as stored on disk: its configuration, vocabularies, network parameters.
// Model files and checkpoints share this content (checkpoints add training state as blobs).
// The configuration holds the model's options (model/model_options.h), which loading decodes,
// and the trainer's stored options (how it was trained), which loading keeps as they are.
#pragma once

#include "io/model_file.h"
#include "model/dataset.h"
#include "model/model_options.h"
#include "model/ner_network.h"
#include "options/option_values.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace medner {

NetworkConfig network_config(const ModelOptions& options, const Vocabularies& vocab);

// Sets vocab.lexicon and vocab.lexicon_blob (the lexicon's compressed serialized form).
void set_lexicon(Vocabularies& vocab, std::shared_ptr<const Lexicon> lexicon);
// Sets vocab.charlm from the bytes of a character language model file (`path` in errors) and
// vocab.charlm_blob to those bytes.
void set_charlm(Vocabularies& vocab, std::string bytes, const std::string& path);

struct TrainedModel {
  ConfigMap config;      // as stored: the model's options and the trainer's
  ModelOptions options;  // decoded from config
  Vocabularies vocab;
  std::unique_ptr<NerNetwork> net;
  nlohmann::json card;  // model/model_card.h; an empty object for a model without one
};

// config, vocabularies and parameters of `net` as a ModelFile of the given kind.
ModelFile to_model_file(const ConfigMap& config, const Vocabularies& vocab, const NerNetwork& net,
                        const std::string& kind);
// Rebuilds the network from a model file or a checkpoint and loads its parameters; every
// problem is an InputError naming the path.
TrainedModel from_model_file(const ModelFile& mf, const std::string& path);
// kind "model"; `model` is a path or a shipped model's name (model/shipped_models.h). Its spare
// vectors, if any, become vocabulary words (model/spare_vectors.h).
// threads: those that compute a character language model's features when it tags (0: all cores).
TrainedModel load_trained_model(const std::string& model, int threads = 0);

// Heads (model/ner_network.h). A head's name is what --head and output formats spell: letters,
// digits, '-' and '_', at most 64. Head 0's is the trainer's stored option head-name ("main" in a
// model that predates it); the others' are stored with their tags (vocabularies "tags.NAME").
constexpr const char* kHeadNameKey = "head-name";
constexpr const char* kDefaultHeadName = "main";
bool valid_head_name(const std::string& name);
std::vector<std::string> head_names(const ConfigMap& config, const Vocabularies& vocab);
// The index of the head called `name` ("": the first, what --head means when it is not given); an
// InputError "--head: the model has no head 'x'; its heads are a, b" otherwise.
int find_head(const TrainedModel& model, const std::string& name);

}  // namespace medner
