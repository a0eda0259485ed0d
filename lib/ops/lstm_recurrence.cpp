// The recurrence loop shared by lstm_recurrence and lstm_layer: per time step one GEMM over the
// live columns, then the fused cell kernel (ops/lstm_cell.h). Step t works on the column range
// [lo, hi) spanning every sequence with t < length, so ended sequences cost nothing when a batch
// is sorted by length. With a gradient the gate buffer keeps the activated gates of every step,
// and backward turns it into dL/da in place; an inference tape keeps no per-step state when the
// input projection comes from a node (one gate block and two cell blocks are reused).
#include "ops/lstm_recurrence.h"

#include "core/error.h"
#include "ops/lstm_cell.h"
#include "ops/packed_gemm.h"

#include <algorithm>
#include <new>

namespace medner {

namespace {

// The columns step t computes. dense: every column in [lo, hi) is live (always so for sorted
// lengths); otherwise the ended ones inside are computed too and their results discarded.
struct StepRange {
  Index lo = 0, hi = 0;
  bool dense = true;
  Index size() const { return hi - lo; }
};

StepRange step_range(const int* lengths, Index B, Index t) {
  StepRange r{B, 0, true};
  Index live = 0;
  for (Index b = 0; b < B; ++b)
    if (t < lengths[b]) {
      r.lo = std::min(r.lo, b);
      r.hi = b + 1;
      ++live;
    }
  if (live == 0) return StepRange{};
  r.dense = live == r.size();
  return r;
}

// Everything one LSTM op keeps, in the tape arena; the backward closure holds a pointer to it.
struct LstmState {
  Index H = 0, T = 0, B = 0;
  const int* lengths = nullptr;  // B
  const int* ids = nullptr;      // T*B, or null: xproj columns are positions, not table entries
  real* gates = nullptr;  // full: 4H x TB (activated gates, then dL/da in place); else 4H x B
  real* cells = nullptr;  // save: c and tanh(c), H x TB each; else c of two steps, H x B each
  bool full = true;       // one gate column per position
  bool preloaded = false; // gates already hold xproj (lstm_layer)
  bool save = false;      // a gradient is needed
  NodeId y = -1, input = -1, W_h = -1, W_x = -1, bias = -1;
  PackedGemm step_gemm;        // W_h, packed once for the per-step products (B >= kMinColumns)
  real* gemm_scratch = nullptr;
  const real* h0 = nullptr;    // carried initial state (H x B each), or null: zeros
  const real* c0 = nullptr;

