// GradBuffer slices (core/params.h): split() covers a step's values once, on cache-line
// boundaries, and adding another buffer slice by slice gives add()'s bits.
#include "core/params.h"
#include "core/rng.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using namespace medner;

namespace {

// Dense parameters of awkward sizes (gaps between them), two sparse tables; a and b get random
// gradients with overlapping touched columns listed out of order.
struct Fixture {
  ParamStore store;
  Param w1, w2, w3, words, chars;
  GradBuffer a, b;
  Fixture() {
    words = store.add("words", 7, 40, true);
    w1 = store.add("W1", 33, 5);
    chars = store.add("chars", 3, 20, true);
    w2 = store.add("W2", 1, 1);
    w3 = store.add("W3", 50, 9);
    store.finalize();
    a.reset(store);
    b.reset(store);
    Rng rng(7);
    fill(a, rng, {3, 17, 5, 39, 0}, {2, 19});
    fill(b, rng, {5, 8, 3, 22}, {19, 4, 11});
  }
  void fill(GradBuffer& g, Rng& rng, const std::vector<int>& word_cols, const std::vector<int>& char_cols) {
    for (Param p : {w1, w2, w3})
      for (Index i = 0; i < g.grad(p).size(); ++i) g.grad(p).data()[i] = static_cast<real>(rng.normal());
    for (int c : word_cols) {
      g.touch(words, c);
      for (Index r = 0; r < 7; ++r) g.grad(words)(r, c) = static_cast<real>(rng.normal());
    }
    for (int c : char_cols) {
      g.touch(chars, c);
      for (Index r = 0; r < 3; ++r) g.grad(chars)(r, c) = static_cast<real>(rng.normal());
    }
  }
};

}  // namespace

TEST_CASE("params: split slices are disjoint, cover the step in order and start on cache lines") {
  Fixture f;
  f.a.touch_all(f.b);
  const std::size_t columns = f.a.touched_columns();
  CHECK(columns == 7 + 4);  // words 3 17 5 39 0 8 22, chars 2 19 4 11
  for (int parts : {1, 2, 3, 4, 7, 40}) {
    CAPTURE(parts);
    const std::vector<GradSlice> s = f.a.split(parts);
    REQUIRE(s.size() == static_cast<std::size_t>(parts));
    CHECK(s.front().dense_begin == 0);
    CHECK(s.front().col_begin == 0);
    CHECK(s.back().dense_end == f.a.dense_size());
    CHECK(s.back().col_end == columns);
    for (std::size_t k = 0; k < s.size(); ++k) {
      CHECK(s[k].dense_begin <= s[k].dense_end);
      CHECK(s[k].col_begin <= s[k].col_end);
      CHECK(s[k].dense_begin % kParamAlign == 0);
      if (k > 0) {
        CHECK(s[k].dense_begin == s[k - 1].dense_end);
        CHECK(s[k].col_begin == s[k - 1].col_end);
      }
    }
    // Visiting the slices one after the other lists the columns as the whole step does.
    std::vector<std::size_t> sliced, whole;
    for (const GradSlice& slice : s)
      f.a.for_each_column(slice, [&](Param, int32_t, std::size_t at, Index) { sliced.push_back(at); });
    f.a.for_each_column(f.a.whole(), [&](Param, int32_t, std::size_t at, Index) { whole.push_back(at); });
    CHECK(sliced == whole);
  }
  // Two parts of about equal size: the dense part (3 x 64-value blocks of W1, W2, W3 rounded) is
  // most of the values, so the boundary lies inside it.
  const std::vector<GradSlice> two = f.a.split(2);
  CHECK(two[0].dense_end > 0);
  CHECK(two[0].dense_end < f.a.dense_size());
  CHECK(two[0].col_end == 0);
}

TEST_CASE("params: adding a buffer slice by slice gives add()'s bits, columns included") {
  for (int parts : {1, 2, 3, 5}) {
    CAPTURE(parts);
    Fixture whole, sliced;
    whole.a.add(whole.b);
    sliced.a.touch_all(sliced.b);
    const std::vector<GradSlice> s = sliced.a.split(parts);
    for (auto it = s.rbegin(); it != s.rend(); ++it) sliced.a.add(sliced.b, *it);  // any order
    CHECK(std::memcmp(whole.a.data(), sliced.a.data(), whole.a.size() * sizeof(real)) == 0);
    CHECK(whole.a.touched(whole.words) == sliced.a.touched(sliced.words));
    CHECK(whole.a.touched(whole.chars) == sliced.a.touched(sliced.chars));
  }
  // A column only b touched: a's copy holds b's values; one only a touched keeps a's.
  Fixture f;
  const real a17 = f.a.grad(f.words)(0, 17);
  f.a.add(f.b);
  CHECK(f.a.grad(f.words)(0, 17) == a17);
  CHECK(f.a.grad(f.words)(0, 8) == f.b.grad(f.words)(0, 8));
  CHECK(f.a.is_touched(f.words, 8));
  CHECK_FALSE(f.a.is_touched(f.words, 9));
}
