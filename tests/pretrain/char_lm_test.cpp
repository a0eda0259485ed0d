#include "pretrain/char_lm.h"
#include "pretrain/char_lm_training.h"

#include "common/gradcheck.h"
#include "common/temp_dir.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/model_file.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/lstm_recurrence.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace medner;
using medner::test::grad_check;
using medner::test::random_matrix;

namespace {

std::vector<std::string> tiny_chars() { return {kCharLmUnkName, "\n", " ", "a", "b", "é"}; }

// The parameters of `lm`, flat, for exact comparisons.
std::vector<real> values(const CharLm& lm) {
  return std::vector<real>(lm.params().data(), lm.params().data() + lm.params().size());
}

// Lines of a text whose every character follows from the one before it (but for the line's first).
std::string periodic_text(int lines) {
  std::string t;
  for (int i = 0; i < lines; ++i) t += "the cat sat on the mat .\n";
  return t;
}

// The states H x T of direction dir over one sequence of ids, built from the model's parameters
// with the ops themselves: the embedding's independent reference.
Matrix direction_states(const CharLm& lm, int dir, const std::vector<int>& ids) {
  const ParamStore& s = lm.params();
  const std::string n = dir == 0 ? "charlm/fwd" : "charlm/bwd";
  Tape t;
  const NodeId table = affine(t, t.param(s, s.find(n + "/lstm/Wx")), t.param(s, s.find(n + "/chars")),
                              t.param(s, s.find(n + "/lstm/b")));
  const int len = static_cast<int>(ids.size());
  return t.value(lstm_recurrence_gather(t, table, t.param(s, s.find(n + "/lstm/Wh")), len, 1, &len, ids.data()));
}

CharLmTrainOptions tiny_options() {
  CharLmTrainOptions o;
  o.net.char_dim = 4;
  o.net.hidden = 8;
  o.streams = 4;
  o.bptt = 12;
  o.lr = 0.01;
  o.min_char_count = 1;
  o.heldout = 0.1;
  return o;
}

}  // namespace

TEST_CASE("char_lm: gradient of the loss of both directions, every parameter, from a carried state") {
  Rng init(5);
  CharLm lm(CharLmConfig{3, 2}, tiny_chars(), init);
  const Index T = 3, B = 2;
  const int inputs[6] = {1, 1, 3, 4, 5, 2}, targets[6] = {3, 4, 5, 2, 0, 3};
  LstmCarry start[2];
  for (int d = 0; d < 2; ++d) {
    start[d].h = random_matrix(2, B, 90 + static_cast<uint64_t>(d), -0.5, 0.5);
    start[d].c = random_matrix(2, B, 92 + static_cast<uint64_t>(d), -1, 1);
  }
  auto r = grad_check({}, [&](Tape& t, const std::vector<NodeId>&) {
    LstmCarry c0 = start[0], c1 = start[1];
    return add(t, lm.loss(t, 0, inputs, targets, T, B, &c0), lm.loss(t, 1, targets, inputs, T, B, &c1));
  }, &lm.params());
  INFO(r.worst);
  CHECK(r.ok);
  CHECK(r.checked > 100);
}

TEST_CASE("char_lm: the loss is the negative log-likelihood of the softmax over characters") {
  Rng init(6);
  CharLm lm(CharLmConfig{3, 4}, tiny_chars(), init);
  // Zero output weights and biases: every character equally likely, so the loss is T*B log C.
  ParamStore& s = lm.params();
  for (const char* n : {"charlm/fwd/out/W", "charlm/fwd/out/b"}) s.value(s.find(n)).setZero();
  const int inputs[4] = {3, 4, 1, 2}, targets[4] = {4, 1, 2, 3};
  Tape t;
  CHECK(t.scalar(lm.loss(t, 0, inputs, targets, 2, 2, nullptr)) == doctest::Approx(4 * std::log(6.0)).epsilon(1e-5));
}

