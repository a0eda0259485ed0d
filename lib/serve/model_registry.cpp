#include "serve/model_registry.h"

#include "core/error.h"
#include "data/tag_scheme.h"

#include <algorithm>
#include <filesystem>
#include <thread>

namespace medner {

std::vector<std::pair<std::string, std::string>> parse_model_specs(const std::vector<std::string>& specs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& spec : specs) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = spec.find(',', start);
      const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const std::size_t eq = item.find('=');
      std::string name = eq == std::string::npos ? std::filesystem::path(item).stem().string() : item.substr(0, eq);
      std::string path = eq == std::string::npos ? item : item.substr(eq + 1);
      if (name.empty() || path.empty())
        throw InputError("--model: expected NAME=PATH or PATH, got '" + item + "'");
      for (const auto& [n, p] : out)
        if (n == name) throw InputError("--model: the name '" + name + "' is given twice ('" + p + "', '" + path + "')");
      out.emplace_back(std::move(name), std::move(path));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (out.empty()) throw InputError("--model: expected at least one model, NAME=PATH");
  return out;
}

ModelRegistry::ModelRegistry(const std::vector<std::pair<std::string, std::string>>& specs, int tag_threads,
                             const AbbreviationOptions& abbreviations) {
  for (const auto& [name, path] : specs) add(name, path, load_trained_model(path, 1), tag_threads, abbreviations);  // one thread per worker
}

void ModelRegistry::add(const std::string& name, const std::string& path, TrainedModel model, int tag_threads,
                        const AbbreviationOptions& abbreviations) {
  auto m = std::make_unique<ServedModel>();
  m->name = name;
  m->path = path;
  m->model = std::move(model);
  m->heads = head_names(m->model.config, m->model.vocab);
  const int workers = tag_threads > 0 ? tag_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (std::size_t h = 0; h < m->heads.size(); ++h) {
    m->predictors.push_back(std::make_unique<Predictor>(*m->model.net, m->model.vocab, 1, static_cast<int>(h)));
    m->batchers.push_back(std::make_unique<TagBatcher>(m->model, *m->predictors.back(), workers, abbreviations));
  }
  models_.push_back(std::move(m));
}

int ServedModel::find_head(const std::string& head) const {
  if (head.empty()) return 0;
  for (std::size_t h = 0; h < heads.size(); ++h)
    if (heads[h] == head) return static_cast<int>(h);
  return -1;
}

const ServedModel* ModelRegistry::find(const std::string& name) const {
  if (models_.empty()) return nullptr;
  if (name.empty()) return models_.front().get();
  for (const auto& m : models_)
    if (m->name == name) return m.get();
  return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : models_) out.push_back(m->name);
  return out;
}

nlohmann::json ModelRegistry::describe() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : models_) {
    nlohmann::json heads = nlohmann::json::array();
    for (std::size_t h = 0; h < m->heads.size(); ++h) {
      const Vocab& tags = m->model.vocab.head_tags(static_cast<int>(h));
      heads.push_back({{"name", m->heads[h]}, {"types", tag_types(tags.entries())}, {"tags", tags.entries()}});
    }
    nlohmann::json config = nlohmann::json::object();
    for (const auto& [key, value] : m->model.config) config[key] = value;
    out.push_back({{"name", m->name},
                   {"path", m->path},
                   {"default", m.get() == models_.front().get()},
                   {"scheme", to_string(m->model.vocab.scheme)},
                   {"types", tag_types(m->model.vocab.tags.entries())},
                   {"tags", m->model.vocab.tags.entries()},
                   {"heads", heads},
                   {"card", m->model.card},
                   {"configuration", config}});
  }
  return out;
}

}  // namespace medner
