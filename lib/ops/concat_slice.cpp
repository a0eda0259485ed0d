#include "ops/concat_slice.h"

#include "core/error.h"

namespace medner {

NodeId concat_rows(Tape& tape, const NodeId* xs, int n) {
  check_shape(n > 0, "concat_rows", tape, {}, "no inputs");
  Index cols = tape.shape(xs[0]).cols, rows = 0;
  for (int i = 0; i < n; ++i) {
    if (tape.shape(xs[i]).cols != cols) {
      std::string shapes;
      for (int k = 0; k < n; ++k) shapes += (k ? ", " : "") + to_string(tape.shape(xs[k]));
      throw InternalError("concat_rows: bad input shapes (" + shapes + "): column counts differ");
    }
    rows += tape.shape(xs[i]).rows;
  }
  NodeId y = tape.add_node("concat_rows", rows, cols, xs, n);
  auto Y = tape.value(y);
  Index at = 0;
  for (int i = 0; i < n; ++i) {
    Index r = tape.shape(xs[i]).rows;
    Y.middleRows(at, r) = tape.value(xs[i]);
    at += r;
  }
  if (!tape.needs_grad(y)) return y;
  // Each input gets its own band of rows of dY.
  tape.set_backward(y, [y](Tape& t) {
    const Node& node = t.node(y);
    auto dY = t.grad(y);
    Index row = 0;
    for (int i = 0; i < node.n_inputs; ++i) {
      NodeId x = node.inputs[i];
      Index r = t.shape(x).rows;
      if (t.needs_grad(x)) t.grad(x) += dY.middleRows(row, r);
      row += r;
    }
  });
  return y;
}

NodeId concat_rows(Tape& tape, std::initializer_list<NodeId> xs) {
  return concat_rows(tape, xs.begin(), static_cast<int>(xs.size()));
}

NodeId slice_rows(Tape& tape, NodeId x, Index begin, Index count) {
  Shape s = tape.shape(x);
  check_shape(begin >= 0 && count >= 0 && begin + count <= s.rows, "slice_rows", tape, {x},
              "row range outside the input");
  NodeId y = tape.add_node("slice_rows", count, s.cols, {x});
  tape.value(y) = tape.value(x).middleRows(begin, count);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, begin, count](Tape& t) {
    t.grad(x).middleRows(begin, count) += t.grad(y);
  });
  return y;
}

NodeId slice_cols(Tape& tape, NodeId x, Index begin, Index count) {
  Shape s = tape.shape(x);
  check_shape(begin >= 0 && count >= 0 && begin + count <= s.cols, "slice_cols", tape, {x},
              "column range outside the input");
  NodeId y = tape.add_node("slice_cols", s.rows, count, {x});
  tape.value(y) = tape.value(x).middleCols(begin, count);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, begin, count](Tape& t) {
    t.grad(x).middleCols(begin, count) += t.grad(y);
  });
  return y;
}

}  // namespace medner
