#include "pretrain/char_lm_training.h"

#include "core/error.h"
#include "core/fault_point.h"
#include "data/utf8.h"
#include "io/atomic_file.h"
#include "io/checksum.h"
#include "io/model_file.h"
#include "optim/grad_clip.h"
#include "optim/optimizer.h"
#include "pretrain/run_identity.h"
#include "pretrain/text_corpus.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>

namespace medner {

namespace {

const char* const kCheckpointKind = "charlm-checkpoint";

// The settings a resumed run must share with the one that wrote the checkpoint (all but the
// epoch count, which may grow), and the text by its size and CRC-32.
std::vector<std::pair<std::string, std::string>> run_identity(const std::string& text, const CharLmTrainOptions& o) {
  return {{"char-dim", std::to_string(o.net.char_dim)},
          {"hidden", std::to_string(o.net.hidden)},
          {"streams", std::to_string(o.streams)},
          {"bptt", std::to_string(o.bptt)},
          {"lr", fmt::format("{}", o.lr)},
          {"clip", fmt::format("{}", o.clip)},
          {"heldout", fmt::format("{}", o.heldout)},
          {"min-char-count", std::to_string(o.min_char_count)},
          {"max-chars", std::to_string(o.max_chars)},
          {"threads", std::to_string(o.threads)},
          {"seed", std::to_string(o.seed)},
          {"text-bytes", std::to_string(text.size())},
          {"text-crc32", std::to_string(crc32(text))}};
}

uint64_t double_bits(double x) {
  uint64_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

double bits_double(uint64_t u) {
  double x = 0;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// One work item of a step: a direction and a group of its streams, with its own tape, gradients
// and carried state.
struct Item {
  int dir = 0;
  Index first = 0, count = 0;  // streams [first, first + count)
  Tape tape;
  GradBuffer grads;
  LstmCarry carry;
  std::vector<int> inputs, targets;
  double loss = 0;
  Item() : tape(&grads) {}
};

// Where a run stands, as a checkpoint stores it.
struct Position {
  int epoch = 0;         // 0-based epoch in progress
  int64_t step = 0;      // steps done in it
  double loss = 0;       // nats summed over the epoch's characters so far
  double chars = 0;
};

void save_checkpoint(const std::string& path, const std::vector<std::pair<std::string, std::string>>& identity,
                     const CharLm& lm, Optimizer& opt, const Position& at, const std::vector<std::unique_ptr<Item>>& items) {
  ModelFile mf;
  mf.kind = kCheckpointKind;
  mf.config = identity;
  put_blob(mf, "charlm", char_lm_bytes(lm));
  for (const auto& [name, buffer] : opt.state_buffers()) put_blob_reals(mf, "optimizer/" + name, *buffer);
  put_blob_u64s(mf, "progress", {static_cast<uint64_t>(opt.steps()), static_cast<uint64_t>(at.epoch),
                                 static_cast<uint64_t>(at.step), double_bits(at.loss), double_bits(at.chars)});
  for (std::size_t i = 0; i < items.size(); ++i) {
    const LstmCarry& c = items[i]->carry;
    put_blob_reals(mf, fmt::format("carry/{}/h", i), c.h.data(), static_cast<std::size_t>(c.h.size()));
    put_blob_reals(mf, fmt::format("carry/{}/c", i), c.c.data(), static_cast<std::size_t>(c.c.size()));
  }
  save_model_file(path, mf);
}

// Restores a checkpoint into a fresh model, optimizer, position and carries.
std::unique_ptr<CharLm> load_checkpoint(const std::string& path,
                                        const std::vector<std::pair<std::string, std::string>>& identity,
                                        std::unique_ptr<Optimizer>& opt, Position& at,
                                        std::vector<std::unique_ptr<Item>>& items) {
  const ModelFile mf = load_model_file(path);
  model_require_kind(mf, kCheckpointKind, path);
  require_run_identity(mf, identity, path);
  std::unique_ptr<CharLm> lm = char_lm_from_bytes(get_blob(mf, "charlm", path), path + " (its model)");
  opt = make_optimizer("adam", lm->params(), 0);
  for (const auto& [name, buffer] : opt->state_buffers())
    get_blob_reals(mf, "optimizer/" + name, path, buffer->data(), buffer->size());
  const std::vector<uint64_t> p = get_blob_u64s(mf, "progress", path);
  if (p.size() != 5) throw InputError(fmt::format("{}: blob 'progress' holds {} values, expected 5", path, p.size()));
  opt->set_steps(static_cast<int64_t>(p[0]));
  at.epoch = static_cast<int>(p[1]);
  at.step = static_cast<int64_t>(p[2]);
  at.loss = bits_double(p[3]);
  at.chars = bits_double(p[4]);
  const Index H = lm->config().hidden;
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& it = *items[i];
    const std::vector<real> h = get_blob_reals(mf, fmt::format("carry/{}/h", i), path);
    const std::vector<real> c = get_blob_reals(mf, fmt::format("carry/{}/c", i), path);
    const auto n = static_cast<std::size_t>(H * it.count);
    if (h.empty() && c.empty()) continue;
    if (h.size() != n || c.size() != n)
      throw InputError(fmt::format("{}: carried state {} holds {} values, expected {}", path, i, h.size(), n));
    it.carry.h = ConstMatrixMap(h.data(), H, it.count);
    it.carry.c = ConstMatrixMap(c.data(), H, it.count);
  }
  return lm;
}

// Input and target ids of piece [start, start + T) of the streams [first, first + count) of
// `data` cut into parts of length L: time-major, T x count.
void fill_piece(const std::vector<int>& data, Index L, Index first, Index count, Index start, Index T,
                std::vector<int>& inputs, std::vector<int>& targets) {
  inputs.resize(static_cast<std::size_t>(T * count));
  targets.resize(inputs.size());
  for (Index t = 0; t < T; ++t)
    for (Index b = 0; b < count; ++b) {
      const auto pos = static_cast<std::size_t>((first + b) * L + start + t);
      inputs[static_cast<std::size_t>(t * count + b)] = data[pos];
      targets[static_cast<std::size_t>(t * count + b)] = data[pos + 1];
    }
}

}  // namespace

CharLmText read_char_lm_text(const std::string& text, const std::string& name, const CharLmTrainOptions& o) {
  std::vector<std::string_view> lines;  // those with words
  for_each_text_line(text, name, [&](std::string_view line) {
    bool any = false;
    for_each_text_token(line, [&](std::string_view) { any = true; });
    if (any) lines.push_back(line);
  });
  if (lines.empty())
    throw InputError(fmt::format("{}:1: no words ({}); expected one tokenized sentence a line", name,
                                 text.empty() ? "the file is empty" : "only blank lines"));
  CharLmText t;
  t.heldout_lines = o.heldout > 0 ? std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(
                                                                 o.heldout * static_cast<double>(lines.size()))))
                                  : 0;
  if (t.heldout_lines >= lines.size())
    throw InputError(fmt::format("{}: {} lines of text; holding out {} (--heldout {}) leaves none to train on", name,
                                 lines.size(), t.heldout_lines, o.heldout));
  t.train_lines = lines.size() - t.heldout_lines;
  // The characters: those of the training lines seen at least min_char_count times, most frequent
  // first (ties by code point), at most max_chars of them.
  std::map<char32_t, int64_t> counts;
  for (std::size_t i = 0; i < t.train_lines; ++i)
    for_each_text_token(lines[i], [&](std::string_view w) {
      std::size_t k = 0;
      char32_t cp = 0;
      while (k < w.size()) {
        utf8_next(w, k, cp);
        ++counts[cp];
      }
    });
  std::vector<std::pair<char32_t, int64_t>> kept;
  for (const auto& [cp, n] : counts)
    if (n >= o.min_char_count && cp != U'\n' && cp != U' ') kept.emplace_back(cp, n);
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (kept.size() > static_cast<std::size_t>(o.max_chars)) kept.resize(static_cast<std::size_t>(o.max_chars));
  t.chars = {kCharLmUnkName, "\n", " "};
  std::unordered_map<char32_t, int> index;
  for (const auto& [cp, n] : kept) {
    index.emplace(cp, static_cast<int>(t.chars.size()));
    t.chars.push_back(utf8_encode(std::u32string(1, cp)));
  }
  if (t.chars.size() == 3)
    throw InputError(fmt::format("{}: no character occurs {} times in the training text (--min-char-count)", name,
                                 o.min_char_count));
  // Each sentence is "\n" + its tokens joined by single spaces; a final "\n" ends the stream.
  auto encode = [&](std::size_t from, std::size_t to, std::vector<int>& out) {
    for (std::size_t i = from; i < to; ++i) {
      out.push_back(kCharLmBoundary);
      bool first = true;
      for_each_text_token(lines[i], [&](std::string_view w) {
        if (!first) out.push_back(kCharLmSpace);
        first = false;
        std::size_t k = 0;
        char32_t cp = 0;
        while (k < w.size()) {
          utf8_next(w, k, cp);
          const auto it = index.find(cp);
          out.push_back(it == index.end() ? kCharLmUnk : it->second);
        }
      });
    }
    out.push_back(kCharLmBoundary);
  };
  encode(0, t.train_lines, t.train);
  if (t.heldout_lines > 0) encode(t.train_lines, lines.size(), t.heldout);
  const auto need = static_cast<std::size_t>(o.streams) * static_cast<std::size_t>(o.bptt) + 1;
  if (t.train.size() < need)
    throw InputError(fmt::format("{}: the training text has {} characters, but --streams {} x --bptt {} needs at least "
                                 "{} (fewer streams or a shorter --bptt)",
                                 name, t.train.size(), o.streams, o.bptt, need));
  return t;
}

