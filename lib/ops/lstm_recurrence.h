// The recurrent part of an LSTM over a padded, time-major mini-batch, as one op with a
// hand-written backward (BPTT). The input projection W_x x + b of all time steps is a separate
// affine() node computed as one GEMM; this op adds W_h h_{t-1} step by step (one GEMM over the
// batch per step) and applies the fused gate nonlinearities.
//
// Gates, stacked in this order in the 4H rows: i (input), f (forget), o (output), g (candidate).
//   a_t = xproj_t + W_h h_{t-1}
//   i = sig(a_i), f = sig(a_f), o = sig(a_o), g = tanh(a_g)
//   c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t),   h_{-1} = c_{-1} = 0
// Masking: for t >= lengths[b] the state of sequence b is held (h_t = h_{t-1}, c_t = c_{t-1}),
// so column block T-1 holds every sequence's final state.
#pragma once

#include "core/tape.h"

namespace medner {

// xproj: 4H x (T*B), W_h: 4H x H, lengths: B ints (copied) -> h: H x (T*B)
NodeId lstm_recurrence(Tape& tape, NodeId xproj, NodeId W_h, Index batch, const int* lengths);

}  // namespace medner
