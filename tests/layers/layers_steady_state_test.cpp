// A steady-state training step through the layers (char BiLSTM encoder, word BiLSTM, linear)
// makes no heap allocation through operator new: the tape arena and every scratch buffer are
// reused, so the third identical step allocates nothing and gives the same values.
#include "common/gradcheck.h"
#include "layers/char_encoder.h"
#include "layers/embedding.h"
#include "layers/linear.h"
#include "layers/lstm.h"
#include "ops/concat_slice.h"
#include "ops/dropout.h"
#include "ops/lookup.h"
#include "ops/reduce.h"

#include <doctest/doctest.h>

// The operator new counter of this binary (included here and nowhere else in tests/layers).
#include "common/alloc_counter.h"

using namespace medner;

TEST_CASE("layers: a steady-state forward + backward through char encoder and BiLstm makes no heap allocation") {
  ParamStore store;
  Rng rng(17);
  CharEncoderConfig cfg;
  cfg.char_dim = 4;
  cfg.hidden = 3;
  CharEncoder chars(store, "chars", cfg, 8, rng);
  Embedding words(store, "words", 5, 10, rng);
  BiLstm bilstm(store, "bi", 5 + chars.output_dim(), 4, 2, rng);
  Linear out(store, "out", 8, 3, rng);
  store.finalize();
  GradBuffer grads(store);
  Tape tape(&grads);
  // 3 sentences (lengths 3, 1, 2), time-major word ids; 4 distinct forms, longest first.
  const Index T = 3, B = 3;
  const int lengths[3] = {3, 1, 2};
  const int word_ids[9] = {1, 2, 3, 4, 0, 5, 6, 0, 0};
  const int form_chars[10] = {1, 2, 3, 4, 5, 6, 7, 1, 2, 3};
  const int form_offsets[5] = {0, 4, 7, 9, 10};
  const int position_form[9] = {0, 1, 2, 3, -1, 1, 0, -1, -1};

  auto step = [&]() {
    tape.clear();
    grads.zero();
    Rng drop(5);
    NodeId per_form = chars(tape, store, form_chars, form_offsets, 4);
    NodeId x = concat_rows(tape, {words(tape, store, word_ids, T * B), gather_columns(tape, per_form, position_form, T * B)});
    x = dropout(tape, x, real(0.25), drop, true);
    NodeId h = bilstm(tape, store, x, B, lengths, real(0.25), &drop, true).states;
    NodeId loss = sum(tape, out(tape, store, h));
    tape.backward(loss);
    return tape.scalar(loss);
  };
  const real first = step();
  step();
  const std::size_t capacity = tape.arena_capacity();
  const long before = medner::test::allocations();
  const real again = step();
  CHECK(medner::test::allocations() - before == 0);
  CHECK(tape.arena_capacity() == capacity);
  CHECK(again == first);
  CHECK(grads.grad(store.find("bi/0/fwd/Wh")).norm() > 0);
  CHECK(grads.grad(store.find("chars/lstm/0/bwd/Wx")).norm() > 0);
}
