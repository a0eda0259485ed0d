// Lstm (one direction) and BiLstm (stackable) over a padded, time-major mini-batch
// (core/tensor.h): x is D x (T*B), lengths[b] <= T. The four gates share one weight matrix; the
// input projection of all time steps is one GEMM (affine), the recurrence one GEMM per step
// (ops/lstm_recurrence.h). Forget-gate bias starts at 1 (Jozefowicz et al. 2015).
#pragma once

#include "core/params.h"
#include "core/rng.h"
#include "core/tape.h"
#include "ops/lstm_recurrence.h"

#include <string>
#include <vector>

namespace medner {

class Lstm {
 public:
  Lstm() = default;
  // Adds name/Wx (4H x D), name/Wh (4H x H), name/b (4H x 1).
  Lstm(ParamStore& store, const std::string& name, Index in, Index hidden, Rng& rng);
  // x: D x (T*B) -> H x (T*B); past its length a sequence holds its last state, so columns
  // (T-1)*B .. T*B-1 are the final states.
  NodeId operator()(Tape& tape, const ParamStore& store, NodeId x, Index batch, const int* lengths) const;
  // Its parts: the input projection W_x x + b (x: D x N -> 4H x N, one GEMM), and the recurrence
  // over a projected batch (xproj: 4H x (T*B) -> H x (T*B)) or over projections gathered from a
  // table by ids (ops/lstm_recurrence.h). operator() fuses the projection into the recurrence op.
  NodeId input_projection(Tape& tape, const ParamStore& store, NodeId x) const;
  NodeId recurrence(Tape& tape, const ParamStore& store, NodeId xproj, Index batch, const int* lengths) const;
  // carry: a state carried over from the previous piece of a long sequence (ops/lstm_recurrence.h).
  NodeId recurrence_gather(Tape& tape, const ParamStore& store, NodeId table, Index T, Index batch,
                           const int* lengths, const int* ids, LstmCarry* carry = nullptr) const;
  Index hidden() const { return hidden_; }

 private:
  Param Wx_, Wh_, b_;
  Index hidden_ = 0;
};

// Column map that reverses each sequence of a time-major batch in place of its own length:
// column t*B + b <- (len_b - 1 - t)*B + b for t < len_b; padding maps to itself. Its own inverse.
void reverse_index(Index T, Index batch, const int* lengths, int* out);

class BiLstm {
 public:
  BiLstm() = default;
  BiLstm(ParamStore& store, const std::string& name, Index in, Index hidden, int layers, Rng& rng);
  struct Output {
    NodeId states;       // 2H x (T*B): [forward; backward] states of the last layer per token
    NodeId final_fwd;    // H x B: forward state after the last token
    NodeId final_bwd;    // H x B: backward state after the first token
  };
  // x: D x (T*B). Between stacked layers, dropout(p) is applied when train is set.
  Output operator()(Tape& tape, const ParamStore& store, NodeId x, Index batch, const int* lengths,
                    real dropout = 0, Rng* rng = nullptr, bool train = false) const;
  // One layer over sequences of columns of a small table (character embeddings): x_t of sequence
  // b is table column ids[t*B + b] (ids: T*B, time-major; padding ids are never read as input).
  // Since W_x x + b depends only on the id, it is computed once per table column (table: D x V ->
  // 4H x V) and gathered per position, in each direction's own order, so there is neither a
  // per-position input GEMM nor a reversal copy of x. Returns [final_fwd; final_bwd]: 2H x B.
  NodeId final_states_over_table(Tape& tape, const ParamStore& store, NodeId table, const int* ids, Index T,
                                 Index batch, const int* lengths) const;
  Index output_dim() const { return 2 * hidden_; }

 private:
  std::vector<Lstm> fwd_, bwd_;
  Index hidden_ = 0;
};

}  // namespace medner
