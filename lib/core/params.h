// ParamStore: every parameter value in one contiguous buffer, with named views; GradBuffer: the
// matching gradient buffer (one per thread). The optimizer step, clipping, zeroing, the MPI
// all-reduce and save/load are each one loop over the flat arrays. GradSlice cuts one step's work
// on those arrays into disjoint shares, so that threads can do it side by side.
//
// Layout: after finalize(), dense parameters form a prefix [0, dense_size()) and sparse ones
// (embedding tables, D x V, updated only in touched columns) follow. Every parameter starts on a
// 64-byte boundary (kParamAlign values); the gaps are zeros that no view covers. Layers keep Param handles,
// never copies or pointers, so the store may reorder itself in finalize().
#pragma once

#include "core/aligned_vector.h"
#include "core/tensor.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace medner {

struct Param {
  int id = -1;
  bool valid() const { return id >= 0; }
};

struct ParamInfo {
  std::string name;  // hierarchical, "bilstm/0/fwd/W"
  Index rows = 0;
  Index cols = 0;
  std::size_t offset = 0;  // into the flat buffers
  bool sparse = false;     // gradients touch single columns (embedding tables)
  bool trainable = true;   // frozen parameters get no gradient
  Index size() const { return rows * cols; }
};

constexpr std::size_t kParamAlign = kBufferAlign / sizeof(real);

class ParamStore {
 public:
  // Adds a zero-initialised rows x cols parameter. Names must be unique.
  Param add(const std::string& name, Index rows, Index cols, bool sparse = false);
  // Puts dense parameters first, sparse ones after (values move with them). Idempotent.
  void finalize();

  MatrixMap value(Param p);
  ConstMatrixMap value(Param p) const;
  const ParamInfo& info(Param p) const { return infos_.at(static_cast<std::size_t>(p.id)); }
  void set_trainable(Param p, bool trainable);
  Param find(const std::string& name) const;  // invalid Param if absent

  int count() const { return static_cast<int>(infos_.size()); }
  Param param(int i) const { return Param{i}; }
  real* data() { return values_.data(); }
  const real* data() const { return values_.data(); }
  std::size_t size() const { return values_.size(); }
  std::size_t dense_size() const { return dense_size_; }  // valid after finalize()
  bool finalized() const { return finalized_; }

 private:
  std::vector<ParamInfo> infos_;
  AlignedVector<real> values_;
  std::size_t dense_size_ = 0;
  bool finalized_ = false;
};

// A share of one step's gradient work: the dense values [dense_begin, dense_end) and the touched
// sparse columns numbered [col_begin, col_end) in visiting order (sparse parameters in store order,
// each one's touched list in list order). GradBuffer::split() cuts a step into disjoint slices
// that cover it; GradBuffer::whole() is the step in one slice, visited in the same order.
struct GradSlice {
  std::size_t dense_begin = 0, dense_end = 0;
  std::size_t col_begin = 0, col_end = 0;
};

// Gradients with the store's layout. Sparse parameters record which columns were touched, so
// zeroing and the optimizer visit only those.
class GradBuffer {
 public:
  GradBuffer() = default;
  explicit GradBuffer(const ParamStore& store);
  void reset(const ParamStore& store);

  MatrixMap grad(Param p);
  real* data() { return grads_.data(); }
  const real* data() const { return grads_.data(); }
  std::size_t size() const { return grads_.size(); }
  std::size_t dense_size() const { return dense_size_; }

  // Marks column `col` of sparse parameter p as holding gradient. Cheap when already marked.
  void touch(Param p, Index col);
  const std::vector<int32_t>& touched(Param p) const { return touched_[static_cast<std::size_t>(p.id)]; }
  bool is_sparse(Param p) const { return sparse_[static_cast<std::size_t>(p.id)]; }
  bool is_touched(Param p, Index col) const {
    return marked_[static_cast<std::size_t>(p.id)][static_cast<std::size_t>(col)] != 0;
  }
  std::size_t touched_columns() const;  // over all sparse parameters

  // Zeroes the dense prefix and the touched columns of sparse parameters; clears the touch lists.
  void zero();
  // this += other, dense prefix and the union of touched columns (in other's order).
  // Equal to touch_all(other) followed by add(other, whole()).
  void add(const GradBuffer& other);
  // Marks the columns other touched (in other's order) without adding anything.
  void touch_all(const GradBuffer& other);
  // this += other on one slice of this buffer: its dense range and those of its columns that other
  // touched. After touch_all(other), the slices of one split() add all of other, each value
  // rounded as add(other) rounds it; different slices may be added concurrently.
  void add(const GradBuffer& other, const GradSlice& slice);

  GradSlice whole() const { return GradSlice{0, dense_size_, 0, touched_columns()}; }
  // `parts` slices of about equal numbers of values, in visiting order: dense boundaries on
  // kParamAlign (different threads never write one cache line), columns whole. Some may be empty.
  std::vector<GradSlice> split(int parts) const;
  // f(Param p, int32_t col, std::size_t offset, Index rows) for each column of the slice, in
  // visiting order; offset is the column's first value in the flat buffers.
  template <class F>
  void for_each_column(const GradSlice& slice, F f) const {
    std::size_t k = 0;  // number of the current list's first column
    for (std::size_t i = 0; i < views_.size() && k < slice.col_end; ++i) {
      if (!sparse_[i]) continue;
      const std::vector<int32_t>& list = touched_[i];
      const std::size_t end = std::min(slice.col_end, k + list.size());
      for (std::size_t j = std::max(slice.col_begin, k); j < end; ++j) {
        const int32_t col = list[j - k];
        f(Param{static_cast<int>(i)}, col, views_[i].offset + static_cast<std::size_t>(col) * static_cast<std::size_t>(views_[i].rows),
          views_[i].rows);
      }
      k += list.size();
    }
  }
  // Sorts each touched list so that the visiting order does not depend on thread timing.
  void sort_touched();

 private:
  struct View {
    std::size_t offset;
    Index rows, cols;
  };
  AlignedVector<real> grads_;
  std::vector<View> views_;
  std::vector<bool> sparse_;
  std::vector<std::vector<int32_t>> touched_;
  std::vector<std::vector<uint8_t>> marked_;
  std::size_t dense_size_ = 0;
};

}  // namespace medner
