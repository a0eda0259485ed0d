// The parameter moving average: the bias-corrected weighted mean computed by hand, a constant
// parameter averaging to itself, and the same bits for any split of the update into ranges.
#include "core/error.h"
#include "optim/param_average.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace medner;

TEST_CASE("param average: bias-corrected exponential average equals the weighted mean of the iterates") {
  // Iterates 1, 2, 3 with decay 0.5: after t steps the weights are d^(t-k) for iterate k.
  ParamAverage avg(2, 0.5);
  const std::vector<std::vector<real>> iterates = {{1, -4}, {2, 0}, {3, 8}};
  real out[2];
  for (int t = 1; t <= 3; ++t) {
    avg.update(iterates[static_cast<std::size_t>(t - 1)].data(), 0, 2);
    avg.averaged(t, out);
    for (int j = 0; j < 2; ++j) {
      double num = 0, den = 0;
      for (int k = 1; k <= t; ++k) {
        num += std::pow(0.5, t - k) * iterates[static_cast<std::size_t>(k - 1)][static_cast<std::size_t>(j)];
        den += std::pow(0.5, t - k);
      }
      CHECK(out[j] == doctest::Approx(num / den).epsilon(1e-6));
    }
  }
  avg.averaged(3, out);
  CHECK(out[0] == doctest::Approx(4.25 / 1.75).epsilon(1e-6));  // (0.25*1 + 0.5*2 + 3) / 1.75
}

TEST_CASE("param average: a constant parameter averages to itself from the first step") {
  ParamAverage avg(1, 0.999);
  const real w = real(0.37);
  real out = 0;
  for (int t = 1; t <= 50; ++t) {
    avg.update(&w, 0, 1);
    avg.averaged(t, &out);
    CHECK(out == doctest::Approx(w).epsilon(1e-4));
  }
}

TEST_CASE("param average: ranges updated separately give the bits of one whole update") {
  const std::size_t n = 37;
  ParamAverage whole(n, 0.9), split(n, 0.9);
  std::vector<real> w(n);
  for (int step = 0; step < 5; ++step) {
    for (std::size_t i = 0; i < n; ++i) w[i] = std::sin(static_cast<real>(i * 7 + step));
    whole.update(w.data(), 0, n);
    split.update(w.data(), 20, n);
    split.update(w.data(), 0, 16);
    split.update(w.data(), 16, 20);
  }
  CHECK(whole.state() == split.state());
  std::vector<real> a(n), b(n);
  whole.averaged(5, a.data());
  split.averaged(5, b.data());
  CHECK(a == b);
  CHECK_THROWS(whole.update(w.data(), 30, n + 1));
  CHECK_THROWS(ParamAverage(3, 1.0));
  CHECK_THROWS(ParamAverage(3, 0.0));
}
