// String <-> id maps for words, characters and tags.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace medner {

class Vocab {
 public:
  Vocab() = default;
  explicit Vocab(std::vector<std::string> entries);  // ids follow the order; duplicates rejected
  int add(const std::string& s);   // id of s, adding it if absent
  int find(const std::string& s) const;  // -1 if absent
  const std::string& at(int id) const { return entries_.at(static_cast<std::size_t>(id)); }
  int size() const { return static_cast<int>(entries_.size()); }
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  std::vector<std::string> entries_;
  std::unordered_map<std::string, int> ids_;
};

// Reserved ids of word and character vocabularies.
constexpr int kPadId = 0;
constexpr int kUnkId = 1;
inline const char* kPadToken = "<pad>";
inline const char* kUnkToken = "<unk>";

}  // namespace medner
