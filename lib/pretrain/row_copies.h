// A thread's private copies of the parameter rows it touched during one block of skip-gram
// training (pretrain/skipgram.h): the first access to a row copies it from the shared matrix,
// later ones see the thread's own updates; at the block's end the copies become the thread's
// changes (copy - shared), which the trainer adds to the shared matrix in thread order.
// Copies live in chunks of fixed size, so a pointer to one stays valid while others are added.
#pragma once

#include <memory>
#include <vector>

namespace medner {

class RowCopies {
 public:
  RowCopies(float* shared, std::size_t rows, int dim);

  float* row(int r);  // this thread's copy of row r
  // Turns every copy into its change against the shared matrix (which no one writes meanwhile).
  void to_changes();
  // Adds the changes of the rows r with r % parts == part to the shared matrix.
  void add_changes(std::size_t part, std::size_t parts) const;
  void clear();  // forgets every copy, for the next block

 private:
  static constexpr std::size_t kChunkRows = 1024;
  float* copy(std::size_t slot) {
    return chunks_[slot / kChunkRows].get() + (slot % kChunkRows) * static_cast<std::size_t>(dim_);
  }
  const float* copy(std::size_t slot) const {
    return chunks_[slot / kChunkRows].get() + (slot % kChunkRows) * static_cast<std::size_t>(dim_);
  }

  float* shared_;
  int dim_;
  std::vector<int> slot_;     // per shared row: its copy's slot, or -1
  std::vector<int> touched_;  // rows with a copy, in slot order
  std::vector<std::unique_ptr<float[]>> chunks_;
};

}  // namespace medner
