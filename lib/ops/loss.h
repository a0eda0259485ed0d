// Softmax output layer: log-softmax over labels and the summed negative log-likelihood.
#pragma once

#include "core/tape.h"

namespace medner {

// Column-wise log-softmax. x: L x N -> L x N
NodeId log_softmax(Tape& tape, NodeId x);

// Sum over columns j with gold[j] >= 0 of -log softmax(x)[gold[j], j]; gold[j] < 0 marks padding.
// logits: L x N, gold: N ids (copied) -> 1 x 1
NodeId softmax_nll(Tape& tape, NodeId logits, const int* gold, Index n);

}  // namespace medner
