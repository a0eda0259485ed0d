// Summing gradients over ranks: for every rank count the result equals the single-process
// gradient of the union of the shards (dense prefix, touched embedding columns, untouched columns
// still zero), is bitwise the same on every rank, and with one rank changes nothing. Ranks are
// simulated by threads (sim_comm.h); the last case runs on real MPI ranks under
// `mpirun -np 2 test_dist` (tests/cli/mpi_equivalence.sh) and on one LocalComm rank otherwise.
#include "core/error.h"
#include "core/rng.h"
#include "dist/agreement.h"
#include "dist/grad_sync.h"
#include "dist/sim_comm.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

using namespace medner;

namespace {

// Two dense and two sparse parameters, interleaved so that finalize() has to reorder them, and
// one random gradient buffer per shard. Shard 1 touches no column of "chars" at all.
struct Shards {
  ParamStore store;
  std::vector<GradBuffer> grads;
};

void make_shards(Shards& sh, int n, uint64_t seed) {
  sh.store.add("a", 3, 4);
  const Param words = sh.store.add("words", 5, 40, true);
  sh.store.add("b", 7, 1);
  const Param chars = sh.store.add("chars", 2, 9, true);
  sh.store.finalize();
  Rng rng(seed);
  for (int s = 0; s < n; ++s) {
    GradBuffer g(sh.store);
    for (std::size_t i = 0; i < g.dense_size(); ++i) g.data()[i] = static_cast<real>(rng.uniform(-1, 1));
    for (const Param p : {words, chars}) {
      if (p.id == chars.id && s == 1) continue;
      const Index cols = sh.store.info(p).cols;
      for (int k = 0; k < 12; ++k) {  // repeats and any order, as lookups produce them
        const auto col = static_cast<Index>(rng.below(static_cast<uint64_t>(cols)));
        g.touch(p, col);
        for (Index r = 0; r < g.grad(p).rows(); ++r) g.grad(p)(r, col) += static_cast<real>(rng.uniform(-1, 1));
      }
    }
    sh.grads.push_back(std::move(g));
  }
}

// The single-process gradient: every shard added into one buffer, touched lists sorted.
GradBuffer union_of(Shards& sh) {
  GradBuffer u(sh.store);
  for (const GradBuffer& g : sh.grads) u.add(g);
  u.sort_touched();
  return u;
}

void check_equal_to_union(const ParamStore& store, const GradBuffer& got, const GradBuffer& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("value ", i);
    CHECK(got.data()[i] == doctest::Approx(want.data()[i]).epsilon(1e-6));
  }
  for (int i = 0; i < store.count(); ++i) {
    INFO(store.info(store.param(i)).name);
    CHECK(got.touched(store.param(i)) == want.touched(store.param(i)));
  }
}

}  // namespace

TEST_CASE("dist: LocalComm collectives are the identity") {
  LocalComm c;
  CHECK(c.rank() == 0);
  CHECK(c.size() == 1);
  float f[2] = {1.5f, -2};
  c.allreduce_sum(f, 2);
  CHECK(f[1] == -2);
  CHECK(c.allgather(std::vector<int32_t>{4, 5}) == std::vector<int32_t>{4, 5});
  CHECK(c.allgather(uint64_t{9}) == std::vector<uint64_t>{9});
  double d = 3;
  broadcast_value(c, d, 0);
  CHECK(d == 3);
}

TEST_CASE("dist: with one rank allreduce_gradients leaves the buffer bit for bit") {
  Shards sh;
  make_shards(sh, 1, 5);
  GradBuffer g = sh.grads[0];
  LocalComm c;
  std::vector<real> scratch;
  GradSyncStats stats = allreduce_gradients(c, sh.store, g, scratch);
  CHECK(stats.dense + stats.sparse + stats.ids == 0);
  CHECK(std::equal(g.data(), g.data() + g.size(), sh.grads[0].data()));
  for (int i = 0; i < sh.store.count(); ++i)  // not even sorted: one process keeps its order
    CHECK(g.touched(sh.store.param(i)) == sh.grads[0].touched(sh.store.param(i)));
}