  real* gate_block(Index t, Index col) const { return gates + (full ? t * B + col : col) * 4 * H; }
  const real* initial_cell(Index col) const { return c0 == nullptr ? nullptr : c0 + col * H; }
  real* cell(Index t, Index col) const {  // c_t of column col (t >= 0)
    MEDNER_CHECK(t >= 0, "lstm: cell of step {}", t);
    return save ? cells + (t * B + col) * H : cells + ((t % 2) * B + col) * H;
  }
  // c_{t-1} of column col; at t = 0 the carried c (null: c_{-1} = 0).
  const real* prev_cell(Index t, Index col) const { return t == 0 ? initial_cell(col) : cell(t - 1, col); }
  real* tanh_cell(Index t, Index col) const { return cells + H * T * B + (t * B + col) * H; }
};

LstmState* new_state(Tape& tape, Index H, Index T, Index B, const int* lengths_in, const int* ids_in, bool save,
                     bool preloaded) {
  auto* s = new (tape.scratch<LstmState>(1)) LstmState();  // trivially destructible: the arena frees it
  s->H = H, s->T = T, s->B = B, s->save = save, s->preloaded = preloaded;
  s->full = save || preloaded;
  int* lengths = tape.scratch<int>(static_cast<std::size_t>(B));
  for (Index b = 0; b < B; ++b) {
    MEDNER_CHECK(lengths_in[b] >= 0 && lengths_in[b] <= T, "length {} outside [0, {}]", lengths_in[b], T);
    lengths[b] = lengths_in[b];
  }
  s->lengths = lengths;
  if (ids_in != nullptr) {
    int* ids = tape.scratch<int>(static_cast<std::size_t>(T * B));
    std::copy_n(ids_in, T * B, ids);
    s->ids = ids;
  }
  s->gates = tape.scratch<real>(static_cast<std::size_t>(4 * H * (s->full ? T * B : B)));
  s->cells = tape.scratch<real>(static_cast<std::size_t>(2 * H * (save ? T * B : B)));
  return s;
}

// Packs W_h (or W_h^T for backward) once for the step products, when steps have enough columns.
bool pack_step_gemm(Tape& tape, PackedGemm& g, real*& scratch, const real* Wh, Index H, Index B, bool trans) {
  if (B < PackedGemm::kMinColumns) return false;
  g.plan(trans ? H : 4 * H, trans ? 4 * H : H, B);
  g.pack(Wh, 4 * H, trans, tape.scratch<real>(g.storage_size()));
  scratch = tape.scratch<real>(g.scratch_size(B));
  return true;
}

// Forward over all steps; gates must hold xproj already if s.preloaded, else X supplies it
// (positions, or table columns picked by s.ids). Hs: H x TB output.
void run_forward(Tape& tape, LstmState& s, const real* X, Index x_cols, const MatrixMap& Wh, MatrixMap Hs) {
  const Index H = s.H, B = s.B;
  const bool packed = pack_step_gemm(tape, s.step_gemm, s.gemm_scratch, Wh.data(), H, B, false);
  for (Index t = 0; t < s.T; ++t) {
    const StepRange r = step_range(s.lengths, B, t);
    const Index n = r.size();
    if (n > 0) {
      // a_t = xproj_t + W_h h_{t-1}: the GEMM accumulates onto the loaded input projection.
      real* a = s.gate_block(t, r.lo);
      if (!s.preloaded) {
        for (Index j = 0; j < n; ++j) {
          const Index pos = t * B + r.lo + j;
          if (t >= s.lengths[r.lo + j]) {  // ended, inside the range: computed and discarded
            std::fill_n(a + j * 4 * H, 4 * H, real(0));
            continue;
          }
          const Index col = s.ids != nullptr ? s.ids[pos] : pos;
          MEDNER_CHECK(col >= 0 && col < x_cols, "lstm: input column {} outside [0, {})", col, x_cols);
          std::copy_n(X + col * 4 * H, 4 * H, a + j * 4 * H);
        }
      }
      const real* h_prev = t > 0 ? Hs.data() + ((t - 1) * B + r.lo) * H : s.h0 == nullptr ? nullptr : s.h0 + r.lo * H;
      if (h_prev != nullptr && packed) {
        s.step_gemm.multiply_add(h_prev, H, n, a, 4 * H, s.gemm_scratch);
      } else if (h_prev != nullptr) {
        MatrixMap(a, 4 * H, n).noalias() += Wh * ConstMatrixMap(h_prev, H, n);
      }
      real* h = Hs.data() + (t * B + r.lo) * H;
      if (s.save)
        lstm_cell_forward<true>(H, n, a, s.prev_cell(t, r.lo), s.cell(t, r.lo), s.tanh_cell(t, r.lo), h);
      else
        lstm_cell_forward<false>(H, n, a, s.prev_cell(t, r.lo), s.cell(t, r.lo), nullptr, h);
    }
    // Past its end a sequence holds its last state: h_t = h_{t-1} (0 at t = 0).
    for (Index b = 0; b < B; ++b) {
      if (t < s.lengths[b]) continue;
      if (t == 0)
        Hs.col(b).setZero();
      else
        Hs.col(t * B + b) = Hs.col((t - 1) * B + b);
    }
  }
}

// BPTT. With dh = dL/dh_t (from outputs and from step t+1) and dc = dL/dc_t (from step t+1), the
// cell kernel gives da_t (pre-activations) and dc_{t-1}; then dh_{t-1} = W_h^T da_t. A held
// (ended) step is the identity: dh passes through to the last real step, dc is 0 (no later
// step reads c past the end) and da = 0. On return s.gates holds dL/da for every column.
void run_backward(Tape& tape, const LstmState& s) {
  const Index H = s.H, T = s.T, B = s.B;
  auto dHs = tape.grad(s.y);
  auto Wh = tape.value(s.W_h);
  real* carry = tape.scratch<real>(static_cast<std::size_t>(3 * H * B));
  MatrixMap dA(s.gates, 4 * H, T * B), dh(carry, H, B), dc(carry + H * B, H, B);
  PackedGemm back;  // W_h^T
  real* back_scratch = nullptr;
  const bool packed = pack_step_gemm(tape, back, back_scratch, Wh.data(), H, B, true);
  dh.setZero();
  dc.setZero();
  for (Index t = T - 1; t >= 0; --t) {
    dh += dHs.middleCols(t * B, B);
    const StepRange r = step_range(s.lengths, B, t);
    const Index n = r.size();
    auto da = dA.middleCols(t * B, B);
    da.leftCols(r.lo).setZero();
    da.rightCols(B - r.hi).setZero();
    if (n == 0) continue;
    real* a = s.gate_block(t, r.lo);  // gates in, da out
    lstm_cell_backward(H, n, a, s.prev_cell(t, r.lo), s.tanh_cell(t, r.lo), dh.data() + r.lo * H,
                       dc.data() + r.lo * H, a);
    if (!r.dense)
      for (Index b = r.lo; b < r.hi; ++b)
        if (t >= s.lengths[b]) {
          da.col(b).setZero();
          dc.col(b).setZero();
        }
    if (t == 0) break;
    // The live columns carry W_h^T da to step t-1; the ended ones keep accumulating dh.
    MatrixMap next(r.dense ? dh.data() + r.lo * H : carry + 2 * H * B, H, n);
    if (packed) {
      next.setZero();
      back.multiply_add(da.data() + r.lo * 4 * H, 4 * H, n, next.data(), H, back_scratch);
    } else {
      next.noalias() = Wh.transpose() * da.middleCols(r.lo, n);
    }
    if (!r.dense)
      for (Index b = r.lo; b < r.hi; ++b)
        if (t < s.lengths[b]) dh.col(b) = next.col(b - r.lo);
  }
  // dW_h = sum_t da_t h_{t-1}^T, one GEMM over all steps (h_{-1}: the carried h, if any).
  if (tape.needs_grad(s.W_h) && T > 1)
    tape.grad(s.W_h).noalias() += dA.rightCols((T - 1) * B) * tape.value(s.y).leftCols((T - 1) * B).transpose();
  if (tape.needs_grad(s.W_h) && T > 0 && s.h0 != nullptr)
    tape.grad(s.W_h).noalias() += dA.leftCols(B) * ConstMatrixMap(s.h0, H, B).transpose();
}

// Starts s from the carry (copies, since the carry is overwritten before backward runs).
void load_carry(Tape& tape, LstmState& s, const LstmCarry& carry) {
  const Index H = s.H, B = s.B;
  for (Index b = 0; b < B; ++b)
    MEDNER_CHECK(s.lengths[b] == s.T, "lstm: with a carried state every sequence runs all {} steps", s.T);
  if (carry.h.size() == 0) return;
  MEDNER_CHECK(carry.h.rows() == H && carry.h.cols() == B && carry.c.rows() == H && carry.c.cols() == B,
               "lstm: carried state is {}x{}, expected {}x{}", carry.h.rows(), carry.h.cols(), H, B);
  real* h0 = tape.scratch<real>(static_cast<std::size_t>(2 * H * B));
  std::copy_n(carry.h.data(), H * B, h0);
  std::copy_n(carry.c.data(), H * B, h0 + H * B);
  s.h0 = h0;
  s.c0 = h0 + H * B;
}

// The last state of each sequence into the carry: h_{T-1}, c_{T-1} (the initial state if T = 0).
void store_carry(Tape& tape, const LstmState& s, LstmCarry& carry) {
  const Index H = s.H, B = s.B, T = s.T;
  if (T == 0) return;
  carry.h = tape.value(s.y).middleCols((T - 1) * B, B);
  carry.c = ConstMatrixMap(s.cell(T - 1, 0), H, B);
}

}  // namespace

NodeId lstm_recurrence(Tape& tape, NodeId xproj, NodeId W_h, Index batch, const int* lengths) {
  const Shape sx = tape.shape(xproj), sw = tape.shape(W_h);
  const Index H = sw.cols, B = batch;
  check_shape(sw.rows == 4 * H && sx.rows == 4 * H && B > 0 && sx.cols % B == 0, "lstm_recurrence", tape,
              {xproj, W_h}, "expected xproj: 4H x (T*B), W_h: 4H x H");
  const Index T = sx.cols / B;
  const NodeId y = tape.add_node("lstm_recurrence", H, T * B, {xproj, W_h});
  LstmState* s = new_state(tape, H, T, B, lengths, nullptr, tape.needs_grad(y), false);
  s->y = y, s->input = xproj, s->W_h = W_h;
  run_forward(tape, *s, tape.value(xproj).data(), sx.cols, tape.value(W_h), tape.value(y));
  if (!s->save) return y;
  tape.set_backward(y, [s](Tape& t) {
    run_backward(t, *s);
    if (t.needs_grad(s->input)) t.grad(s->input) += MatrixMap(s->gates, 4 * s->H, s->T * s->B);  // dxproj = da
  });
  return y;
}

NodeId lstm_recurrence_gather(Tape& tape, NodeId table, NodeId W_h, Index T, Index batch, const int* lengths,
                              const int* ids, LstmCarry* carry) {
  const Shape st = tape.shape(table), sw = tape.shape(W_h);
  const Index H = sw.cols, B = batch;
  check_shape(sw.rows == 4 * H && st.rows == 4 * H && B > 0 && T >= 0 && ids != nullptr,
              "lstm_recurrence_gather", tape, {table, W_h}, "expected table: 4H x V, W_h: 4H x H, and ids");
  const NodeId y = tape.add_node("lstm_recurrence_gather", H, T * B, {table, W_h});
  LstmState* s = new_state(tape, H, T, B, lengths, ids, tape.needs_grad(y), false);
  s->y = y, s->input = table, s->W_h = W_h;
  if (carry != nullptr) load_carry(tape, *s, *carry);
  run_forward(tape, *s, tape.value(table).data(), st.cols, tape.value(W_h), tape.value(y));
  if (carry != nullptr) store_carry(tape, *s, *carry);
  if (!s->save) return y;
  tape.set_backward(y, [s](Tape& t) {
    run_backward(t, *s);
    if (!t.needs_grad(s->input)) return;
    // dtable[:, ids[t*B + b]] += da_{t,b} over the live positions
    auto dT = t.grad(s->input);
    const ConstMatrixMap dA(s->gates, 4 * s->H, s->T * s->B);
    for (Index step = 0; step < s->T; ++step)
      for (Index b = 0; b < s->B; ++b)
        if (step < s->lengths[b]) dT.col(s->ids[step * s->B + b]) += dA.col(step * s->B + b);
  });
  return y;
}

NodeId lstm_layer(Tape& tape, NodeId x, NodeId W_x, NodeId b, NodeId W_h, Index batch, const int* lengths) {
  const Shape sx = tape.shape(x), swx = tape.shape(W_x), sb = tape.shape(b), sw = tape.shape(W_h);
  const Index H = sw.cols, B = batch;
  check_shape(sw.rows == 4 * H && swx.rows == 4 * H && swx.cols == sx.rows && sb == Shape{4 * H, 1} && B > 0 &&
                  sx.cols % B == 0,
              "lstm_layer", tape, {x, W_x, b, W_h},
              "expected x: D x (T*B), W_x: 4H x D, b: 4H x 1, W_h: 4H x H");
  const Index T = sx.cols / B;
  const NodeId y = tape.add_node("lstm_layer", H, T * B, {x, W_x, b, W_h});
  LstmState* s = new_state(tape, H, T, B, lengths, nullptr, tape.needs_grad(y), true);
  s->y = y, s->input = x, s->W_x = W_x, s->bias = b, s->W_h = W_h;
  {  // xproj = W_x x + b, all positions in one GEMM, straight into the gate buffer
    MatrixMap A(s->gates, 4 * H, T * B);
    const auto bias = tape.value(b).col(0);
    for (Index j = 0; j < T * B; ++j) A.col(j) = bias;
    A.noalias() += tape.value(W_x) * tape.value(x);
  }
  run_forward(tape, *s, nullptr, 0, tape.value(W_h), tape.value(y));
  if (!s->save) return y;
  // With da = dL/dxproj: dx = W_x^T da, dW_x = da x^T, db = sum over columns of da.
  tape.set_backward(y, [s](Tape& t) {
    run_backward(t, *s);
    const ConstMatrixMap dA(s->gates, 4 * s->H, s->T * s->B);
    if (t.needs_grad(s->input)) t.grad(s->input).noalias() += t.value(s->W_x).transpose() * dA;
    if (t.needs_grad(s->W_x)) t.grad(s->W_x).noalias() += dA * t.value(s->input).transpose();
    if (t.needs_grad(s->bias)) t.grad(s->bias).col(0) += dA.rowwise().sum();
  });
  return y;
}

}  // namespace medner
