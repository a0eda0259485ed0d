// Tape-based reverse-mode autodiff (STYLE.md section 2).
//
// Nodes are appended in creation order, so creation order is a topological order and backward()
// is a reverse loop. An op adds its node, computes the value, and registers a backward closure
// next to the forward code; backward closures *accumulate* (+=) into input gradients, which is
// what makes fan-out correct. Values, gradients and op scratch live in an Arena that clear()
// keeps, so a steady-state step allocates nothing. One Tape per thread; nothing global.
#pragma once

#include "core/arena.h"
#include "core/inline_function.h"
#include "core/params.h"
#include "core/tensor.h"

#include <initializer_list>
#include <vector>

namespace medner {

using NodeId = int;
class Tape;
using Backward = InlineFunction<void(Tape&), 112>;

struct Node {
  const char* op = "";
  Index rows = 0;
  Index cols = 0;
  real* value = nullptr;
  real* grad = nullptr;  // null when no gradient flows here
  const NodeId* inputs = nullptr;
  int n_inputs = 0;
  Backward backward;
};

class Tape {
 public:
  // Parameter gradients accumulate into `grads`; null means inference (no gradients at all).
  explicit Tape(GradBuffer* grads = nullptr) : grads_(grads) {}
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  void set_grads(GradBuffer* grads) { grads_ = grads; }
  GradBuffer* grads() const { return grads_; }
  // Forgets all nodes but keeps their memory for the next step.
  void clear();

  // --- leaves
  // A constant with an uninitialised value; fill it through value().
  NodeId constant(Index rows, Index cols);
  NodeId constant(const Eigen::Ref<const Matrix>& m);
  // A variable leaf that receives a gradient (used by tests and gradient checks).
  NodeId variable(const Eigen::Ref<const Matrix>& m);
  // A dense parameter: the value aliases the store, the gradient aliases the GradBuffer.
  NodeId param(const ParamStore& store, Param p);

  // --- for op authors
  // Adds a node whose value is uninitialised; it gets a zeroed gradient iff an input has one.
  NodeId add_node(const char* op, Index rows, Index cols, std::initializer_list<NodeId> inputs);
  NodeId add_node(const char* op, Index rows, Index cols, const NodeId* inputs, int n_inputs);
  // A node that receives a gradient although no input node does (gathers from a parameter
  // table write their gradient straight into the GradBuffer).
  NodeId add_node_with_grad(const char* op, Index rows, Index cols);
  void set_backward(NodeId id, Backward backward) { nodes_[idx(id)].backward = backward; }
  template <class T>
  T* scratch(std::size_t n) {
    return arena_.alloc<T>(n);
  }

  const Node& node(NodeId id) const { return nodes_[idx(id)]; }
  Shape shape(NodeId id) const { return Shape{nodes_[idx(id)].rows, nodes_[idx(id)].cols}; }
  bool needs_grad(NodeId id) const { return nodes_[idx(id)].grad != nullptr; }
  MatrixMap value(NodeId id) {
    Node& n = nodes_[idx(id)];
    return MatrixMap(n.value, n.rows, n.cols);
  }
  MatrixMap grad(NodeId id);  // checks that the node has a gradient
  real scalar(NodeId id) const { return nodes_[idx(id)].value[0]; }
  int size() const { return static_cast<int>(nodes_.size()); }

  // Seeds d(loss)/d(loss) = 1 for a 1x1 node and runs every backward closure in reverse order.
  void backward(NodeId loss);
  // Seeds the gradient of any node with `seed` (same shape) and runs backward from it; the
  // gradient checker uses this to take the Jacobian one output element at a time.
  void backward(NodeId out, const Eigen::Ref<const Matrix>& seed);

  // Debug mode: verify every value and gradient, throwing NumericError naming op and node.
  void set_check_finite(bool on) { check_finite_ = on; }
  std::size_t arena_capacity() const { return arena_.capacity(); }

 private:
  static std::size_t idx(NodeId id) { return static_cast<std::size_t>(id); }
  void run_backward(NodeId from);
  void check_value(NodeId id) const;
  void check_grad(NodeId id) const;

  std::vector<Node> nodes_;
  Arena arena_;
  GradBuffer* grads_ = nullptr;
  bool check_finite_ = false;
};

// Shape check at node construction: names the op and prints every input shape.
void check_shape(bool ok, const char* op, const Tape& tape, std::initializer_list<NodeId> inputs,
                 const char* expectation);

}  // namespace medner
