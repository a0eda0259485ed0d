// Moving parameters between a ParamStore and a ModelFile (declared in model_file.h). Names and
// shapes are checked both ways before anything is copied, and the error shows both sides
// (DyNet's io.cc does the same), so loading a model into a differently configured network says
// exactly which parameter disagrees instead of silently reading garbage.
#include "core/error.h"
#include "data/conll.h"
#include "io/model_file.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace medner {

void store_params(const ParamStore& store, ModelFile& mf) {
  mf.params.clear();
  mf.params.reserve(static_cast<std::size_t>(store.count()));
  for (int i = 0; i < store.count(); ++i) {
    const Param p = store.param(i);
    const ParamInfo& info = store.info(p);
    ModelFile::Tensor t;
    t.name = info.name;
    t.rows = info.rows;
    t.cols = info.cols;
    const ConstMatrixMap v = store.value(p);
    t.data.assign(v.data(), v.data() + v.size());
    mf.params.push_back(std::move(t));
  }
}

void load_params(const ModelFile& mf, ParamStore& store, const std::string& path) {
  std::unordered_map<std::string_view, const ModelFile::Tensor*> in_file;
  for (const ModelFile::Tensor& t : mf.params) in_file.emplace(t.name, &t);
  std::unordered_set<std::string_view> in_model;

  std::vector<std::string> problems;
  std::vector<std::pair<Param, const ModelFile::Tensor*>> copies;
  for (int i = 0; i < store.count(); ++i) {
    const Param p = store.param(i);
    const ParamInfo& info = store.info(p);
    in_model.insert(info.name);
    const auto it = in_file.find(info.name);
    if (it == in_file.end()) {
      problems.push_back(
          fmt::format("parameter '{}' is in the model but missing from the file", info.name));
      continue;
    }
    const ModelFile::Tensor& t = *it->second;
    if (t.rows != info.rows || t.cols != info.cols) {
      problems.push_back(fmt::format("parameter '{}' is {}x{} in the file but {}x{} in the model",
                                     info.name, t.rows, t.cols, info.rows, info.cols));
      continue;
    }
    MEDNER_CHECK(t.data.size() == static_cast<std::size_t>(t.rows * t.cols),
                 "tensor '{}' has {} values for {}x{}", t.name, t.data.size(), t.rows, t.cols);
    copies.emplace_back(p, &t);
  }
  for (const ModelFile::Tensor& t : mf.params)
    if (in_model.count(t.name) == 0)
      problems.push_back(fmt::format("parameter '{}' is in the file but not in the model",
                                     message_excerpt(t.name)));

  if (!problems.empty()) {
    std::string msg = path + ": " + problems.front();
    if (problems.size() > 1)
      msg += fmt::format(" (and {} more parameter mismatch{})", problems.size() - 1,
                         problems.size() == 2 ? "" : "es");
    throw InputError(msg);
  }
  for (const auto& [p, t] : copies)
    std::copy(t->data.begin(), t->data.end(), store.value(p).data());
}

}  // namespace medner
