// The LSTM over a padded, time-major mini-batch, as ops with a hand-written backward (BPTT):
// lstm_recurrence takes the input projection as a node (or as a table of projections plus ids),
// lstm_layer computes it itself. Per time step: one GEMM W_h h_{t-1} over the batch, then the
// fused gate kernel (ops/lstm_cell.h).
//
// Gates, stacked in this order in the 4H rows: i (input), f (forget), o (output), g (candidate).
//   a_t = xproj_t + W_h h_{t-1}
//   i = sig(a_i), f = sig(a_f), o = sig(a_o), g = tanh(a_g)
//   c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t),   h_{-1} = c_{-1} = 0
// Masking: for t >= lengths[b] the state of sequence b is held (h_t = h_{t-1}), so column block
// T-1 holds every sequence's final state. Ended sequences cost nothing: step t computes only
// the column range spanning the live sequences, so a batch sorted by length (either way) pays
// nothing for padding.
#pragma once

#include "core/tape.h"

namespace medner {

// A state carried from one call to the next, for truncated backpropagation through time over a
// long sequence cut into pieces (pretrain/char_lm.h): h and c, H x B each (empty: start from 0).
// An op given a carry starts from it and, after its forward pass, leaves the last state of each
// sequence in it. No gradient flows into the carried state (that is the truncation), and every
// sequence must run the whole T steps.
struct LstmCarry {
  Matrix h, c;
};

// xproj: 4H x (T*B), W_h: 4H x H, lengths: B ints (copied) -> h: H x (T*B).
NodeId lstm_recurrence(Tape& tape, NodeId xproj, NodeId W_h, Index batch, const int* lengths);

// The same with the input projections taken from a table: token t of sequence b uses column
// ids[t*B + b] of table (4H x V), gathered as the step loads it (the backward scatter-adds), so
// no 4H x (T*B) node is built. ids: T*B ints (copied; entries past a sequence's end are not read).
NodeId lstm_recurrence_gather(Tape& tape, NodeId table, NodeId W_h, Index T, Index batch, const int* lengths,
                              const int* ids, LstmCarry* carry = nullptr);

// The whole layer, xproj = W_x x + b computed straight into the gate buffer: no 4H x (T*B) node,
// copy or gradient buffer for it. x: D x (T*B), W_x: 4H x D, b: 4H x 1, W_h: 4H x H -> H x (T*B).
NodeId lstm_layer(Tape& tape, NodeId x, NodeId W_x, NodeId b, NodeId W_h, Index batch, const int* lengths);

}  // namespace medner
