#include "common/gradcheck.h"

#include "core/rng.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace medner::test {

namespace {

struct Slot {  // one perturbable scalar
  real* ptr;
  int input;      // leaf index, or leaves.size() + param id
  Index element;
};

}  // namespace

Matrix random_matrix(Index rows, Index cols, uint64_t seed, double lo, double hi) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = static_cast<real>(rng.uniform(lo, hi));
  return m;
}

GradCheckReport grad_check(std::vector<Matrix> leaves, const GraphBuilder& build, ParamStore* store,
                           GradCheckOptions opt) {
  GradCheckReport report;
  GradBuffer grads;
  if (store != nullptr) {
    if (!store->finalized()) store->finalize();
    grads.reset(*store);
  }
  Tape tape(store != nullptr ? &grads : nullptr);

  auto run = [&](std::vector<NodeId>& ids) {
    tape.clear();
    ids.clear();
    for (const Matrix& m : leaves) ids.push_back(tape.variable(m));
    return build(tape, ids);
  };

  // Reference forward: output shape and values.
  std::vector<NodeId> ids;
  NodeId out = run(ids);
  const Index n_out = tape.value(out).size();
  const Index out_rows = tape.shape(out).rows;

  std::vector<Slot> slots;
  for (std::size_t k = 0; k < leaves.size(); ++k)
    for (Index i = 0; i < leaves[k].size(); ++i)
      slots.push_back(Slot{leaves[k].data() + i, static_cast<int>(k), i});
  if (store != nullptr) {
    for (int p = 0; p < store->count(); ++p) {
      const ParamInfo& info = store->info(store->param(p));
      if (!info.trainable) continue;
      for (Index i = 0; i < info.size(); ++i)
        slots.push_back(Slot{store->data() + info.offset + i, static_cast<int>(leaves.size()) + p, i});
    }
  }

  // Numeric Jacobian, one column per slot: d out / d slot.
  Eigen::MatrixXd numeric(n_out, static_cast<Index>(slots.size()));
  auto eval_at = [&](Slot& s, double delta, Eigen::VectorXd& y) {
    real saved = *s.ptr;
    *s.ptr = static_cast<real>(static_cast<double>(saved) + delta);
    std::vector<NodeId> tmp;
    NodeId o = run(tmp);
    y = tape.value(o).reshaped().cast<double>();
    *s.ptr = saved;
  };
  Eigen::VectorXd yp, ym, yp2, ym2;
  for (std::size_t j = 0; j < slots.size(); ++j) {
    Slot& s = slots[j];
    // Perturb by an exactly representable step so that (x+h) - (x-h) == 2h.
    double h = opt.eps * std::max(1.0, std::abs(static_cast<double>(*s.ptr)));
    eval_at(s, h, yp);
    eval_at(s, -h, ym);
    if (opt.stencil4) {
      eval_at(s, 2 * h, yp2);
      eval_at(s, -2 * h, ym2);
      numeric.col(static_cast<Index>(j)) = (8 * (yp - ym) - (yp2 - ym2)) / (12 * h);
    } else {
      numeric.col(static_cast<Index>(j)) = (yp - ym) / (2 * h);
    }
  }

  // Analytic Jacobian, one row per output element.
  for (Index o = 0; o < n_out; ++o) {
    if (store != nullptr) {
      std::fill(grads.data(), grads.data() + grads.size(), real(0));
      grads.zero();
    }
    NodeId out_id = run(ids);
    Matrix seed = Matrix::Zero(tape.shape(out_id).rows, tape.shape(out_id).cols);
    seed(o % out_rows, o / out_rows) = 1;
    tape.backward(out_id, seed);
    for (std::size_t j = 0; j < slots.size(); ++j) {
      const Slot& s = slots[j];
      if (opt.skip && opt.skip(s.input, s.element)) continue;
      double a = 0;
      if (s.input < static_cast<int>(leaves.size())) {
        NodeId leaf = ids[static_cast<std::size_t>(s.input)];
        a = tape.needs_grad(leaf) ? static_cast<double>(tape.grad(leaf).data()[s.element]) : 0.0;
      } else {
        const ParamInfo& info = store->info(store->param(s.input - static_cast<int>(leaves.size())));
        a = static_cast<double>(grads.data()[info.offset + static_cast<std::size_t>(s.element)]);
      }
      double n = numeric(o, static_cast<Index>(j));
      double err = std::abs(a - n) / (opt.atol + opt.rtol * std::max(std::abs(a), std::abs(n)));
      ++report.checked;
      if (err > report.max_error) {
        report.max_error = err;
        std::string where = s.input < static_cast<int>(leaves.size())
                                ? fmt::format("leaf {}", s.input)
                                : store->info(store->param(s.input - static_cast<int>(leaves.size()))).name;
        report.worst = fmt::format("d out[{}] / d {}[{}]: analytic {:.6g}, numeric {:.6g}", o, where,
                                   s.element, a, n);
      }
    }
  }
  report.ok = report.max_error <= 1.0;
  return report;
}

}  // namespace medner::test
