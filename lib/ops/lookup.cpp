#include "ops/lookup.h"

#include "core/error.h"

#include <algorithm>

namespace medner {

NodeId lookup(Tape& tape, const ParamStore& store, Param table, const int* ids, Index n) {
  const ParamInfo& info = store.info(table);
  const Index D = info.rows;
  GradBuffer* grads = tape.grads();
  bool with_grad = grads != nullptr && info.trainable;
  NodeId y = with_grad ? tape.add_node_with_grad("lookup", D, n) : tape.add_node("lookup", D, n, {});
  int* idx = tape.scratch<int>(static_cast<std::size_t>(n));
  auto Y = tape.value(y);
  const real* base = store.data() + info.offset;
  for (Index j = 0; j < n; ++j) {
    if (ids[j] < 0 || ids[j] >= info.cols)
      throw InternalError(fmt::format("lookup '{}': id {} outside [0, {})", info.name, ids[j], info.cols));
    idx[j] = ids[j];
    Y.col(j) = ConstVectorMap(base + static_cast<Index>(idx[j]) * D, D);
  }
  if (!with_grad) return y;
  // d table[:, id] += dy[:, j] for every j with ids[j] == id.
  tape.set_backward(y, [y, idx, n, table](Tape& t) {
    auto dY = t.grad(y);
    GradBuffer& g = *t.grads();
    auto dT = g.grad(table);
    bool sparse = g.is_sparse(table);
    for (Index j = 0; j < n; ++j) {
      dT.col(idx[j]) += dY.col(j);
      if (sparse) g.touch(table, idx[j]);
    }
  });
  return y;
}

NodeId gather_columns(Tape& tape, NodeId x, const int* idx_in, Index n) {
  Shape s = tape.shape(x);
  NodeId y = tape.add_node("gather_columns", s.rows, n, {x});
  int* idx = tape.scratch<int>(static_cast<std::size_t>(n));
  auto X = tape.value(x);
  auto Y = tape.value(y);
  for (Index j = 0; j < n; ++j) {
    MEDNER_CHECK(idx_in[j] < s.cols, "gather_columns: index {} outside [0, {})", idx_in[j], s.cols);
    idx[j] = idx_in[j];
    if (idx[j] >= 0)
      Y.col(j) = X.col(idx[j]);
    else
      Y.col(j).setZero();
  }
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, idx, n](Tape& t) {
    auto dX = t.grad(x);
    auto dY = t.grad(y);
    for (Index j = 0; j < n; ++j)
      if (idx[j] >= 0) dX.col(idx[j]) += dY.col(j);
  });
  return y;
}

}  // namespace medner
