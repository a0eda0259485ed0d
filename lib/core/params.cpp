// ParamStore layout, GradBuffer zeroing, sums and slices (params.h).
#include "core/params.h"

#include "core/error.h"

#include <algorithm>
#include <cstring>

namespace medner {

namespace {
std::size_t aligned(std::size_t n) { return (n + kParamAlign - 1) / kParamAlign * kParamAlign; }
}  // namespace

Param ParamStore::add(const std::string& name, Index rows, Index cols, bool sparse) {
  MEDNER_CHECK(rows > 0 && cols > 0, "parameter '{}' has shape {}x{}", name, rows, cols);
  MEDNER_CHECK(!find(name).valid(), "parameter '{}' added twice", name);
  ParamInfo info;
  info.name = name;
  info.rows = rows;
  info.cols = cols;
  info.sparse = sparse;
  info.offset = aligned(values_.size());
  values_.resize(info.offset + static_cast<std::size_t>(rows * cols), real(0));
  infos_.push_back(info);
  finalized_ = false;
  return Param{static_cast<int>(infos_.size()) - 1};
}

void ParamStore::finalize() {
  AlignedVector<real> moved(values_.size() + infos_.size() * kParamAlign, real(0));
  std::size_t offset = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (ParamInfo& info : infos_) {
      if (info.sparse != (pass == 1)) continue;
      offset = aligned(offset);
      std::copy_n(values_.begin() + static_cast<std::ptrdiff_t>(info.offset), info.size(),
                  moved.begin() + static_cast<std::ptrdiff_t>(offset));
      info.offset = offset;
      offset += static_cast<std::size_t>(info.size());
    }
    if (pass == 0) dense_size_ = aligned(offset);
  }
  moved.resize(aligned(offset));
  values_.swap(moved);
  finalized_ = true;
}

MatrixMap ParamStore::value(Param p) {
  const ParamInfo& i = info(p);
  return MatrixMap(values_.data() + i.offset, i.rows, i.cols);
}

ConstMatrixMap ParamStore::value(Param p) const {
  const ParamInfo& i = info(p);
  return ConstMatrixMap(values_.data() + i.offset, i.rows, i.cols);
}

void ParamStore::set_trainable(Param p, bool trainable) {
  infos_.at(static_cast<std::size_t>(p.id)).trainable = trainable;
}

Param ParamStore::find(const std::string& name) const {
  for (std::size_t i = 0; i < infos_.size(); ++i)
    if (infos_[i].name == name) return Param{static_cast<int>(i)};
  return Param{};
}

GradBuffer::GradBuffer(const ParamStore& store) { reset(store); }

void GradBuffer::reset(const ParamStore& store) {
  MEDNER_CHECK(store.finalized(), "GradBuffer needs a finalized ParamStore");
  grads_.assign(store.size(), real(0));
  dense_size_ = store.dense_size();
  views_.clear();
  sparse_.clear();
  touched_.assign(static_cast<std::size_t>(store.count()), {});
  marked_.assign(static_cast<std::size_t>(store.count()), {});
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    views_.push_back(View{info.offset, info.rows, info.cols});
    sparse_.push_back(info.sparse);
    if (info.sparse) marked_[static_cast<std::size_t>(i)].assign(static_cast<std::size_t>(info.cols), 0);
  }
}

MatrixMap GradBuffer::grad(Param p) {
  const View& v = views_[static_cast<std::size_t>(p.id)];
  return MatrixMap(grads_.data() + v.offset, v.rows, v.cols);
}

void GradBuffer::touch(Param p, Index col) {
  auto i = static_cast<std::size_t>(p.id);
  uint8_t& m = marked_[i][static_cast<std::size_t>(col)];
  if (!m) {
    m = 1;
    touched_[i].push_back(static_cast<int32_t>(col));
  }
}

