// Micro-benchmark of one LSTM layer, forward + backward over a padded batch, next to Eigen's plain
// GEMM on the same shapes, measured in the same run: the ratio says how close the fused op is to
// the machine's own matrix-multiply throughput. Counts GEMM FLOPs only (elementwise work is the
// overhead being measured).
#include "core/rng.h"
#include "core/tape.h"
#include "layers/lstm.h"
#include "ops/reduce.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <chrono>
#include <vector>

using namespace medner;

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options o("lstm_bench", "One LSTM layer forward+backward vs Eigen GEMM, 1 thread.");
  o.add_options()("D", "input size", cxxopts::value<int>()->default_value("160"))(
      "H", "hidden size", cxxopts::value<int>()->default_value("200"))(
      "T", "time steps", cxxopts::value<int>()->default_value("30"))(
      "B", "batch", cxxopts::value<int>()->default_value("16"))(
      "reps", "repetitions", cxxopts::value<int>()->default_value("50"));
  auto r = o.parse(argc, argv);
  const Index D = r["D"].as<int>(), H = r["H"].as<int>(), T = r["T"].as<int>(), B = r["B"].as<int>();
  const int reps = r["reps"].as<int>();

  ParamStore store;
  Rng rng(1);
  Lstm lstm(store, "lstm", D, H, rng);
  store.finalize();
  GradBuffer grads(store);
  Tape tape(&grads);
  Matrix x = Matrix::Random(D, T * B);
  std::vector<int> lengths(static_cast<std::size_t>(B), static_cast<int>(T));
  auto step = [&] {
    tape.clear();
    grads.zero();
    NodeId in = tape.variable(x);
    tape.backward(sum(tape, lstm(tape, store, in, B, lengths.data())));
  };
  step();
  double t0 = now();
  for (int i = 0; i < reps; ++i) step();
  const double lstm_s = (now() - t0) / reps;
  // GEMM FLOPs of forward (projection + recurrence) and backward (dX, dWx, dh, dWh).
  const auto d = static_cast<double>(D), hd = static_cast<double>(H), tt = static_cast<double>(T),
             b = static_cast<double>(B);
  const double fwd = 2.0 * 4 * hd * d * tt * b + 2.0 * 4 * hd * hd * (tt - 1) * b;
  const double flops = 3 * fwd;

  // Eigen GEMM on the same shapes: the projection and T recurrent steps, forward and backward.
  Matrix Wx = Matrix::Random(4 * H, D), Wh = Matrix::Random(4 * H, H), G(4 * H, T * B), dX(D, T * B);
  Matrix h = Matrix::Random(H, B), g(4 * H, B), dW(4 * H, D), dWh(4 * H, H), dh(H, B);
  auto gemms = [&] {
    G.noalias() = Wx * x;
    for (Index t = 1; t < T; ++t) g.noalias() = Wh * h;
    dX.noalias() = Wx.transpose() * G;
    dW.noalias() = G * x.transpose();
    for (Index t = 1; t < T; ++t) dh.noalias() = Wh.transpose() * g;
    dWh.noalias() = G.rightCols((T - 1) * B) * G.leftCols((T - 1) * B).topRows(H).transpose();
  };
  gemms();
  t0 = now();
  for (int i = 0; i < reps; ++i) gemms();
  const double gemm_s = (now() - t0) / reps;
  fmt::print("LSTM layer D={} H={} T={} B={}, 1 thread, {} repetitions\n", D, H, T, B, reps);
  fmt::print("  fused LSTM forward+backward: {:8.3f} ms  {:6.1f} GFLOP/s\n", lstm_s * 1e3, flops / lstm_s / 1e9);
  fmt::print("  Eigen GEMMs, same shapes:    {:8.3f} ms  {:6.1f} GFLOP/s\n", gemm_s * 1e3, flops / gemm_s / 1e9);
  fmt::print("  ratio LSTM / GEMM: {:.2f}\n", gemm_s / lstm_s);
  return 0;
}