TEST_CASE("dist: summed gradients of simulated ranks equal the single-process gradients over the union") {
  for (int n : {2, 3}) {
    INFO(n, " ranks");
    Shards sh;
    make_shards(sh, n, 100 + static_cast<uint64_t>(n));
    const GradBuffer want = union_of(sh);
    std::vector<GradBuffer> got = sh.grads;
    std::vector<GradSyncStats> stats(static_cast<std::size_t>(n));
    medner_test::SimGroup group(n);
    group.run([&](Communicator& c) {
      std::vector<real> scratch;
      const auto r = static_cast<std::size_t>(c.rank());
      stats[r] = allreduce_gradients(c, sh.store, got[r], scratch);
    });
    std::size_t union_reals = 0, ids = 0;
    for (int i = 0; i < sh.store.count(); ++i) {
      const Param p = sh.store.param(i);
      union_reals += want.touched(p).size() * static_cast<std::size_t>(sh.store.info(p).rows);
      for (const GradBuffer& g : sh.grads) ids += g.touched(p).size();
    }
    for (int r = 0; r < n; ++r) {
      INFO("rank ", r);
      const auto& g = got[static_cast<std::size_t>(r)];
      check_equal_to_union(sh.store, g, want);
      CHECK(std::equal(g.data(), g.data() + g.size(), got[0].data()));  // same bits everywhere
      CHECK(stats[static_cast<std::size_t>(r)].dense == sh.store.dense_size());
      CHECK(stats[static_cast<std::size_t>(r)].sparse == union_reals);
      CHECK(stats[static_cast<std::size_t>(r)].ids == ids);
    }
    // A rank's gradient alone is not the union's: the test would notice a missing sum.
    CHECK(sh.grads[0].data()[0] != doctest::Approx(want.data()[0]));
  }
}

TEST_CASE("dist: checksum64 changes with any single bit and with the length") {
  std::vector<unsigned char> bytes(21);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 37);
  const uint64_t h = checksum64(bytes.data(), bytes.size());
  CHECK(h == checksum64(bytes.data(), bytes.size()));
  for (std::size_t i = 0; i < bytes.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      bytes[i] ^= static_cast<unsigned char>(1 << bit);
      CHECK(checksum64(bytes.data(), bytes.size()) != h);
      bytes[i] ^= static_cast<unsigned char>(1 << bit);
    }
  const unsigned char ab[3] = {'a', 'b', 0};
  CHECK(checksum64(ab, 2) != checksum64(ab, 3));
  CHECK(checksum64(ab, 2, 1) != checksum64(ab, 2, 2));
}

TEST_CASE("dist: require_agreement passes equal values and names every rank's checksum otherwise") {
  medner_test::SimGroup group(3);
  group.run([](Communicator& c) { require_agreement(c, 77, "the model", ""); });
  std::vector<std::string> messages(3);
  group.run([&](Communicator& c) {
    try {
      require_agreement(c, c.rank() == 2 ? 0xbad : 77, "the model after step 5", "; diverged");
    } catch (const InternalError& e) {
      messages[static_cast<std::size_t>(c.rank())] = e.what();
    }
  });
  for (const std::string& m : messages)  // every rank throws, so none is left waiting
    CHECK(m == "ranks disagree on the model after step 5 (checksums: rank 0 000000000000004d, "
               "rank 1 000000000000004d, rank 2 0000000000000bad); diverged");
}

TEST_CASE("dist: under mpirun the ranks' summed gradients equal the single-process gradients (MPI)") {
  std::unique_ptr<Communicator> comm = make_communicator();
  const int n = comm->size(), rank = comm->rank();
  Shards sh;
  make_shards(sh, n, 7);
  GradBuffer mine = sh.grads[static_cast<std::size_t>(rank)];
  std::vector<real> scratch;
  allreduce_gradients(*comm, sh.store, mine, scratch);
  const GradBuffer want = union_of(sh);
  if (n == 1) {
    // One process: nothing to sum; the buffer is the union up to the order of touched lists.
    mine.sort_touched();
  }
  check_equal_to_union(sh.store, mine, want);
  CHECK_NOTHROW(require_agreement(*comm, checksum64(mine.data(), mine.size() * sizeof(real)),
                                  "the summed gradients", ""));
  int value = rank == 0 ? 42 : -1;
  broadcast_value(*comm, value, 0);
  CHECK(value == 42);
  const std::vector<int32_t> all = comm->allgather(std::vector<int32_t>(static_cast<std::size_t>(rank) + 1, rank));
  std::vector<int32_t> expected;
  for (int r = 0; r < n; ++r) expected.insert(expected.end(), static_cast<std::size_t>(r) + 1, r);
  CHECK(all == expected);
  if (n > 1) CHECK_THROWS_AS(require_agreement(*comm, static_cast<uint64_t>(rank), "ranks", ""), InternalError);
  comm->barrier();
}
