// Gradient checks of every layer through its parameters and inputs, on small shapes.
#include "common/gradcheck.h"
#include "layers/char_encoder.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "ops/concat_slice.h"
#include "ops/elementwise.h"
#include "ops/lookup.h"
#include "ops/reduce.h"

#include <doctest/doctest.h>

using namespace medner;
using medner::test::grad_check;
using medner::test::random_matrix;

#define CHECK_REPORT(expr)  \
  do {                      \
    auto r_ = (expr);       \
    INFO(r_.worst);         \
    CHECK(r_.checked > 0);  \
    CHECK(r_.ok);           \
  } while (0)

TEST_CASE("layers: Linear gradient w.r.t. input, W and b") {
  ParamStore store;
  Rng rng(1);
  Linear lin(store, "lin", 4, 3, rng);
  CHECK_REPORT(grad_check({random_matrix(4, 5, 2)},
                          [&](Tape& t, const std::vector<NodeId>& x) { return lin(t, store, x[0]); }, &store));
}

TEST_CASE("layers: Embedding gradient, repeated ids, sparse table") {
  ParamStore store;
  Rng rng(1);
  Embedding emb(store, "emb", 3, 7, rng);
  const int ids[5] = {6, 2, 6, 0, 3};
  Matrix w = random_matrix(3, 5, 4);
  CHECK_REPORT(grad_check({w}, [&](Tape& t, const std::vector<NodeId>& x) {
    return multiply(t, emb(t, store, ids, 5), x[0]);
  }, &store));
}

TEST_CASE("layers: Lstm gradient with masks and unequal lengths") {
  ParamStore store;
  Rng rng(3);
  Lstm lstm(store, "lstm", 3, 2, rng);
  const int lengths[3] = {3, 1, 2};
  CHECK_REPORT(grad_check({random_matrix(3, 9, 4)}, [&](Tape& t, const std::vector<NodeId>& x) {
    return lstm(t, store, x[0], 3, lengths);
  }, &store));
}

TEST_CASE("layers: forget-gate bias starts at 1") {
  ParamStore store;
  Rng rng(3);
  Lstm lstm(store, "lstm", 3, 2, rng);
  auto b = store.value(store.find("lstm/b"));
  CHECK(b.middleRows(2, 2).isOnes());
  CHECK(b.topRows(2).isZero());
  CHECK(b.bottomRows(4).isZero());
}

TEST_CASE("layers: stacked BiLstm gradient with masks and unequal lengths; padding gets no gradient") {
  ParamStore store;
  Rng rng(5);
  BiLstm bilstm(store, "bi", 3, 2, 2, rng);
  const int lengths[2] = {3, 2};
  // Only real tokens feed the output, as in training where padding is masked out of the loss.
  const int real_cols[5] = {0, 1, 2, 3, 4};  // t*B + b for (0,0) (0,1) (1,0) (1,1) (2,0)
  CHECK_REPORT(grad_check({random_matrix(3, 6, 6)}, [&](Tape& t, const std::vector<NodeId>& x) {
    return gather_columns(t, bilstm(t, store, x[0], 2, lengths).states, real_cols, 5);
  }, &store));
  CHECK_REPORT(grad_check({random_matrix(3, 6, 6)}, [&](Tape& t, const std::vector<NodeId>& x) {
    BiLstm::Output o = bilstm(t, store, x[0], 2, lengths);
    return concat_rows(t, {o.final_fwd, o.final_bwd});
  }, &store));
}

