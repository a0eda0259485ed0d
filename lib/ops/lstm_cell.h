// The elementwise part of one LSTM time step, fused: every gate nonlinearity, the cell update and
// the output of a block of columns in one pass over memory (forward), and the matching gradient
// pass (backward). lstm_recurrence.cpp runs the GEMMs around them.
//
// Layout (ops/lstm_recurrence.h): a column of the gate block is 4H reals [i; f; o; g]; c, tanh(c)
// and h columns are H reals; n columns are contiguous (column j of a block at j*4H or j*H).
// float uses a rational approximation of tanh (Eigen's generic_fast_tanh_float, the one Eigen's
// .tanh() uses for float packets) and sigmoid(x) = (1 + tanh(x/2)) / 2, absolute error below 3e-7
// with FMA, 5e-7 without (a few ulps near +-1); both are branch-free, so the loops vectorise.
// double (the gradient-check build) uses std::tanh and std::exp.
#pragma once

#include "core/tensor.h"

#include <algorithm>
#include <cmath>

namespace medner {

inline float lstm_tanh(float x) {
  // Eigen 3.4 MathFunctionsImpl.h: rational 13/6 approximation on [-c, c]; tanh(x) = x for tiny x.
  const float c = 7.99881172180175781f;
  const float y = std::min(std::max(x, -c), c);
  const float y2 = y * y;
  float p = y2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = y2 * p + -8.60467152213735e-11f;
  p = y2 * p + 5.12229709037114e-08f;
  p = y2 * p + 1.48572235717979e-05f;
  p = y2 * p + 6.37261928875436e-04f;
  p = y2 * p + 4.89352455891786e-03f;
  p = y * p;
  float q = y2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = y2 * q + 2.26843463243900e-03f;
  q = y2 * q + 4.89352518554385e-03f;
  return std::fabs(x) < 0.0004f ? x : p / q;
}

inline float lstm_sigmoid(float x) { return 0.5f + 0.5f * lstm_tanh(0.5f * x); }

inline double lstm_tanh(double x) { return std::tanh(x); }
inline double lstm_sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

namespace lstm_detail {

// One column; kPrev: c_prev is given (t > 0). Separate instantiations keep the loops branch-free.
template <bool kSave, bool kPrev>
inline void forward_column(Index H, real* a, const real* cp, real* c, real* tc, real* h) {
  real* ai = a;
  real* af = a + H;
  real* ao = a + 2 * H;
  real* ag = a + 3 * H;
#pragma omp simd
  for (Index r = 0; r < H; ++r) {
    const real i = lstm_sigmoid(ai[r]), f = lstm_sigmoid(af[r]);
    const real o = lstm_sigmoid(ao[r]), g = lstm_tanh(ag[r]);
    real cn = i * g;
    if (kPrev) cn += f * cp[r];
    const real t = lstm_tanh(cn);
    c[r] = cn;
    h[r] = o * t;
    if (kSave) {
      ai[r] = i;
      af[r] = f;
      ao[r] = o;
      ag[r] = g;
      tc[r] = t;
    }
  }
}

template <bool kPrev>
inline void backward_column(Index H, const real* gates, const real* cp, const real* tc, const real* dh,
                            real* dc, real* da) {
  const real* gi = gates;
  const real* gf = gates + H;
  const real* go = gates + 2 * H;
  const real* gg = gates + 3 * H;
  real* di = da;
  real* df = da + H;
  real* dout = da + 2 * H;
  real* dg = da + 3 * H;
#pragma omp simd
  for (Index r = 0; r < H; ++r) {
    const real i = gi[r], f = gf[r], o = go[r], g = gg[r], t = tc[r], d = dh[r];
    const real dcr = dc[r] + d * o * (1 - t * t);
    dout[r] = d * t * o * (1 - o);
    di[r] = dcr * g * i * (1 - i);
    dg[r] = dcr * i * (1 - g * g);
    df[r] = kPrev ? dcr * cp[r] * f * (1 - f) : real(0);
    dc[r] = dcr * f;
  }
}

}  // namespace lstm_detail

// Forward of n columns. a: 4H x n pre-activations; with kSave they are replaced by the activated
// gates (kept for backward), else left as they are. c_prev: H x n, or null at t = 0 (c_{-1} = 0).
// Outputs c and h: H x n; tc = tanh(c): H x n, written only with kSave (may be null otherwise).
//   c = f * c_prev + i * g,  h = o * tanh(c)
template <bool kSave>
void lstm_cell_forward(Index H, Index n, real* a, const real* c_prev, real* c, real* tc, real* h) {
  for (Index j = 0; j < n; ++j) {
    real* tj = kSave ? tc + j * H : nullptr;
    if (c_prev != nullptr)
      lstm_detail::forward_column<kSave, true>(H, a + j * 4 * H, c_prev + j * H, c + j * H, tj, h + j * H);
    else
      lstm_detail::forward_column<kSave, false>(H, a + j * 4 * H, nullptr, c + j * H, tj, h + j * H);
  }
}

// Backward of n columns, given the activated gates (4H x n), c_prev (H x n, null at t = 0),
// tc = tanh(c) (H x n), dh = dL/dh_t (H x n). dc holds dL/dc_t from step t+1 on entry and
// dL/dc_{t-1} on return; da (4H x n) gets dL/d(pre-activations). da may be the gates buffer
// itself (each element's gates are read before its gradients are written):
//   dc += dh * o * (1 - tc^2);  da_o = dh * tc * o (1 - o);  da_i = dc * g * i (1 - i)
//   da_g = dc * i * (1 - g^2);  da_f = dc * c_prev * f (1 - f);  dc_{t-1} = dc * f
inline void lstm_cell_backward(Index H, Index n, const real* gates, const real* c_prev, const real* tc,
                               const real* dh, real* dc, real* da) {
  for (Index j = 0; j < n; ++j) {
    const real* g = gates + j * 4 * H;
    if (c_prev != nullptr)
      lstm_detail::backward_column<true>(H, g, c_prev + j * H, tc + j * H, dh + j * H, dc + j * H, da + j * 4 * H);
    else
      lstm_detail::backward_column<false>(H, g, nullptr, tc + j * H, dh + j * H, dc + j * H, da + j * 4 * H);
  }
}

}  // namespace medner
