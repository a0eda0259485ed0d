#include "layers/lstm.h"

#include "core/error.h"

#include "layers/linear.h"
#include "ops/concat_slice.h"
#include "ops/dropout.h"
#include "ops/linalg.h"
#include "ops/lookup.h"
#include "ops/lstm_recurrence.h"

#include <cmath>

namespace medner {

Lstm::Lstm(ParamStore& store, const std::string& name, Index in, Index hidden, Rng& rng)
    : Wx_(store.add(name + "/Wx", 4 * hidden, in)),
      Wh_(store.add(name + "/Wh", 4 * hidden, hidden)),
      b_(store.add(name + "/b", 4 * hidden, 1)),
      hidden_(hidden) {
  auto limit = static_cast<real>(1.0 / std::sqrt(static_cast<double>(hidden)));
  init_uniform(store, Wx_, limit, rng);
  init_uniform(store, Wh_, limit, rng);
  store.value(b_).middleRows(hidden, hidden).setOnes();  // forget gate (order i, f, o, g)
}

NodeId Lstm::operator()(Tape& tape, const ParamStore& store, NodeId x, Index batch,
                        const int* lengths) const {
  return lstm_layer(tape, x, tape.param(store, Wx_), tape.param(store, b_), tape.param(store, Wh_), batch, lengths);
}

NodeId Lstm::input_projection(Tape& tape, const ParamStore& store, NodeId x) const {
  return affine(tape, tape.param(store, Wx_), x, tape.param(store, b_));
}

NodeId Lstm::recurrence(Tape& tape, const ParamStore& store, NodeId xproj, Index batch, const int* lengths) const {
  return lstm_recurrence(tape, xproj, tape.param(store, Wh_), batch, lengths);
}

NodeId Lstm::recurrence_gather(Tape& tape, const ParamStore& store, NodeId table, Index T, Index batch,
                               const int* lengths, const int* ids, LstmCarry* carry) const {
  return lstm_recurrence_gather(tape, table, tape.param(store, Wh_), T, batch, lengths, ids, carry);
}

void reverse_index(Index T, Index batch, const int* lengths, int* out) {
  for (Index t = 0; t < T; ++t)
    for (Index b = 0; b < batch; ++b) {
      Index src = t < lengths[b] ? (lengths[b] - 1 - t) * batch + b : t * batch + b;
      out[t * batch + b] = static_cast<int>(src);
    }
}

BiLstm::BiLstm(ParamStore& store, const std::string& name, Index in, Index hidden, int layers, Rng& rng)
    : hidden_(hidden) {
  for (int l = 0; l < layers; ++l) {
    Index d = l == 0 ? in : 2 * hidden;
    fwd_.emplace_back(store, name + "/" + std::to_string(l) + "/fwd", d, hidden, rng);
    bwd_.emplace_back(store, name + "/" + std::to_string(l) + "/bwd", d, hidden, rng);
  }
}

BiLstm::Output BiLstm::operator()(Tape& tape, const ParamStore& store, NodeId x, Index batch,
                                  const int* lengths, real dropout_p, Rng* rng, bool train) const {
  const Index T = tape.shape(x).cols / batch;
  int* rev = tape.scratch<int>(static_cast<std::size_t>(T * batch));
  reverse_index(T, batch, lengths, rev);
  Output out{x, -1, -1};
  for (std::size_t l = 0; l < fwd_.size(); ++l) {
    NodeId in = out.states;
    if (l > 0 && train && dropout_p > 0) in = dropout(tape, in, dropout_p, *rng, train);
    NodeId f = fwd_[l](tape, store, in, batch, lengths);
    // The backward direction is a forward LSTM over each sequence reversed within its length.
    NodeId r = bwd_[l](tape, store, gather_columns(tape, in, rev, T * batch), batch, lengths);
    out.states = concat_rows(tape, {f, gather_columns(tape, r, rev, T * batch)});
    out.final_fwd = slice_cols(tape, f, (T - 1) * batch, batch);
    out.final_bwd = slice_cols(tape, r, (T - 1) * batch, batch);
  }
  return out;
}

NodeId BiLstm::final_states_over_table(Tape& tape, const ParamStore& store, NodeId table, const int* ids, Index T,
                                       Index batch, const int* lengths) const {
  MEDNER_CHECK(fwd_.size() == 1, "final_states_over_table: one layer expected, the BiLstm has {}", fwd_.size());
  const Index N = T * batch;
  int* rev = tape.scratch<int>(static_cast<std::size_t>(N));  // lstm_recurrence_gather copies it: arena scratch
  reverse_index(T, batch, lengths, rev);
  for (Index j = 0; j < N; ++j) rev[j] = ids[rev[j]];  // ids in reversed order
  NodeId f = fwd_[0].recurrence_gather(tape, store, fwd_[0].input_projection(tape, store, table), T, batch, lengths, ids);
  NodeId r = bwd_[0].recurrence_gather(tape, store, bwd_[0].input_projection(tape, store, table), T, batch, lengths, rev);
  return concat_rows(tape, {slice_cols(tape, f, (T - 1) * batch, batch), slice_cols(tape, r, (T - 1) * batch, batch)});
}

}  // namespace medner
