#include "model/shipped_models.h"

#include "core/error.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#ifndef MEDNER_MODELS_DIR
#define MEDNER_MODELS_DIR "models"
#endif

namespace medner {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> model_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("MEDNER_MODELS"); env != nullptr && *env != '\0') dirs.push_back(env);
  dirs.push_back(MEDNER_MODELS_DIR);
  return dirs;
}

// The NAME of every NAME.bin in dir, sorted.
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".bin") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string resolve_model_path(const std::string& model) {
  std::error_code ec;
  if (model.find('/') != std::string::npos || fs::exists(model, ec) || model.empty()) return model;
  for (const std::string& dir : model_dirs()) {
    const std::string path = dir + "/" + model + ".bin";
    if (fs::is_regular_file(path, ec)) return path;
  }
  // Each directory with the names it holds: "(shipped: a in $MEDNER_MODELS's dir; b, c in models/)".
  std::string where;
  for (const std::string& dir : model_dirs()) {
    std::string names;
    for (const std::string& n : names_in(dir)) names += (names.empty() ? "" : ", ") + n;
    where += fmt::format("{}{} in {}", where.empty() ? "" : "; ", names.empty() ? "none" : names, dir);
  }
  throw InputError(fmt::format("model '{}': no such file, and no shipped model of that name (shipped: {})", model, where));
}

std::vector<std::string> shipped_model_names() {
  std::vector<std::string> names;
  for (const std::string& dir : model_dirs()) {
    const std::vector<std::string> here = names_in(dir);
    names.insert(names.end(), here.begin(), here.end());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace medner
