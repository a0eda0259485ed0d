#include "optim/param_average.h"

#include "core/error.h"

#include <cmath>

namespace medner {

ParamAverage::ParamAverage(const ParamStore& store, double decay)
    : decay_(decay), dense_size_(store.dense_size()), sum_(store.size(), real(0)) {
  MEDNER_CHECK(decay > 0 && decay < 1, "ParamAverage: decay {} is not in (0, 1)", decay);
  MEDNER_CHECK(store.finalized(), "ParamAverage: the store is not finalized");
  tables_.resize(static_cast<std::size_t>(store.count()));
  std::size_t columns = 0;
  for (int i = 0; i < store.count(); ++i) {
    const ParamInfo& info = store.info(store.param(i));
    if (!info.sparse) continue;
    tables_[static_cast<std::size_t>(i)] = Table{info.offset, info.rows, info.cols, columns};
    columns += static_cast<std::size_t>(info.cols);
  }
  at_.assign(columns, 0);
}

std::size_t ParamAverage::column(Param p, int32_t col) const {
  return tables_[static_cast<std::size_t>(p.id)].first + static_cast<std::size_t>(col);
}

void ParamAverage::blend(const real* w, std::size_t offset, std::size_t n, real a, real b) {
  real* s = sum_.data() + offset;
  const real* v = w + offset;
  for (std::size_t i = 0; i < n; ++i) s[i] = a * s[i] + b * v[i];
}

void ParamAverage::hold(const real* w, std::size_t offset, Index rows, int64_t k) {
  if (k <= 0) return;
  // d^k in double: for d near 1 the float power would lose digits.
  const double dk = std::pow(decay_, static_cast<double>(k));
  blend(w, offset, static_cast<std::size_t>(rows), static_cast<real>(dk), static_cast<real>(1 - dk));
}

void ParamAverage::before_step(const real* w, const GradBuffer& grads, const GradSlice& slice, int64_t step) {
  grads.for_each_column(slice, [&](Param p, int32_t col, std::size_t offset, Index rows) {
    int64_t& at = at_[column(p, col)];
    hold(w, offset, rows, step - 1 - at);
    at = step - 1;
  });
}

void ParamAverage::after_step(const real* w, const GradBuffer& grads, const GradSlice& slice, int64_t step) {
  MEDNER_CHECK(slice.dense_begin <= slice.dense_end && slice.dense_end <= dense_size_,
               "ParamAverage: dense range [{}, {}) of {}", slice.dense_begin, slice.dense_end, dense_size_);
  const auto d = static_cast<real>(decay_);
  const auto one_minus_d = static_cast<real>(1 - decay_);
  blend(w, slice.dense_begin, slice.dense_end - slice.dense_begin, d, one_minus_d);
  grads.for_each_column(slice, [&](Param p, int32_t col, std::size_t offset, Index rows) {
    int64_t& at = at_[column(p, col)];
    MEDNER_CHECK(at == step - 1, "ParamAverage: column {} of parameter {} is at step {}, not {}", col, p.id,
                 at, step - 1);
    blend(w, offset, static_cast<std::size_t>(rows), d, one_minus_d);
    at = step;
  });
}

void ParamAverage::catch_up(const real* w, int64_t step) {
  for (const Table& t : tables_)
    for (Index c = 0; c < t.cols; ++c) {
      int64_t& at = at_[t.first + static_cast<std::size_t>(c)];
      hold(w, t.offset + static_cast<std::size_t>(c) * static_cast<std::size_t>(t.rows), t.rows, step - at);
      at = step;
    }
}

void ParamAverage::averaged(int64_t steps, real* out) const {
  MEDNER_CHECK(steps >= 1, "ParamAverage::averaged: {} steps", steps);
  for (int64_t at : at_)
    MEDNER_CHECK(at == steps, "ParamAverage::averaged: a column is at step {}, not {} (catch_up first)", at, steps);
  // 1 - d^t in double: for d near 1 and small t the float difference would lose digits.
  const auto scale = static_cast<real>(1.0 / (1.0 - std::pow(decay_, static_cast<double>(steps))));
  for (std::size_t i = 0; i < sum_.size(); ++i) out[i] = sum_[i] * scale;
}

void ParamAverage::resumed_at(int64_t step) { at_.assign(at_.size(), step); }

}  // namespace medner
