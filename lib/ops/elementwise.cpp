#include "ops/elementwise.h"

namespace medner {

namespace {
void check_same(Tape& tape, const char* op, NodeId a, NodeId b) {
  check_shape(tape.shape(a) == tape.shape(b), op, tape, {a, b}, "shapes must be equal");
}
}  // namespace

NodeId add(Tape& tape, NodeId a, NodeId b) {
  check_same(tape, "add", a, b);
  NodeId y = tape.add_node("add", tape.shape(a).rows, tape.shape(a).cols, {a, b});
  tape.value(y) = tape.value(a) + tape.value(b);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, a, b](Tape& t) {
    if (t.needs_grad(a)) t.grad(a) += t.grad(y);
    if (t.needs_grad(b)) t.grad(b) += t.grad(y);
  });
  return y;
}

NodeId subtract(Tape& tape, NodeId a, NodeId b) {
  check_same(tape, "subtract", a, b);
  NodeId y = tape.add_node("subtract", tape.shape(a).rows, tape.shape(a).cols, {a, b});
  tape.value(y) = tape.value(a) - tape.value(b);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, a, b](Tape& t) {
    if (t.needs_grad(a)) t.grad(a) += t.grad(y);
    if (t.needs_grad(b)) t.grad(b) -= t.grad(y);
  });
  return y;
}

NodeId multiply(Tape& tape, NodeId a, NodeId b) {
  check_same(tape, "multiply", a, b);
  NodeId y = tape.add_node("multiply", tape.shape(a).rows, tape.shape(a).cols, {a, b});
  tape.value(y) = tape.value(a).cwiseProduct(tape.value(b));
  if (!tape.needs_grad(y)) return y;
  // d(a*b)/da = b, d(a*b)/db = a
  tape.set_backward(y, [y, a, b](Tape& t) {
    if (t.needs_grad(a)) t.grad(a) += t.grad(y).cwiseProduct(t.value(b));
    if (t.needs_grad(b)) t.grad(b) += t.grad(y).cwiseProduct(t.value(a));
  });
  return y;
}

NodeId scale(Tape& tape, NodeId x, real s) {
  NodeId y = tape.add_node("scale", tape.shape(x).rows, tape.shape(x).cols, {x});
  tape.value(y) = s * tape.value(x);
  if (!tape.needs_grad(y)) return y;
  tape.set_backward(y, [y, x, s](Tape& t) { t.grad(x) += s * t.grad(y); });
  return y;
}

NodeId sigmoid(Tape& tape, NodeId x) {
  NodeId y = tape.add_node("sigmoid", tape.shape(x).rows, tape.shape(x).cols, {x});
  tape.value(y) = tape.value(x).array().logistic().matrix();
  if (!tape.needs_grad(y)) return y;
  // dy/dx = y (1 - y)
  tape.set_backward(y, [y, x](Tape& t) {
    auto Y = t.value(y).array();
    t.grad(x).array() += t.grad(y).array() * Y * (1 - Y);
  });
  return y;
}

NodeId tanh(Tape& tape, NodeId x) {
  NodeId y = tape.add_node("tanh", tape.shape(x).rows, tape.shape(x).cols, {x});
  tape.value(y) = tape.value(x).array().tanh().matrix();
  if (!tape.needs_grad(y)) return y;
  // dy/dx = 1 - y^2
  tape.set_backward(y, [y, x](Tape& t) {
    auto Y = t.value(y).array();
    t.grad(x).array() += t.grad(y).array() * (1 - Y.square());
  });
  return y;
}

NodeId relu(Tape& tape, NodeId x) {
  NodeId y = tape.add_node("relu", tape.shape(x).rows, tape.shape(x).cols, {x});
  tape.value(y) = tape.value(x).cwiseMax(real(0));
  if (!tape.needs_grad(y)) return y;
  // dy/dx = 1 where x > 0, else 0 (the subgradient 0 at the kink)
  tape.set_backward(y, [y, x](Tape& t) {
    t.grad(x).array() += (t.value(x).array() > 0).select(t.grad(y).array(), real(0));
  });
  return y;
}

}  // namespace medner
