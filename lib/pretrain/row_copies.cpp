#include "pretrain/row_copies.h"

#include <algorithm>
#include <cstring>

namespace medner {

RowCopies::RowCopies(float* shared, std::size_t rows, int dim) : shared_(shared), dim_(dim), slot_(rows, -1) {}

float* RowCopies::row(int r) {
  int& slot = slot_[static_cast<std::size_t>(r)];
  if (slot >= 0) return copy(static_cast<std::size_t>(slot));
  slot = static_cast<int>(touched_.size());
  touched_.push_back(r);
  const auto s = static_cast<std::size_t>(slot);
  if (s / kChunkRows == chunks_.size())
    chunks_.push_back(std::make_unique<float[]>(kChunkRows * static_cast<std::size_t>(dim_)));
  float* c = copy(s);
  std::memcpy(c, shared_ + static_cast<std::size_t>(r) * static_cast<std::size_t>(dim_),
              sizeof(float) * static_cast<std::size_t>(dim_));
  return c;
}

void RowCopies::to_changes() {
  for (std::size_t s = 0; s < touched_.size(); ++s) {
    float* c = copy(s);
    const float* p = shared_ + static_cast<std::size_t>(touched_[s]) * static_cast<std::size_t>(dim_);
    for (int d = 0; d < dim_; ++d) c[d] -= p[d];
  }
}

void RowCopies::add_changes(std::size_t part, std::size_t parts) const {
  for (std::size_t s = 0; s < touched_.size(); ++s) {
    const auto r = static_cast<std::size_t>(touched_[s]);
    if (r % parts != part) continue;
    const float* c = copy(s);
    float* p = shared_ + r * static_cast<std::size_t>(dim_);
    for (int d = 0; d < dim_; ++d) p[d] += c[d];
  }
}

void RowCopies::clear() {
  for (int r : touched_) slot_[static_cast<std::size_t>(r)] = -1;
  touched_.clear();
}

}  // namespace medner
