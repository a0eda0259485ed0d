// ParamStore: every parameter value in one contiguous buffer, with named views; GradBuffer: the
// matching gradient buffer (one per thread). The optimizer step, clipping, zeroing, the MPI
// all-reduce and save/load are each one loop over the flat arrays.
//
// Layout: after finalize(), dense parameters form a prefix [0, dense_size()) and sparse ones
// (embedding tables, D x V, updated only in touched columns) follow. Every parameter starts on a
// 64-byte boundary (kParamAlign values); the gaps are zeros that no view covers. Layers keep Param handles,
// never copies or pointers, so the store may reorder itself in finalize().
#pragma once

#include "core/aligned_vector.h"
#include "core/tensor.h"

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

  // Zeroes the dense prefix and the touched columns of sparse parameters; clears the touch lists.
  void zero();
  // this += other, dense prefix and the union of touched columns (in other's order).
  void add(const GradBuffer& other);
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