double char_lm_bits_per_char(const CharLm& lm, int dir, const std::vector<int>& stream, int streams, int bptt) {
  std::vector<int> data = stream;
  if (dir == 1) std::reverse(data.begin(), data.end());
  const auto N = static_cast<Index>(data.size());
  if (N < 2) return 0;
  const Index S = std::clamp<Index>((N - 1) / bptt, 1, streams), L = (N - 1) / S;
  Tape tape;
  LstmCarry carry;
  std::vector<int> inputs, targets;
  double loss = 0, chars = 0;
  for (Index start = 0; start < L; start += bptt) {
    const Index T = std::min<Index>(bptt, L - start);
    fill_piece(data, L, 0, S, start, T, inputs, targets);
    tape.clear();
    loss += static_cast<double>(tape.scalar(lm.loss(tape, dir, inputs.data(), targets.data(), T, S, &carry)));
    chars += static_cast<double>(T * S);
  }
  return loss / chars / std::log(2.0);
}

std::unique_ptr<CharLm> train_char_lm(const std::string& text, const std::string& name, const CharLmTrainOptions& o,
                                      const std::function<void(const CharLmProgress&)>& report) {
  MEDNER_CHECK(o.streams > 0 && o.bptt > 0 && o.epochs > 0 && o.threads > 0 && o.checkpoint_steps > 0,
               "char LM training options out of range");
  const CharLmText t = read_char_lm_text(text, name, o);
  std::vector<int> data[2] = {t.train, t.train};
  std::reverse(data[1].begin(), data[1].end());
  const auto S = static_cast<Index>(o.streams), T = static_cast<Index>(o.bptt);
  const Index L = (static_cast<Index>(t.train.size()) - 1) / S;  // characters per stream
  const int64_t steps = L / T;
  // Work items: both directions times `groups` contiguous groups of streams.
  const Index groups = std::min<Index>(S, std::max(1, (o.threads + 1) / 2));
  std::vector<std::unique_ptr<Item>> items;
  for (int dir = 0; dir < 2; ++dir)
    for (Index g = 0; g < groups; ++g) {
      auto it = std::make_unique<Item>();
      it->dir = dir;
      it->first = S * g / groups;
      it->count = S * (g + 1) / groups - it->first;
      items.push_back(std::move(it));
    }

  const auto identity = run_identity(text, o);
  std::unique_ptr<CharLm> lm;
  std::unique_ptr<Optimizer> opt;
  Position at;
  if (o.resume && !o.checkpoint.empty() && std::ifstream(o.checkpoint).good()) {
    lm = load_checkpoint(o.checkpoint, identity, opt, at, items);
    if (lm->chars() != t.chars)
      throw InputError(fmt::format("{}: the checkpoint's characters differ from the text's", o.checkpoint));
  } else {
    Rng init(o.seed);
    lm = std::make_unique<CharLm>(o.net, t.chars, init);
    opt = make_optimizer("adam", lm->params(), 0);
  }
  ParamStore& store = lm->params();
  for (auto& it : items) it->grads.reset(store);
  GradBuffer total(store);
  const auto started = std::chrono::steady_clock::now();
  double chars_this_process = 0;
  auto progress = [&](bool epoch_end) {
    CharLmProgress p;
    p.epoch = at.epoch + 1;
    p.step = at.step;
    p.steps = steps;
    p.bpc = at.chars > 0 ? at.loss / at.chars / std::log(2.0) : 0;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    p.chars_per_second = s > 0 ? chars_this_process / s : 0;
    p.epoch_end = epoch_end;
    if (epoch_end && !t.heldout.empty())
      for (int dir = 0; dir < 2; ++dir) p.heldout_bpc[dir] = char_lm_bits_per_char(*lm, dir, t.heldout, o.streams, o.bptt);
    return p;
  };

  const auto n_items = static_cast<long>(items.size());
  for (; at.epoch < o.epochs; ++at.epoch) {
    for (; at.step < steps; ++at.step) {
      std::exception_ptr error;
#pragma omp parallel for num_threads(o.threads) schedule(static)
      for (long i = 0; i < n_items; ++i) {
        try {
          Item& it = *items[static_cast<std::size_t>(i)];
          it.grads.zero();
          it.tape.clear();
          fill_piece(data[it.dir], L, it.first, it.count, at.step * T, T, it.inputs, it.targets);
          const NodeId loss = lm->loss(it.tape, it.dir, it.inputs.data(), it.targets.data(), T, it.count, &it.carry);
          it.loss = static_cast<double>(it.tape.scalar(loss));
          it.tape.backward(loss);
        } catch (...) {
#pragma omp critical(charlm_step_error)
          if (!error) error = std::current_exception();
        }
      }
      if (error) std::rethrow_exception(error);
      // The mean per character of each direction: scale the summed gradients by 1 / (T S).
      total.zero();
      double loss = 0;
      for (const auto& it : items) {
        total.add(it->grads);
        loss += it->loss;
      }
      if (!std::isfinite(loss))
        throw NumericError(fmt::format("char LM: loss {} at epoch {} step {}; try a smaller --lr", loss, at.epoch + 1,
                                       at.step + 1));
      scale_grads(store, total, total.whole(), static_cast<real>(1.0 / static_cast<double>(T * S)));
      if (o.clip > 0) clip_grad_norm(store, total, static_cast<real>(o.clip));
      opt->step(store, total, static_cast<real>(o.lr));
      fault_point("step");
      at.loss += loss;
      at.chars += static_cast<double>(2 * T * S);
      chars_this_process += static_cast<double>(2 * T * S);
      if (report && (at.step + 1) % 10 == 0) {
        ++at.step;
        report(progress(false));
        --at.step;
      }
      if (!o.checkpoint.empty() && (at.step + 1) % o.checkpoint_steps == 0 && at.step + 1 < steps) {
        ++at.step;
        save_checkpoint(o.checkpoint, identity, *lm, *opt, at, items);
        --at.step;
      }
    }
    if (report) report(progress(true));
    // The next epoch reads the streams from their starts again, from zero states.
    at.step = 0;
    at.loss = 0;
    at.chars = 0;
    for (auto& it : items) it->carry = LstmCarry();
    if (!o.checkpoint.empty()) {
      ++at.epoch;
      save_checkpoint(o.checkpoint, identity, *lm, *opt, at, items);
      --at.epoch;
    }
  }
  return lm;
}

}  // namespace medner
