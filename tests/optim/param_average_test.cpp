// The parameter moving average: the bias-corrected weighted mean of the iterates computed by hand,
// for dense values and for embedding columns that the lazy update visits only when touched; a
// constant parameter averaging to itself; the same bits for any split of a step into slices.
#include "core/error.h"
#include "core/params.h"
#include "optim/param_average.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace medner;

namespace {

// A store like a tagger's: a dense matrix and an embedding table of 6 columns.
struct Model {
  ParamStore store;
  Param dense, table;
  Model() {
    dense = store.add("dense", 3, 2);
    table = store.add("table", 2, 6, /*sparse=*/true);
    store.finalize();
  }
};

// One optimizer-like step t on `touched` columns: the average before, new values, the average after.
void step(Model& m, ParamAverage& avg, GradBuffer& g, const std::vector<int>& touched, int64_t t, int parts) {
  g.zero();
  for (int c : touched) g.touch(m.table, c);
  const std::vector<GradSlice> slices = parts == 1 ? std::vector<GradSlice>{g.whole()} : g.split(parts);
  for (const GradSlice& s : slices) avg.before_step(m.store.data(), g, s, t);
  auto d = m.store.value(m.dense);
  for (Index i = 0; i < d.size(); ++i) d.data()[i] = std::sin(static_cast<real>(7 * t + i));
  auto e = m.store.value(m.table);
  for (int c : touched) e.col(c) = Vector::Constant(2, std::cos(static_cast<real>(3 * t + c)));
  for (auto it = slices.rbegin(); it != slices.rend(); ++it) avg.after_step(m.store.data(), g, *it, t);
}

const std::vector<std::vector<int>> kTouched = {{0, 2}, {2}, {}, {5, 0}, {2, 3}, {}, {0}, {1, 2, 4}};

}  // namespace

TEST_CASE("param average: the lazy average equals the weighted mean of every iterate, touched or not") {
  Model m;
  auto e0 = m.store.value(m.table);
  for (Index c = 0; c < 6; ++c) e0.col(c) = Vector::Constant(2, static_cast<real>(c) - 2);  // initial values
  GradBuffer g(m.store);
  const double decay = 0.7;
  ParamAverage avg(m.store, decay);
  // Eager reference in double: every value's iterate after every step.
  std::vector<std::vector<double>> history;
  std::vector<real> out(m.store.size());
  for (int64_t t = 1; t <= static_cast<int64_t>(kTouched.size()); ++t) {
    step(m, avg, g, kTouched[static_cast<std::size_t>(t - 1)], t, 1);
    history.emplace_back(m.store.data(), m.store.data() + m.store.size());
    avg.catch_up(m.store.data(), t);
    avg.averaged(t, out.data());
    for (std::size_t i = 0; i < out.size(); ++i) {
      double num = 0, den = 0;
      for (int64_t k = 1; k <= t; ++k) {
        const double w = std::pow(decay, static_cast<double>(t - k));
        num += w * history[static_cast<std::size_t>(k - 1)][i];
        den += w;
      }
      INFO("step ", t, " value ", i);
      CHECK(out[i] == doctest::Approx(num / den).epsilon(1e-5));
    }
  }
  // Column 3 was touched only at step 5: before that its average is its initial value.
  Model n;
  GradBuffer gn(n.store);
  ParamAverage lazy(n.store, 0.9);
  for (int64_t t = 1; t <= 4; ++t) step(n, lazy, gn, {}, t, 1);
  lazy.catch_up(n.store.data(), 4);
  std::vector<real> a(n.store.size());
  lazy.averaged(4, a.data());
  CHECK(a[n.store.info(n.table).offset + 6] == doctest::Approx(0.0));
}

TEST_CASE("param average: a constant parameter averages to itself from the first step") {
  Model m;
  m.store.value(m.table).setConstant(real(0.37));
  GradBuffer g(m.store);
  ParamAverage avg(m.store, 0.999);
  std::vector<real> out(m.store.size());
  for (int64_t t = 1; t <= 50; ++t) {
    step(m, avg, g, {}, t, 1);  // the table is never touched: it keeps 0.37
    avg.catch_up(m.store.data(), t);
    avg.averaged(t, out.data());
    const std::size_t at = m.store.info(m.table).offset;
    for (std::size_t i = at; i < at + 12; ++i) CHECK(out[i] == doctest::Approx(0.37).epsilon(1e-4));
  }
}

TEST_CASE("param average: the slices of a split step give the bits of the whole step") {
  Model a, b;
  GradBuffer ga(a.store), gb(b.store);
  ParamAverage whole(a.store, 0.9), split(b.store, 0.9);
  for (int64_t t = 1; t <= static_cast<int64_t>(kTouched.size()); ++t) {
    step(a, whole, ga, kTouched[static_cast<std::size_t>(t - 1)], t, 1);
    step(b, split, gb, kTouched[static_cast<std::size_t>(t - 1)], t, 3);
  }
  whole.catch_up(a.store.data(), 8);
  split.catch_up(b.store.data(), 8);
  CHECK(whole.state() == split.state());
  // Reading the average needs every column caught up; a state loaded at a step stands there.
  Model c;
  GradBuffer gc(c.store);
  ParamAverage avg(c.store, 0.9);
  step(c, avg, gc, {1}, 1, 1);
  std::vector<real> out(c.store.size());
  CHECK_THROWS(avg.averaged(1, out.data()));
  avg.resumed_at(1);
  CHECK_NOTHROW(avg.averaged(1, out.data()));
  CHECK_THROWS(ParamAverage(c.store, 1.0));
  CHECK_THROWS(ParamAverage(c.store, 0.0));
}
