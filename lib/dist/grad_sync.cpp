#include "dist/grad_sync.h"

#include "core/error.h"

#include <algorithm>

namespace medner {

GradSyncStats allreduce_gradients(Communicator& comm, const ParamStore& store, GradBuffer& grads,
                                  std::vector<real>& scratch) {
  GradSyncStats stats;
  if (comm.size() == 1) return stats;
  MEDNER_CHECK(grads.size() == store.size(), "gradient buffer and store differ in size");
  comm.allreduce_sum(grads.data(), grads.dense_size());
  stats.dense = grads.dense_size();

  // Message of this rank: for each sparse parameter in store order, its count and then its ids.
  // Every rank lists the same parameters, so the concatenation over ranks parses unambiguously.
  std::vector<Param> sparse;
  std::vector<int32_t> message;
  for (int i = 0; i < store.count(); ++i) {
    const Param p = store.param(i);
    if (!grads.is_sparse(p)) continue;
    sparse.push_back(p);
    const std::vector<int32_t>& touched = grads.touched(p);
    message.push_back(static_cast<int32_t>(touched.size()));
    message.insert(message.end(), touched.begin(), touched.end());
  }
  if (sparse.empty()) return stats;
  const std::vector<int32_t> all = comm.allgather(message);
  std::size_t at = 0;
  for (int r = 0; r < comm.size(); ++r) {
    for (const Param p : sparse) {
      MEDNER_CHECK(at < all.size(), "gathered column ids end early (rank {})", r);
      const auto count = static_cast<std::size_t>(all[at++]);
      MEDNER_CHECK(at + count <= all.size(), "gathered column ids end early (rank {})", r);
      const Index cols = store.info(p).cols;
      for (std::size_t k = 0; k < count; ++k, ++at) {
        MEDNER_CHECK(all[at] >= 0 && all[at] < cols, "rank {} touched column {} of '{}' ({} columns)", r,
                     all[at], store.info(p).name, cols);
        grads.touch(p, all[at]);  // a column this rank did not touch holds zeros: the sum is right
      }
    }
  }
  MEDNER_CHECK(at == all.size(), "gathered {} column ids, parsed {}", all.size(), at);
  stats.ids = all.size() - sparse.size() * static_cast<std::size_t>(comm.size());
  grads.sort_touched();

  std::size_t total = 0;
  for (const Param p : sparse) total += grads.touched(p).size() * static_cast<std::size_t>(store.info(p).rows);
  scratch.resize(total);
  real* out = scratch.data();
  for (const Param p : sparse) {
    MatrixMap g = grads.grad(p);
    for (int32_t col : grads.touched(p)) out = std::copy_n(g.col(col).data(), g.rows(), out);
  }
  comm.allreduce_sum(scratch.data(), total);
  const real* in = scratch.data();
  for (const Param p : sparse) {
    MatrixMap g = grads.grad(p);
    for (int32_t col : grads.touched(p)) {
      std::copy_n(in, g.rows(), g.col(col).data());
      in += g.rows();
    }
  }
  stats.sparse = total;
  return stats;
}

}  // namespace medner
