// The models a server answers with, loaded once at start: each under a name, the first the
// default, each head of each with its Predictor (whose per-thread tapes and workspaces stay warm between
// requests; concurrent requests on one model are safe, model/predictor.h).
#pragma once

#include "model/predictor.h"
#include "model/trained_model.h"
#include "serve/tag_batcher.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace medner {

struct ServedModel {
  std::string name, path;
  TrainedModel model;
  std::vector<std::string> heads;  // the network's heads (model/trained_model.h head_names), the default first
  // Per head: a Predictor on model.net (one thread; built after the model has its address) and
  // the batcher whose workers tag with it; batchers last, so their workers stop before the
  // predictors go.
  std::vector<std::unique_ptr<Predictor>> predictors;
  std::vector<std::unique_ptr<TagBatcher>> batchers;
  // The index of head `name` ("": the first); -1 when there is none of that name.
  int find_head(const std::string& name) const;
};

// `--model` values: each "NAME=PATH" or a bare PATH (named by its file name without the
// extension); several may be given comma-separated. InputError "--model: ..." for an empty name
// or path, or a name given twice.
std::vector<std::pair<std::string, std::string>> parse_model_specs(const std::vector<std::string>& specs);

class ModelRegistry {
 public:
  // Loads every model (InputError naming the path of one that does not load); tag_threads is
  // the tagging workers of each model (serve/tag_batcher.h), 0 for one per core.
  ModelRegistry(const std::vector<std::pair<std::string, std::string>>& specs, int tag_threads,
                const AbbreviationOptions& abbreviations = {});
  // A model already in memory (tests).
  void add(const std::string& name, const std::string& path, TrainedModel model, int tag_threads,
           const AbbreviationOptions& abbreviations = {});

  // The model named `name`, the default for ""; nullptr when there is none of that name.
  const ServedModel* find(const std::string& name) const;
  std::vector<std::string> names() const;
  std::size_t size() const { return models_.size(); }

  // GET /models: [{"name", "path", "default", "scheme", "types", "tags", "heads", "card",
  // "configuration"}]; "heads": [{"name", "types", "tags"}], the default first.
  nlohmann::json describe() const;

 private:
  std::vector<std::unique_ptr<ServedModel>> models_;
};

}  // namespace medner
