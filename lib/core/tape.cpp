#include "core/tape.h"

#include "core/error.h"

#include <cstring>

namespace medner {

void Tape::clear() {
  nodes_.clear();
  arena_.clear();
}

NodeId Tape::add_node(const char* op, Index rows, Index cols, const NodeId* inputs, int n_inputs) {
  if (check_finite_ && !nodes_.empty()) check_value(static_cast<NodeId>(nodes_.size()) - 1);
  Node n;
  n.op = op;
  n.rows = rows;
  n.cols = cols;
  auto count = static_cast<std::size_t>(rows * cols);
  n.value = arena_.alloc<real>(count);
  bool grad = false;
  if (n_inputs > 0) {
    NodeId* ins = arena_.alloc<NodeId>(static_cast<std::size_t>(n_inputs));
    for (int i = 0; i < n_inputs; ++i) {
      MEDNER_CHECK(inputs[i] >= 0 && inputs[i] < size(), "op {}: input {} is not on this tape", op, inputs[i]);
      ins[i] = inputs[i];
      grad = grad || needs_grad(inputs[i]);
    }
    n.inputs = ins;
    n.n_inputs = n_inputs;
  }
  if (grad) {
    n.grad = arena_.alloc<real>(count);
    std::memset(n.grad, 0, count * sizeof(real));
  }
  nodes_.push_back(n);
  return static_cast<NodeId>(nodes_.size()) - 1;
}

NodeId Tape::add_node(const char* op, Index rows, Index cols, std::initializer_list<NodeId> inputs) {
  return add_node(op, rows, cols, inputs.begin(), static_cast<int>(inputs.size()));
}

NodeId Tape::add_node_with_grad(const char* op, Index rows, Index cols) {
  NodeId id = add_node(op, rows, cols, nullptr, 0);
  Node& n = nodes_[idx(id)];
  auto count = static_cast<std::size_t>(rows * cols);
  n.grad = arena_.alloc<real>(count);
  std::memset(n.grad, 0, count * sizeof(real));
  return id;
}

NodeId Tape::constant(Index rows, Index cols) { return add_node("constant", rows, cols, nullptr, 0); }

NodeId Tape::constant(const Eigen::Ref<const Matrix>& m) {
  NodeId id = constant(m.rows(), m.cols());
  value(id) = m;
  return id;
}

NodeId Tape::variable(const Eigen::Ref<const Matrix>& m) {
  NodeId id = add_node_with_grad("variable", m.rows(), m.cols());
  value(id) = m;
  return id;
}

NodeId Tape::param(const ParamStore& store, Param p) {
  const ParamInfo& info = store.info(p);
  MEDNER_CHECK(!info.sparse, "parameter '{}' is sparse: use lookup(), not param()", info.name);
  if (check_finite_ && !nodes_.empty()) check_value(static_cast<NodeId>(nodes_.size()) - 1);
  Node n;
  n.op = "param";
  n.rows = info.rows;
  n.cols = info.cols;
  n.value = const_cast<real*>(store.data()) + info.offset;  // read-only by convention
  if (grads_ != nullptr && info.trainable) n.grad = grads_->grad(p).data();
  nodes_.push_back(n);
  return static_cast<NodeId>(nodes_.size()) - 1;
}

MatrixMap Tape::grad(NodeId id) {
  Node& n = nodes_[idx(id)];
  MEDNER_CHECK(n.grad != nullptr, "node {} ({}) has no gradient", id, n.op);
  return MatrixMap(n.grad, n.rows, n.cols);
}

void Tape::backward(NodeId loss) {
  Node& l = nodes_[idx(loss)];
  MEDNER_CHECK(l.rows == 1 && l.cols == 1, "backward() needs a 1x1 loss, got {}x{} from {}", l.rows,
               l.cols, l.op);
  if (check_finite_) check_value(static_cast<NodeId>(nodes_.size()) - 1);
  if (l.grad == nullptr) return;  // nothing trainable contributed
  l.grad[0] += real(1);
  run_backward(loss);
}

void Tape::backward(NodeId out, const Eigen::Ref<const Matrix>& seed) {
  Node& o = nodes_[idx(out)];
  MEDNER_CHECK(seed.rows() == o.rows && seed.cols() == o.cols, "backward seed {}x{} for node {}x{}",
               seed.rows(), seed.cols(), o.rows, o.cols);
  if (o.grad == nullptr) return;
  MatrixMap(o.grad, o.rows, o.cols) += seed;
  run_backward(out);
}

void Tape::run_backward(NodeId from) {
  for (NodeId i = from; i >= 0; --i) {
    Node& n = nodes_[idx(i)];
    if (n.grad == nullptr || !n.backward) continue;
    n.backward(*this);
    if (check_finite_)
      for (int k = 0; k < n.n_inputs; ++k) check_grad(n.inputs[k]);
  }
}

void Tape::check_value(NodeId id) const {
  const Node& n = nodes_[idx(id)];
  if (!Eigen::Map<const Matrix>(n.value, n.rows, n.cols).allFinite())
    throw NumericError(fmt::format("non-finite value in node {} ({}, {}x{})", id, n.op, n.rows, n.cols));
}

void Tape::check_grad(NodeId id) const {
  const Node& n = nodes_[idx(id)];
  if (n.grad != nullptr && !Eigen::Map<const Matrix>(n.grad, n.rows, n.cols).allFinite())
    throw NumericError(fmt::format("non-finite gradient in node {} ({}, {}x{})", id, n.op, n.rows, n.cols));
}

void check_shape(bool ok, const char* op, const Tape& tape, std::initializer_list<NodeId> inputs,
                 const char* expectation) {
  if (ok) return;
  std::string shapes;
  for (NodeId id : inputs) {
    if (!shapes.empty()) shapes += ", ";
    shapes += to_string(tape.shape(id));
  }
  throw InternalError(fmt::format("{}: bad input shapes ({}): {}", op, shapes, expectation));
}

}  // namespace medner
