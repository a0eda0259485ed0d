#include "data/vocab.h"

#include "core/error.h"

namespace medner {

Vocab::Vocab(std::vector<std::string> entries) {
  for (auto& e : entries) {
    MEDNER_CHECK(find(e) < 0, "duplicate vocabulary entry '{}'", e);
    add(e);
  }
}

int Vocab::add(const std::string& s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  int id = size();
  entries_.push_back(s);
  ids_.emplace(s, id);
  return id;
}

int Vocab::find(const std::string& s) const {
  auto it = ids_.find(s);
  return it == ids_.end() ? -1 : it->second;
}

}  // namespace medner
