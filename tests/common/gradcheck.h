// The one finite-difference gradient checker (STYLE.md section 7).
//
// Central differences on every element of every input (leaf matrices and, if given, every
// trainable parameter of a ParamStore), compared with reverse mode run once per *output element*,
// so the whole Jacobian is checked, not one projection of it. Error test:
//   |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
// Defaults depend on the build: float needs a coarse step, double a fine one.
#pragma once

#include "core/params.h"
#include "core/tape.h"

#include <functional>
#include <string>
#include <vector>

namespace medner::test {

struct GradCheckOptions {
  double eps = sizeof(real) == 4 ? 1e-2 : 1e-6;
  double rtol = sizeof(real) == 4 ? 3e-2 : 1e-6;
  double atol = sizeof(real) == 4 ? 2e-3 : 1e-8;
  bool stencil4 = false;  // 4-point stencil, error O(eps^4), for curvy functions in float
  // Skip an element (input k, element i) at a kink, e.g. relu at 0; params count after leaves.
  std::function<bool(int input, Index element)> skip;
};

struct GradCheckReport {
  bool ok = true;
  int checked = 0;       // Jacobian entries compared
  double max_error = 0;  // largest |a - n| / (atol + rtol * max(|a|, |n|)); <= 1 passes
  std::string worst;     // where the largest error was, for the failure message
};

// `build` adds the function to a cleared tape given the leaf nodes (variables, same order as
// `leaves`) and returns the output node. It must be deterministic (re-seed any Rng inside).
// With a store, `build` reads parameters through tape.param()/lookup() and the check covers them.
using GraphBuilder = std::function<NodeId(Tape&, const std::vector<NodeId>&)>;
GradCheckReport grad_check(std::vector<Matrix> leaves, const GraphBuilder& build,
                           ParamStore* store = nullptr, GradCheckOptions options = {});

// Random matrix with entries uniform in [lo, hi), fixed seed.
Matrix random_matrix(Index rows, Index cols, uint64_t seed, double lo = -1, double hi = 1);

}  // namespace medner::test