TEST_CASE("char_lm: a token's embedding is the forward state after its last character and the backward state after its first") {
  Rng init(7);
  CharLm lm(CharLmConfig{4, 5}, tiny_chars(), init);
  const std::vector<std::string> s = {"ab", "b", "aébx", "a"};  // 'x' is not a model character: <unk>
  std::vector<int> last;
  CHECK(lm.encode_sentence(s, &last) == std::vector<int>{1, 3, 4, 2, 4, 2, 3, 5, 4, 0, 2, 3});
  CHECK(last == std::vector<int>{2, 4, 9, 11});
  const std::vector<real> full = lm.embed({s}, 1)[0];
  const Index H = 5;
  REQUIRE(full.size() == static_cast<std::size_t>(2 * H * 4));
  const ConstMatrixMap E(full.data(), 2 * H, 4);
  // Against the states of each direction: forward after each last character (positions 2, 4, 9,
  // 11); backward ("\n", then the 11 characters from the end) after each first character
  // (forward positions 1, 4, 6, 11, so backward positions 11, 8, 6, 1).
  const std::vector<int> fwd = lm.encode_sentence(s, nullptr);
  std::vector<int> bwd = {kCharLmBoundary};
  bwd.insert(bwd.end(), fwd.rbegin(), fwd.rend() - 1);
  const Matrix F = direction_states(lm, 0, fwd), Bk = direction_states(lm, 1, bwd);
  const Index fwd_at[4] = {2, 4, 9, 11}, bwd_at[4] = {11, 8, 6, 1};
  for (Index i = 0; i < 4; ++i) {
    CHECK(E.col(i).head(H).isApprox(F.col(fwd_at[i]), real(1e-6)));
    CHECK(E.col(i).tail(H).isApprox(Bk.col(bwd_at[i]), real(1e-6)));
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    // The forward half reads the sentence up to the token: the last token of the prefix.
    const std::vector<std::string> prefix(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    const std::vector<real> p = lm.embed({prefix}, 1)[0];
    CHECK(ConstMatrixMap(p.data(), 2 * H, static_cast<Index>(i) + 1).col(static_cast<Index>(i)).head(H).isApprox(
        E.col(static_cast<Index>(i)).head(H), real(1e-6)));
    // The backward half reads it from its end back to the token: the first token of the suffix.
    const std::vector<std::string> suffix(s.begin() + static_cast<std::ptrdiff_t>(i), s.end());
    const std::vector<real> q = lm.embed({suffix}, 1)[0];
    CHECK(ConstMatrixMap(q.data(), 2 * H, 1).col(0).tail(H).isApprox(E.col(static_cast<Index>(i)).tail(H), real(1e-6)));
  }
  // And the halves differ from token to token (the columns are not all one state).
  CHECK_FALSE(E.col(0).isApprox(E.col(1), real(1e-3)));
}

TEST_CASE("char_lm: embeddings do not depend on the batch or the thread count") {
  Rng init(8);
  CharLm lm(CharLmConfig{4, 6}, tiny_chars(), init);
  Rng r(9);
  std::vector<std::vector<std::string>> sentences;
  for (int i = 0; i < 70; ++i) {
    std::vector<std::string> s;
    const auto n = 1 + r.below(9);
    for (uint64_t k = 0; k < n; ++k) s.push_back(std::string(1 + r.below(4), "abé"[r.below(2)]));
    sentences.push_back(s);
  }
  const auto one = lm.embed(sentences, 1), two = lm.embed(sentences, 2);
  CHECK(one == two);
  for (std::size_t i = 0; i < sentences.size(); i += 7) {
    const std::vector<real> alone = lm.embed({sentences[i]}, 1)[0];
    REQUIRE(alone.size() == one[i].size());
    CHECK(ConstMatrixMap(alone.data(), 12, static_cast<Index>(sentences[i].size()))
              .isApprox(ConstMatrixMap(one[i].data(), 12, static_cast<Index>(sentences[i].size())), real(1e-5)));
  }
}

TEST_CASE("char_lm: the model file round trip keeps every parameter; a bad file is an InputError") {
  Rng init(10);
  CharLm lm(CharLmConfig{3, 4}, tiny_chars(), init);
  const std::string bytes = char_lm_bytes(lm);
  const std::unique_ptr<CharLm> back = char_lm_from_bytes(bytes, "lm.charlm");
  CHECK(back->chars() == lm.chars());
  CHECK(values(*back) == values(lm));
  CHECK(back->embed({{"ab", "a"}}, 1) == lm.embed({{"ab", "a"}}, 1));
  std::string cut = bytes.substr(0, bytes.size() - 9);
  CHECK_THROWS_AS(char_lm_from_bytes(cut, "lm.charlm"), InputError);
  // A size the parameters do not have is refused before the network is allocated.
  ModelFile mf = decode_model_file(bytes, "lm.charlm");
  for (auto& kv : mf.config)
    if (kv.first == "hidden") kv.second = "90000";
  CHECK_THROWS_WITH_AS(char_lm_from_bytes(encode_model_file(mf), "big.charlm"),
                       doctest::Contains("big.charlm: the file holds 352 parameter values, a language model of hidden size 90000"),
                       InputError);
  mf.kind = "model";
  CHECK_THROWS_WITH_AS(char_lm_from_bytes(encode_model_file(mf), "m.bin"), doctest::Contains("m.bin: is a model"), InputError);
}

TEST_CASE("char_lm training: learns a text whose characters follow from each other; held-out bits per char fall") {
  CharLmTrainOptions o = tiny_options();
  o.epochs = 25;
  std::vector<double> heldout;
  const std::unique_ptr<CharLm> lm = train_char_lm(periodic_text(120), "periodic.txt", o, [&](const CharLmProgress& p) {
    if (p.epoch_end) heldout.push_back(p.heldout_bpc[0] + p.heldout_bpc[1]);
  });
  REQUIRE(heldout.size() == 25);
  INFO("held-out bits per char, both directions: first " << heldout.front() << ", last " << heldout.back());
  CHECK(heldout.front() > 4);
  CHECK(heldout.back() < 0.6);
}

TEST_CASE("char_lm training: two threads equal one; a resumed run ends as the uninterrupted one, bit for bit") {
  medner_test::TempDir dir;
  const std::string text = periodic_text(60);
  CharLmTrainOptions o = tiny_options();
  o.epochs = 2;
  const std::vector<real> straight = values(*train_char_lm(text, "t.txt", o));
  o.threads = 2;
  CHECK(values(*train_char_lm(text, "t.txt", o)) == straight);
  o.threads = 1;
  // Stopped after step 20 of the first epoch (its last checkpoint: step 10), then resumed.
  o.checkpoint = dir.file("lm.ckpt");
  o.checkpoint_steps = 10;
  struct Stop {};
  CHECK_THROWS_AS(train_char_lm(text, "t.txt", o, [](const CharLmProgress& p) {
    if (!p.epoch_end && p.step == 20) throw Stop{};
  }), Stop);
  o.resume = true;
  CHECK(values(*train_char_lm(text, "t.txt", o)) == straight);
  // Stopped at the end of epoch 1, resumed for the second.
  std::remove(o.checkpoint.c_str());
  o.resume = false;
  o.epochs = 1;
  train_char_lm(text, "t.txt", o);
  o.resume = true;
  o.epochs = 2;
  CHECK(values(*train_char_lm(text, "t.txt", o)) == straight);
  // A checkpoint of other options or another text is refused.
  o.lr = 0.02;
  CHECK_THROWS_WITH_AS(train_char_lm(text, "t.txt", o), doctest::Contains("the checkpoint was written with lr = 0.01, this run has 0.02"),
                       InputError);
  o.lr = 0.01;
  CHECK_THROWS_WITH_AS(train_char_lm(text + "a b\n", "t.txt", o), doctest::Contains("text-bytes"), InputError);
}

TEST_CASE("char_lm text: characters by count, held-out lines from the end, and the errors of bad text") {
  CharLmTrainOptions o = tiny_options();
  o.min_char_count = 2;
  o.streams = 1;
  o.bptt = 3;
  o.heldout = 0.34;
  const CharLmText t = read_char_lm_text("bb a\n\nbb  b a\nc\n", "x.txt", o);
  CHECK(t.chars == std::vector<std::string>{kCharLmUnkName, "\n", " ", "b", "a"});  // 'c' is held out; 'a' twice
  CHECK(t.train_lines == 2);
  CHECK(t.heldout_lines == 1);
  CHECK(t.train == std::vector<int>{1, 3, 3, 2, 4, 1, 3, 3, 2, 3, 2, 4, 1});
  CHECK(t.heldout == std::vector<int>{1, 0, 1});
  CHECK_THROWS_WITH_AS(read_char_lm_text("", "e.txt", o), "e.txt:1: no words (the file is empty); expected one tokenized sentence a line", InputError);
  CHECK_THROWS_WITH_AS(read_char_lm_text(std::string("ab\nc\0d\n", 7), "b.txt", o), doctest::Contains("b.txt:2: NUL byte"), InputError);
  CHECK_THROWS_WITH_AS(read_char_lm_text("ab\n\xff\n", "u.txt", o), doctest::Contains("u.txt:2: invalid UTF-8"), InputError);
  o.streams = 8;
  CHECK_THROWS_WITH_AS(read_char_lm_text("ab ab\nab\nab\n", "s.txt", o),
                       "s.txt: the training text has 10 characters, but --streams 8 x --bptt 3 needs at least 25 "
                       "(fewer streams or a shorter --bptt)",
                       InputError);
  o.heldout = 0.5;
  CHECK_THROWS_WITH_AS(read_char_lm_text("ab\n", "h.txt", o), doctest::Contains("leaves none to train on"), InputError);
}
