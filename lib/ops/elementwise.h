// Elementwise ops: sum, difference and product of equal shapes, scaling, and the nonlinearities.
#pragma once

#include "core/tape.h"

namespace medner {

NodeId add(Tape& tape, NodeId a, NodeId b);       // a, b: R x C -> R x C
NodeId subtract(Tape& tape, NodeId a, NodeId b);  // a - b
NodeId multiply(Tape& tape, NodeId a, NodeId b);  // Hadamard product
NodeId scale(Tape& tape, NodeId x, real s);       // s * x
NodeId sigmoid(Tape& tape, NodeId x);
NodeId tanh(Tape& tape, NodeId x);
NodeId relu(Tape& tape, NodeId x);

}  // namespace medner