TEST_CASE("layers: BiLstm on a padded batch equals each sentence alone") {
  ParamStore store;
  Rng rng(7);
  BiLstm bilstm(store, "bi", 2, 3, 1, rng);
  const int lengths[2] = {2, 4};
  Matrix x = random_matrix(2, 8, 8);
  Tape tb;
  BiLstm::Output ob = bilstm(tb, store, tb.constant(x), 2, lengths);
  for (int b = 0; b < 2; ++b) {
    Matrix xs(2, lengths[b]);
    for (int t = 0; t < lengths[b]; ++t) xs.col(t) = x.col(t * 2 + b);
    Tape t1;
    const int l1[1] = {lengths[b]};
    BiLstm::Output o1 = bilstm(t1, store, t1.constant(xs), 1, l1);
    for (int t = 0; t < lengths[b]; ++t)
      CHECK(tb.value(ob.states).col(t * 2 + b).isApprox(t1.value(o1.states).col(t), real(1e-5)));
    CHECK(tb.value(ob.final_fwd).col(b).isApprox(t1.value(o1.final_fwd).col(0), real(1e-5)));
    CHECK(tb.value(ob.final_bwd).col(b).isApprox(t1.value(o1.final_bwd).col(0), real(1e-5)));
    // The backward direction's final state belongs to the first token: it equals the backward half there.
    CHECK(t1.value(o1.final_bwd).col(0).isApprox(t1.value(o1.states).col(0).bottomRows(3), real(1e-5)));
  }
}

TEST_CASE("layers: character BiLSTM encoder gradient, words of different lengths") {
  ParamStore store;
  Rng rng(9);
  CharEncoderConfig cfg;
  cfg.kind = CharEncoderKind::Lstm;
  cfg.char_dim = 3;
  cfg.hidden = 2;
  CharEncoder enc(store, "char", cfg, 6, rng);
  const int chars[6] = {1, 2, 3, 4, 5, 1};
  const int offsets[4] = {0, 3, 4, 6};
  CHECK(enc.output_dim() == 4);
  CHECK_REPORT(grad_check({}, [&](Tape& t, const std::vector<NodeId>&) {
    return enc(t, store, chars, offsets, 3);
  }, &store));
}

TEST_CASE("layers: character CNN encoder gradient, words of different lengths") {
  ParamStore store;
  Rng rng(11);
  CharEncoderConfig cfg;
  cfg.kind = CharEncoderKind::Cnn;
  cfg.char_dim = 3;
  cfg.filters = 4;
  cfg.width = 3;
  CharEncoder enc(store, "char", cfg, 6, rng);
  const int chars[6] = {1, 2, 3, 4, 5, 1};
  const int offsets[4] = {0, 3, 4, 6};
  CHECK(enc.output_dim() == 4);
  CHECK_REPORT(grad_check({}, [&](Tape& t, const std::vector<NodeId>&) {
    return enc(t, store, chars, offsets, 3);
  }, &store));
}

TEST_CASE("layers: BiLstm over table ids equals the BiLstm over the looked-up columns, values and gradients") {
  ParamStore store;
  Rng rng(13);
  Embedding table(store, "tab", 3, 6, rng, /*sparse=*/false);
  BiLstm bilstm(store, "bi", 3, 2, 1, rng);
  store.finalize();
  const Index T = 4, B = 3;
  const int lengths[3] = {4, 2, 1};                         // longest first, as the char encoder orders words
  const int ids[12] = {1, 2, 3, 4, 5, 0, 1, 0, 0, 2, 0, 0};  // 0 = padding
  Matrix seed = random_matrix(4, B, 14);
  GradBuffer g1(store), g2(store);
  Tape t1(&g1), t2(&g2);
  NodeId a = bilstm.final_states_over_table(t1, store, t1.param(store, table.table()), ids, T, B, lengths);
  BiLstm::Output o = bilstm(t2, store, table(t2, store, ids, T * B), B, lengths);
  NodeId b = concat_rows(t2, {o.final_fwd, o.final_bwd});
  CHECK(t1.value(a).isApprox(t2.value(b), real(1e-6)));
  t1.backward(a, seed);
  t2.backward(b, seed);
  for (int p = 0; p < store.count(); ++p) {
    INFO(store.info(store.param(p)).name);
    CHECK(g1.grad(store.param(p)).isApprox(g2.grad(store.param(p)), real(1e-5)));
  }
}
