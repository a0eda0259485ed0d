// medner-pretrain vectors: skip-gram word and subword vectors from unlabelled text
// (pretrain/skipgram.h), written as PREFIX.vec (word2vec text, for medner-train --embeddings) and
// PREFIX.bin (the vocabulary with the n-gram rows, which give any word a vector); or, with
// --neighbours, the nearest words of each query in a PREFIX.bin.
// medner-pretrain charlm: a character language model in both directions (pretrain/char_lm.h),
// for medner-train --charlm, with a checkpoint to resume from. Exit codes: apps/common/app.h.
#include "common/app.h"
#include "core/error.h"
#include "data/conll.h"
#include "io/file_identity.h"
#include "io/atomic_file.h"
#include "io/progress_bar.h"
#include "pretrain/char_lm_training.h"
#include "pretrain/skipgram.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

namespace {

using medner::OptionKind;

struct PretrainArgs {
  std::string input, output, vectors, neighbours;
  int min_count = 5, k = 10;
  medner::SkipgramOptions sg;
};

const medner::OptionTable<PretrainArgs>& pretrain_options() {
  using A = PretrainArgs;
  using medner::SkipgramOptions;
  auto sg = [](auto member) { return [member](A& a) -> auto& { return a.sg.*member; }; };
  auto sub = [](auto member) { return [member](A& a) -> auto& { return a.sg.subwords.*member; }; };
  static const medner::OptionTable<A> table = {
      medner::text_option<A>("input", OptionKind::Path, &A::input, "", "text: one tokenized sentence a line"),
      medner::text_option<A>("output", OptionKind::Path, &A::output, "", "writes OUTPUT.vec and OUTPUT.bin"),
      medner::int_option<A>("dim", sg(&SkipgramOptions::dim), 100, 1, "vector dimension", 10000),
      medner::int_option<A>("window", sg(&SkipgramOptions::window), 5, 1, "largest context distance", 1000),
      medner::int_option<A>("negatives", sg(&SkipgramOptions::negatives), 5, 0, "negative samples per pair", 1000),
      medner::int_option<A>("epochs", sg(&SkipgramOptions::epochs), 5, 1, "passes over the text", 1000),
      medner::real_option<A>("lr", sg(&SkipgramOptions::lr), "0.05", 0, 10, true, "initial learning rate"),
      medner::real_option<A>("sample", sg(&SkipgramOptions::sample), "1e-4", 0, 1, false,
                             "subsampling threshold of frequent words (0: off)"),
      medner::int_option<A>("min-count", &A::min_count, 5, 1, "words rarer than this get no row of their own"),
      medner::int_option<A>("minn", sub(&medner::SubwordOptions::minn), 3, 1, "shortest character n-gram", 100),
      medner::int_option<A>("maxn", sub(&medner::SubwordOptions::maxn), 6, 0, "longest character n-gram (0: none)", 100),
      medner::int_option<A>("buckets", sub(&medner::SubwordOptions::buckets), 200000, 1, "hash rows of the n-grams",
                            100000000),
      medner::int_option<A>("threads", sg(&SkipgramOptions::threads), 1, 1, "threads", medner::kMaxThreads),
      medner::int_option<A>("seed", sg(&SkipgramOptions::seed), 1, 0, "random seed"),
      medner::bool_option<A>("resume", sg(&SkipgramOptions::resume), false,
                             "continue from OUTPUT.ckpt (written at each epoch's end) if it exists"),
      medner::text_option<A>("vectors", OptionKind::Path, &A::vectors, "",
                             "with --neighbours: a PREFIX.bin written by medner-pretrain vectors"),
      medner::text_option<A>("neighbours", OptionKind::String, &A::neighbours, "",
                             "print the nearest words of each of these comma-separated words and exit"),
      medner::int_option<A>("top", &A::k, 10, 1, "with --neighbours: how many", 10000),
  };
  return table;
}

int neighbours(const PretrainArgs& a) {
  const medner::SubwordVectors v = medner::read_subword_vectors(a.vectors);
  for (const std::string& w : medner::split_file_list(a.neighbours)) {
    std::cout << w << (v.find(w) < 0 ? " (not in the vocabulary: from its n-grams)" : "") << "\n";
    for (const auto& [n, cos] : v.neighbours(w, a.k)) std::cout << fmt::format("  {:.4f} {}\n", cos, n);
  }
  return medner::kExitOk;
}

int train(const PretrainArgs& a) {
  using namespace medner;
  if (a.input.empty() || a.output.empty()) throw UsageError("--input and --output are required");
  if (a.sg.subwords.maxn > 0 && a.sg.subwords.minn > a.sg.subwords.maxn)
    throw UsageError("--minn must not exceed --maxn");
  SkipgramOptions o = a.sg;
  o.checkpoint = a.output + ".ckpt";
  require_distinct_files({{"--input", a.input}}, {{"--output (.vec)", a.output + ".vec"},
                                                  {"--output (.bin)", a.output + ".bin"},
                                                  {"--output (.ckpt)", o.checkpoint}});
  const auto start = std::chrono::steady_clock::now();
  const TextCorpus corpus = read_text_corpus(a.input, a.min_count);
  std::cerr << fmt::format("{}: {} sentences, {} tokens, {} words with at least {} occurrences\n", a.input,
                           corpus.sentences(), corpus.total_tokens, corpus.words.size(), a.min_count);
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const double read_s = seconds();
  ProgressBar bar(std::cerr, progress_wanted(ProgressMode::Auto, false), std::chrono::milliseconds(500));
  const SubwordVectors v = train_skipgram(corpus, o, [&](const SkipgramProgress& p) {
    const double words_per_s = static_cast<double>(p.done - p.resumed_at) / std::max(seconds() - read_s, 1e-9);
    if (!p.epoch_end) {
      const double part = static_cast<double>(p.done) / static_cast<double>(std::max<int64_t>(p.total, 1));
      if (bar.due())
        bar.draw(fmt::format("epoch {} {} {:.1f}%  loss {:.4f}  {:.0f} words/s", p.epoch, progress_gauge(part, 20),
                             100 * part, p.loss, words_per_s));
      return;
    }
    bar.clear();
    std::cerr << fmt::format("epoch {} of {}: loss {:.4f}, {:.0f} words/s ({} threads)\n", p.epoch, a.sg.epochs,
                             p.loss, words_per_s, a.sg.threads);
  });
  write_word2vec_text(v, a.output + ".vec");
  write_subword_vectors(v, a.output + ".bin");
  // The outputs hold everything the checkpoint did, and a finished run cannot be extended (the
  // learning rate has fallen to 0), so the checkpoint goes.
  std::filesystem::remove(o.checkpoint);
  std::cerr << fmt::format("wrote {0}.vec and {0}.bin in {1:.1f} s\n", a.output, seconds());
  return kExitOk;
}

struct CharLmArgs {
  std::string input, output;
  medner::CharLmTrainOptions lm;
};

const medner::OptionTable<CharLmArgs>& charlm_options() {
  using A = CharLmArgs;
  using medner::CharLmTrainOptions;
  auto lm = [](auto member) { return [member](A& a) -> auto& { return a.lm.*member; }; };
  auto net = [](auto member) { return [member](A& a) -> auto& { return a.lm.net.*member; }; };
  static const medner::OptionTable<A> table = {
      medner::text_option<A>("input", OptionKind::Path, &A::input, "", "text: one tokenized sentence a line"),
      medner::text_option<A>("output", OptionKind::Path, &A::output, "",
                             "the model file to write (OUTPUT.ckpt holds the checkpoint while it trains)"),
      medner::int_option<A>("hidden", net(&medner::CharLmConfig::hidden), 256, 1, "LSTM size per direction", 8192),
      medner::int_option<A>("char-dim", net(&medner::CharLmConfig::char_dim), 32, 1, "character embedding size", 4096),
      medner::int_option<A>("streams", lm(&CharLmTrainOptions::streams), 32, 1,
                            "parts of the text read side by side (the batch)", 65536),
      medner::int_option<A>("bptt", lm(&CharLmTrainOptions::bptt), 250, 1,
                            "characters per step: backpropagation is truncated after them", 100000),
      medner::int_option<A>("epochs", lm(&CharLmTrainOptions::epochs), 1, 1, "passes over the text", 1000),
      medner::real_option<A>("lr", lm(&CharLmTrainOptions::lr), "0.002", 0, 10, true, "Adam's learning rate"),
      medner::real_option<A>("clip", lm(&CharLmTrainOptions::clip), "1", 0, 1e6, false,
                             "largest gradient norm (0: no clipping)"),
      medner::real_option<A>("heldout", lm(&CharLmTrainOptions::heldout), "0.005", 0, 0.5, false,
                             "share of the lines, from the end, held out for bits per character (0: none)"),
      medner::int_option<A>("min-char-count", lm(&CharLmTrainOptions::min_char_count), 10, 1,
                            "rarer characters read as <unk>"),
      medner::int_option<A>("max-chars", lm(&CharLmTrainOptions::max_chars), 300, 1,
                            "most characters the model knows (the most frequent)", 100000),
      medner::int_option<A>("threads", lm(&CharLmTrainOptions::threads), 1, 1, "threads", medner::kMaxThreads),
      medner::int_option<A>("seed", lm(&CharLmTrainOptions::seed), 1, 0, "random seed"),
      medner::int_option<A>("checkpoint-steps", lm(&CharLmTrainOptions::checkpoint_steps), 500, 1,
                            "steps between checkpoints (also one at each epoch's end)"),
      medner::bool_option<A>("resume", lm(&CharLmTrainOptions::resume), false,
                             "continue from OUTPUT.ckpt if it exists"),
  };
  return table;
}

int train_charlm(const CharLmArgs& a) {
  using namespace medner;
  if (a.input.empty() || a.output.empty()) throw UsageError("--input and --output are required");
  require_distinct_files({{"--input", a.input}}, {{"--output", a.output}, {"--output (.ckpt)", a.output + ".ckpt"}});
  CharLmTrainOptions o = a.lm;
  o.checkpoint = a.output + ".ckpt";
  const std::string text = read_file(a.input);
  ProgressBar bar(std::cerr, progress_wanted(ProgressMode::Auto, false), std::chrono::milliseconds(500));
  const std::unique_ptr<CharLm> lm = train_char_lm(text, a.input, o, [&](const CharLmProgress& p) {
    const double done = static_cast<double>(p.step) / static_cast<double>(std::max<int64_t>(p.steps, 1));
    if (!p.epoch_end) {
      if (bar.due())
        bar.draw(fmt::format("epoch {} {} {:.1f}%  {:.3f} bits/char  {:.0f} chars/s", p.epoch, progress_gauge(done, 20),
                             100 * done, p.bpc, p.chars_per_second));
      return;
    }
    bar.clear();
    std::cerr << fmt::format("epoch {}: training {:.4f} bits/char, held out {:.4f} forward, {:.4f} backward; {:.0f} "
                             "chars/s ({} threads)\n",
                             p.epoch, p.bpc, p.heldout_bpc[0], p.heldout_bpc[1], p.chars_per_second, o.threads);
  });
  save_char_lm(*lm, a.output);
  std::cerr << fmt::format("wrote {} ({} characters, hidden {}, {:.1f} s)\n", a.output, lm->chars().size(),
                           lm->config().hidden, bar.seconds());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  return run_app("medner-pretrain", "try fewer --buckets or a smaller --dim", [&] {
    // The command picks the option table, so that each command's --help lists its own options.
    const std::string command = argc > 1 && argv[1][0] != '-' ? argv[1] : "";
    const bool charlm = command == "charlm";
    cxxopts::Options o("medner-pretrain", "Pretrain word vectors or a character language model on unlabelled text.\n"
                                          "  medner-pretrain vectors --input TEXT --output PREFIX [options]\n"
                                          "  medner-pretrain vectors --vectors PREFIX.bin --neighbours WORD[,WORD]\n"
                                          "  medner-pretrain charlm --input TEXT --output FILE [options]");
    o.add_options()("h,help", "print this help")("command", "vectors or charlm", cxxopts::value<std::string>());
    add_version_option(o);
    o.parse_positional({"command"});
    const std::vector<OptionInfo> infos = charlm ? option_infos(charlm_options()) : option_infos(pretrain_options());
    add_table_options(o, infos);
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (print_version(r)) return kExitOk;
    if (r.count("help") != 0) {
      std::cout << o.help();
      return kExitOk;
    }
    if (r.count("command") == 0 || (r["command"].as<std::string>() != "vectors" && !charlm))
      throw UsageError("expected the command 'vectors' or 'charlm'");
    if (charlm) {
      CharLmArgs c;
      try {
        c = parse_options(charlm_options(), given_options(r, infos));
      } catch (const InputError& e) {
        throw UsageError(e.what());
      }
      return train_charlm(c);
    }
    PretrainArgs a;
    try {
      a = parse_options(pretrain_options(), given_options(r, infos));
    } catch (const InputError& e) {
      throw UsageError(e.what());
    }
    if (!a.neighbours.empty()) {
      if (a.vectors.empty()) throw UsageError("--neighbours needs --vectors PREFIX.bin");
      return neighbours(a);
    }
    return train(a);
  });
}