void GradBuffer::zero() {
  std::fill(grads_.begin(), grads_.begin() + static_cast<std::ptrdiff_t>(dense_size_), real(0));
  for (std::size_t i = 0; i < views_.size(); ++i) {
    if (!sparse_[i]) continue;
    const View& v = views_[i];
    for (int32_t col : touched_[i]) {
      std::memset(grads_.data() + v.offset + static_cast<std::size_t>(col * v.rows), 0,
                  sizeof(real) * static_cast<std::size_t>(v.rows));
      marked_[i][static_cast<std::size_t>(col)] = 0;
    }
    touched_[i].clear();
  }
}

void GradBuffer::add(const GradBuffer& other) {
  touch_all(other);
  add(other, whole());
}

void GradBuffer::touch_all(const GradBuffer& other) {
  MEDNER_CHECK(other.grads_.size() == grads_.size(), "GradBuffer::touch_all: layouts differ");
  for (std::size_t i = 0; i < views_.size(); ++i)
    if (sparse_[i])
      for (int32_t col : other.touched_[i]) touch(Param{static_cast<int>(i)}, col);
}

void GradBuffer::add(const GradBuffer& other, const GradSlice& slice) {
  MEDNER_CHECK(other.grads_.size() == grads_.size(), "GradBuffer::add: layouts differ");
  MEDNER_CHECK(slice.dense_begin <= slice.dense_end && slice.dense_end <= dense_size_,
               "GradBuffer::add: dense range [{}, {}) outside [0, {})", slice.dense_begin, slice.dense_end, dense_size_);
  const auto n = static_cast<Index>(slice.dense_end - slice.dense_begin);
  Eigen::Map<Vector>(grads_.data() + slice.dense_begin, n) +=
      Eigen::Map<const Vector>(other.grads_.data() + slice.dense_begin, n);
  for_each_column(slice, [&](Param p, int32_t col, std::size_t at, Index rows) {
    if (other.is_touched(p, col))
      Eigen::Map<Vector>(grads_.data() + at, rows) += Eigen::Map<const Vector>(other.grads_.data() + at, rows);
  });
}

std::size_t GradBuffer::touched_columns() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < views_.size(); ++i)
    if (sparse_[i]) n += touched_[i].size();
  return n;
}

std::vector<GradSlice> GradBuffer::split(int parts) const {
  MEDNER_CHECK(parts > 0, "GradBuffer::split into {} parts", parts);
  // Boundary k sits at k/parts of all values (dense, then the columns' values in visiting order):
  // in the dense range it is rounded down to kParamAlign, among the columns it is the first column
  // that starts at or after the target.
  std::vector<std::size_t> col_ends;  // values up to and including each column, after the dense ones
  std::size_t total = dense_size_;
  for (std::size_t i = 0; i < views_.size(); ++i)
    if (sparse_[i])
      for (std::size_t j = 0; j < touched_[i].size(); ++j) col_ends.push_back(total += static_cast<std::size_t>(views_[i].rows));
  std::vector<GradSlice> slices(static_cast<std::size_t>(parts));
  std::size_t dense = 0, col = 0;
  for (std::size_t k = 0; k < slices.size(); ++k) {
    slices[k].dense_begin = dense;
    slices[k].col_begin = col;
    if (k + 1 == slices.size()) {
      dense = dense_size_;
      col = col_ends.size();
    } else {
      const std::size_t target = total * (k + 1) / slices.size();
      if (target <= dense_size_) {
        dense = std::max(dense, target / kParamAlign * kParamAlign);
      } else {
        dense = dense_size_;
        // col_ends[c] - rows = start of column c; first c with start >= target.
        while (col < col_ends.size() && (col == 0 ? dense_size_ : col_ends[col - 1]) < target) ++col;
      }
    }
    slices[k].dense_end = dense;
    slices[k].col_end = col;
  }
  return slices;
}

void GradBuffer::sort_touched() {
  for (auto& t : touched_) std::sort(t.begin(), t.end());
}

}  // namespace medner
