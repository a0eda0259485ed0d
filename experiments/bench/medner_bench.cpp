// medner_bench: how fast medner trains and tags, against this machine's GEMM limit, in one run.
// Measures Eigen's fp32 GEMM GFLOP/s on the network's own shapes (the ceiling, 1 thread and all
// threads), training tokens/s of the config on a corpus (the library's train_model, one epoch,
// 1 thread and all threads), batched tagging tokens/s (Predictor, 1 and all threads), the latency
// of tagging one 25-token sentence, and the peak resident memory of training and of tagging.
// FLOPs per token come from the analytic model in bench_model.h, giving achieved GFLOP/s and the
// fraction of the ceiling. Prints a Markdown table, and JSON with --json.
//
// Every measurement runs in a forked child process: its peak RSS (ru_maxrss from wait4) is its
// own, and the parent never starts OpenMP (a forked libgomp thread pool is not usable). The
// parent only parses options, forks, and prints. Not here: accuracy (medner-train --test does it).
#include "bench_child.h"
#include "bench_model.h"

#include "data/conll.h"
#include "data/json_text.h"
#include "ops/packed_gemm.h"
#include "model/batch_plan.h"
#include "model/dataset.h"
#include "model/predictor.h"
#include "model/trained_model.h"
#include "train/trainer.h"

#include <cxxopts.hpp>
#include <fmt/format.h>
#include <omp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace medner;
using namespace medner_bench;

double load_average() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : -1;
}

// ---- options

struct Options {
  std::string config, train, dev, test, json, workdir;
  std::vector<std::string> sets;  // key=value config overrides
  int threads = 0;                // "all cores"
  int train_sentences = 0, dev_sentences = 100, tag_sentences = 0;
  int repeat = 2, latency_runs = 1000, latency_tokens = 25;
  double gemm_seconds = 0.3;
};

ConfigMap bench_config(const Options& o, const std::string& train, const std::string& dev,
                       const std::string& model, int threads) {
  ConfigMap file = read_config_file(o.config), sets;
  for (const std::string& kv : o.sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("--set: expected key=value, got '" + kv + "'");
    sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  ConfigMap run = {{"train", train},   {"dev", dev},         {"model", model},
                   {"max-epochs", "1"}, {"patience", "1"},   {"threads", std::to_string(threads)}};
  return merge_config({file, sets, run});
}

// The first n sentences of a corpus (all for n <= 0), written to path.
int write_slice(const std::string& from, const std::string& path, int n) {
  Corpus c = read_conll(from);
  if (n > 0 && static_cast<std::size_t>(n) < c.sentences.size()) c.sentences.resize(static_cast<std::size_t>(n));
  std::ofstream out(path);
  write_conll(out, c);
  if (!out) throw std::runtime_error(path + ": cannot write");
  return static_cast<int>(c.sentences.size());
}

// ---- corpus statistics for the FLOP model

BatchStats batch_stats(const Dataset& d, const BatchPlan& plan) {
  BatchStats s;
  double chars = 0, forms = 0, tokens = 0;
  std::set<int> seen;
  for (int k = 0; k < plan.batches(); ++k) {
    seen.clear();
    for (int i = plan.starts[static_cast<std::size_t>(k)]; i < plan.starts[static_cast<std::size_t>(k) + 1]; ++i) {
      const EncodedSentence& e = d.sentences[static_cast<std::size_t>(plan.order[static_cast<std::size_t>(i)])];
      tokens += e.size();
      for (int f : e.forms)
        if (seen.insert(f).second) {
          forms += 1;
          chars += d.forms.offsets[static_cast<std::size_t>(f) + 1] - d.forms.offsets[static_cast<std::size_t>(f)];
        }
    }
  }
  const double batches = std::max(1, plan.batches());
  s.sentences_per_batch = static_cast<double>(plan.order.size()) / batches;
  s.tokens_per_batch = tokens / batches;
  s.tokens_per_sentence = tokens / std::max<double>(1, static_cast<double>(plan.order.size()));
  s.forms_per_token = forms / std::max(1.0, tokens);
  s.chars_per_token = chars / std::max(1.0, tokens);
  return s;
}

Results prepare(const Options& o, const std::string& train_slice, const std::string& dev_slice,
                const std::string& test_slice) {
  Results r;
  r["train_sentences"] = write_slice(o.train, train_slice, o.train_sentences);
  r["dev_sentences"] = write_slice(o.dev, dev_slice, o.dev_sentences);
  r["tag_sentences"] = write_slice(o.test, test_slice, o.tag_sentences);
  const ConfigMap m = bench_config(o, train_slice, dev_slice, "unused", 1);
  const TrainConfig cfg = TrainConfig::from_map(m);
  Corpus train = read_conll(train_slice), test = read_conll(test_slice);
  Vocabularies v = build_vocabularies(train, {}, nullptr, cfg.net.word_options(), cfg.net.tag_scheme);
  Dataset dt = encode_corpus(train, v, false), dg = encode_corpus(test, v, false);
  const BatchStats st = batch_stats(dt, plan_epoch(dt.sentences, cfg.batch_size, cfg.seed, 0));
  const BatchStats sg = batch_stats(dg, plan_by_length(dg.sentences, kPredictBatchTokens, kPredictBatchSentences));
  r["labels"] = v.tags.size();
  r["char_vocab"] = v.chars.size();
  r["train_tokens"] = static_cast<double>(dt.tokens);
  r["tag_tokens"] = static_cast<double>(dg.tokens);
  for (const auto& [p, s] : {std::pair<std::string, BatchStats>{"train_", st}, {"tag_", sg}}) {
    r[p + "sentences_per_batch"] = s.sentences_per_batch;
    r[p + "tokens_per_batch"] = s.tokens_per_batch;
    r[p + "tokens_per_sentence"] = s.tokens_per_sentence;
    r[p + "forms_per_token"] = s.forms_per_token;
    r[p + "chars_per_token"] = s.chars_per_token;
  }
  return r;
}

BatchStats stats_from(const Results& r, const std::string& p) {
  BatchStats s;
  s.sentences_per_batch = r.at(p + "sentences_per_batch");
  s.tokens_per_batch = r.at(p + "tokens_per_batch");
  s.tokens_per_sentence = r.at(p + "tokens_per_sentence");
  s.forms_per_token = r.at(p + "forms_per_token");
  s.chars_per_token = r.at(p + "chars_per_token");
  return s;
}

// ---- GEMM ceiling


real* aligned64(real* p) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  return p + ((64 - a % 64) % 64) / sizeof(real);
}

// GFLOP/s of shape g, each of `threads` threads running its own copy (aggregate over threads),
// best of 3 trials of at least min_seconds. With one thread the time is the process's CPU time,
// so another program sharing the core does not lower the ceiling; with more, it is wall time.
double gemm_gflops(const GemmShape& g, int threads, double min_seconds) {
  double best = 0;
  for (int trial = 0; trial < 3; ++trial) {
    long iters = 1;
    double elapsed = 0;
    for (;;) {
#pragma omp parallel num_threads(threads)
      {
        const bool trans_a = g.op.rfind("tn", 0) == 0, packed = g.op.find("packed") != std::string::npos;
        const Index ar = trans_a ? g.K : g.M, ac = trans_a ? g.M : g.K;
        const Index br = g.op == "nt" ? g.N : g.K, bc = g.op == "nt" ? g.K : g.N;
        Matrix A = Matrix::Random(ar, ac), B = Matrix::Random(br, bc), C = Matrix::Zero(g.M, g.N);
        PackedGemm pg;
        Matrix packed_a, scratch;
        if (packed) {  // packed once, outside the timing, as the LSTM does per batch
          pg.plan(g.M, g.K, g.N);
          packed_a.resize(static_cast<Index>(pg.storage_size()) + 16, 1);
          scratch.resize(static_cast<Index>(pg.scratch_size(g.N)) + 16, 1);
          pg.pack(A.data(), ar, trans_a, aligned64(packed_a.data()));
        }
        Clock::time_point t0;
        double c0 = 0;
#pragma omp barrier
#pragma omp master
        {
          t0 = Clock::now();
          c0 = cpu_seconds();
        }
        for (long i = 0; i < iters; ++i) {
          if (packed) pg.multiply_add(B.data(), g.K, g.N, C.data(), g.M, aligned64(scratch.data()));
          else if (g.op == "nn") C.noalias() = A * B;
          else if (g.op == "tn") C.noalias() = A.transpose() * B;
          else if (g.op == "nt") C.noalias() = A * B.transpose();
        }
#pragma omp barrier
#pragma omp master
        elapsed = (threads == 1 ? cpu_seconds() - c0 : seconds_since(t0)) + 0 * static_cast<double>(C(0, 0));
      }
      if (elapsed >= min_seconds) break;
      iters = std::max(iters * 2, static_cast<long>(static_cast<double>(iters) * min_seconds / std::max(elapsed, 1e-6)));
    }
    best = std::max(best, g.flops() * static_cast<double>(iters) * threads / elapsed / 1e9);
  }
  return best;
}

// ---- training and tagging

long encoded_tokens(const std::string& path) {
  long n = 0;
  for (const Sentence& s : read_conll(path).sentences) n += static_cast<long>(s.tokens.size());
  return n;
}

Results train_run(const Options& o, const std::string& train, const std::string& dev, const std::string& model,
                  int threads) {
  const ConfigMap m = bench_config(o, train, dev, model, threads);
  LogClock clock;
  std::ostream log(&clock);
  std::ostringstream out;
  const TrainSummary s = train_model(TrainConfig::from_map(m), m, log);
  const double tokens = static_cast<double>(encoded_tokens(train));
  Results r = {{"tokens_per_second", s.tokens_per_second}, {"dev_f1", s.best_dev_f1}, {"seconds", s.seconds}};
  if (clock.cpu_end > clock.cpu_start && clock.cpu_start >= 0 && s.tokens_per_second > 0) {
    // The interval also holds the dev evaluation and the model file written after the epoch.
    // The steps' wall time is known exactly (tokens / tokens_per_second); their CPU time is taken
    // as the same fraction of the interval's CPU time.
    const double wall = clock.wall_end - clock.wall_start, cpu = clock.cpu_end - clock.cpu_start;
    const double steps_wall = std::min(wall, tokens / s.tokens_per_second);
    r["epoch_wall_seconds"] = steps_wall;
    r["epoch_cpu_seconds"] = cpu * steps_wall / wall;
  }
  return r;
}

Results tag_run(const Options& o, const std::string& model_path, const std::string& test, int threads,
                bool latency) {
  TrainedModel model = load_trained_model(model_path);
  const Corpus corpus = read_conll(test);
  const Dataset data = encode_corpus(corpus, model.vocab, false);
  Predictor predictor(*model.net, model.vocab, threads);
  predictor.tags(data);  // warm-up: arenas and workspaces grow to their steady size
  double best = 1e30, best_cpu = 1e30;
  for (int i = 0; i < std::max(1, o.repeat); ++i) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    predictor.tags(data);
    best = std::min(best, seconds_since(t0));
    best_cpu = std::min(best_cpu, cpu_seconds() - c0);
  }
  const auto tokens = static_cast<double>(data.tokens);
  Results r = {{"tokens_per_second", tokens / best}, {"tokens_per_cpu_second", tokens / best_cpu}};
  if (!latency) return r;
  // Latency: one sentence of `latency_tokens` tokens, from tokens to tags (encoding included).
  std::vector<std::vector<std::string>> pool;
  for (const Sentence& s : corpus.sentences)
    if (s.tokens.size() >= static_cast<std::size_t>(o.latency_tokens))
      pool.emplace_back(s.tokens.begin(), s.tokens.begin() + o.latency_tokens);
  if (pool.empty()) throw std::runtime_error("no test sentence has " + std::to_string(o.latency_tokens) + " tokens");
  Predictor single(*model.net, model.vocab, 1);
  std::vector<double> ms, cpu_ms;
  for (int i = -20; i < o.latency_runs; ++i) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    const Dataset one = encode_tokens({pool[static_cast<std::size_t>(i + 20) % pool.size()]}, model.vocab);
    const auto tags = single.tags(one);
    const double dt = seconds_since(t0) * 1e3, dc = (cpu_seconds() - c0) * 1e3;
    if (tags.size() != 1) throw std::runtime_error("latency: expected one tagged sentence");
    if (i >= 0) ms.push_back(dt), cpu_ms.push_back(dc);
  }
  auto pct = [](std::vector<double>& v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
  };
  r["latency_p50_ms"] = pct(ms, 0.50);
  r["latency_p99_ms"] = pct(ms, 0.99);
  // The same in CPU time: what an idle core would show (a loaded machine adds waits for the CPU).
  r["latency_cpu_p50_ms"] = pct(cpu_ms, 0.50);
  r["latency_cpu_p99_ms"] = pct(cpu_ms, 0.99);
  return r;
}

// ---- the whole run

struct Report {
  Options o;
  int all = 1;
  Results stats;
  BatchStats st, sg;
  std::vector<FlopTerm> terms_train, terms_tag;
  double flops_train = 0, flops_tag = 0;
  std::vector<GemmShape> shapes;
  std::vector<double> gemm1, gemm_all;
  double ceiling1 = 0, ceiling_all = 0;
  std::vector<double> train1_runs, train_all_runs;  // tokens/s
  double train1 = 0, train_all = 0, train1_cpu_share = 0, train_all_cpu_share = 0;
  double train1_per_cpu = 0, train_all_per_cpu = 0;  // tokens per CPU-second of the epoch (all threads' CPU)
  double rss_train1 = 0, rss_train_all = 0, dev_f1 = 0;
  ChildResult tag1, tag_all;
  double load_before = 0, load_after = 0, seconds = 0;
};

std::vector<double> gemm_child(const std::vector<GemmShape>& shapes, int threads, double min_seconds) {
  const Results r = run_child(fmt::format("GEMM, {} thread(s)", threads), [&] {
    Results out;
    for (std::size_t i = 0; i < shapes.size(); ++i) out[fmt::format("g{:02d}", i)] = gemm_gflops(shapes[i], threads, min_seconds);
    return out;
  }).values;
  std::vector<double> v;
  for (const auto& kv : r) v.push_back(kv.second);  // keys sort in shape order
  return v;
}

void measure(Report& R, const std::string& train, const std::string& dev, const std::string& test,
             const std::string& model) {
  const Options& o = R.o;
  const int all = R.all;
  R.stats = run_child("corpus statistics", [&] { return prepare(o, train, dev, test); }).values;
  const TrainConfig cfg = TrainConfig::from_map(bench_config(o, train, dev, model, 1));
  const NetDims dims = net_dims(cfg.net, static_cast<int>(R.stats.at("labels")), static_cast<int>(R.stats.at("char_vocab")));
  R.st = stats_from(R.stats, "train_");
  R.sg = stats_from(R.stats, "tag_");
  R.terms_train = flop_model(dims, R.st);
  R.terms_tag = flop_model(dims, R.sg);
  R.flops_train = train_flops(R.terms_train);
  R.flops_tag = tag_flops(R.terms_tag);

  R.shapes = model_gemms(dims, R.st, R.sg);
  R.gemm1 = gemm_child(R.shapes, 1, o.gemm_seconds);
  R.gemm_all = all > 1 ? gemm_child(R.shapes, all, o.gemm_seconds) : R.gemm1;
  R.ceiling1 = *std::max_element(R.gemm1.begin(), R.gemm1.end());
  R.ceiling_all = *std::max_element(R.gemm_all.begin(), R.gemm_all.end());

  // Training: 1 thread and all threads alternately (so both see similar load), best of `repeat`.
  for (int i = 0; i < std::max(1, o.repeat); ++i) {
    for (int threads : std::vector<int>{1, all}) {
      if (threads == all && all == 1) continue;  // the 1-thread run is the "all" one
      ChildResult c = run_child(fmt::format("training, {} thread(s)", threads),
                                [&] { return train_run(o, train, dev, model, threads); });
      const double tok = c.values.at("tokens_per_second");
      double share = c.cpu_seconds / c.wall_seconds / threads;
      if (c.values.count("epoch_cpu_seconds") != 0) {
        share = c.values.at("epoch_cpu_seconds") / c.values.at("epoch_wall_seconds") / threads;
        const double per_cpu = R.stats.at("train_tokens") / c.values.at("epoch_cpu_seconds");
        if (threads == 1) R.train1_per_cpu = std::max(R.train1_per_cpu, per_cpu);
        if (threads == all) R.train_all_per_cpu = std::max(R.train_all_per_cpu, per_cpu);
      }
      if (threads == 1) {
        R.train1_runs.push_back(tok);
        if (tok >= R.train1) R.train1 = tok, R.train1_cpu_share = share;
        R.rss_train1 = std::max(R.rss_train1, c.max_rss_mb);
        R.dev_f1 = c.values.at("dev_f1");
      }
      if (threads == all || all == 1) {
        R.train_all_runs.push_back(tok);
        if (tok >= R.train_all) R.train_all = tok, R.train_all_cpu_share = share;
        R.rss_train_all = std::max(R.rss_train_all, c.max_rss_mb);
      }
    }
  }
  R.tag1 = run_child("tagging, 1 thread + latency", [&] { return tag_run(o, model, test, 1, true); });
  R.tag_all = all > 1 ? run_child(fmt::format("tagging, {} threads", all), [&] { return tag_run(o, model, test, all, false); })
                      : R.tag1;
}

// ---- report

void print_table(const Report& R, std::ostream& out) {
  const Options& o = R.o;
  const int all = R.all;
  auto gf = [](double tok_s, double flops) { return tok_s * flops / 1e9; };
  const double tag1 = R.tag1.values.at("tokens_per_second"), tag_all = R.tag_all.values.at("tokens_per_second");
  const double tag1_cpu = R.tag1.values.at("tokens_per_cpu_second");
  struct Row {
    std::string what, value, note;
  };
  const std::vector<Row> rows = {
      {"GEMM ceiling, 1 thread (best of the model's shapes, CPU time)", fmt::format("{:.1f} GFLOP/s", R.ceiling1), ""},
      {fmt::format("GEMM ceiling, {} threads (wall time)", all), fmt::format("{:.1f} GFLOP/s", R.ceiling_all),
       fmt::format("{:.2f}x 1 thread", R.ceiling_all / R.ceiling1)},
      {"FLOPs per token, training (forward + backward)", fmt::format("{:.3f} MFLOP", R.flops_train / 1e6), ""},
      {"FLOPs per token, tagging", fmt::format("{:.3f} MFLOP", R.flops_tag / 1e6), ""},
      {"training, 1 thread", fmt::format("{:.0f} tok/s", R.train1),
       fmt::format("{:.1f} GFLOP/s = **{:.1f}%** of ceiling; the epoch got {:.0f}% of a core; per CPU-second {:.0f} tok/s = {:.1f}%",
                   gf(R.train1, R.flops_train), 100 * gf(R.train1, R.flops_train) / R.ceiling1, 100 * R.train1_cpu_share,
                   R.train1_per_cpu, 100 * gf(R.train1_per_cpu, R.flops_train) / R.ceiling1)},
      {fmt::format("training, {} threads", all), fmt::format("{:.0f} tok/s", R.train_all),
       fmt::format("**{:.2f}x** 1 thread; {:.1f}% of the {}-thread ceiling; the epoch got {:.0f}% of {} cores; "
                   "from CPU time {:.2f}x", R.train_all / R.train1, 100 * gf(R.train_all, R.flops_train) / R.ceiling_all, all,
                   100 * R.train_all_cpu_share, all, all * R.train_all_per_cpu / R.train1_per_cpu)},
      {"tagging, 1 thread", fmt::format("{:.0f} tok/s", tag1),
       fmt::format("{:.1f} GFLOP/s = **{:.1f}%** of ceiling; per CPU-second {:.0f} tok/s = {:.1f}%", gf(tag1, R.flops_tag),
                   100 * gf(tag1, R.flops_tag) / R.ceiling1, tag1_cpu, 100 * gf(tag1_cpu, R.flops_tag) / R.ceiling1)},
      {fmt::format("tagging, {} threads", all), fmt::format("{:.0f} tok/s", tag_all),
       fmt::format("**{:.2f}x** 1 thread; {:.1f}% of the {}-thread ceiling; from CPU time {:.2f}x", tag_all / tag1,
                   100 * gf(tag_all, R.flops_tag) / R.ceiling_all, all,
                   all * R.tag_all.values.at("tokens_per_cpu_second") / tag1_cpu)},
      {fmt::format("latency, one {}-token sentence, 1 thread", o.latency_tokens),
       fmt::format("p50 {:.3f} ms", R.tag1.values.at("latency_p50_ms")),
       fmt::format("p99 {:.3f} ms; in CPU time p50 {:.3f} ms, p99 {:.3f} ms", R.tag1.values.at("latency_p99_ms"),
                   R.tag1.values.at("latency_cpu_p50_ms"), R.tag1.values.at("latency_cpu_p99_ms"))},
      {"peak RSS, training", fmt::format("{:.0f} MB", std::max(R.rss_train1, R.rss_train_all)),
       fmt::format("1 thread {:.0f} MB, {} threads {:.0f} MB", R.rss_train1, all, R.rss_train_all)},
      {"peak RSS, tagging", fmt::format("{:.0f} MB", std::max(R.tag1.max_rss_mb, R.tag_all.max_rss_mb)),
       fmt::format("1 thread {:.0f} MB, {} threads {:.0f} MB", R.tag1.max_rss_mb, all, R.tag_all.max_rss_mb)},
  };
  out << fmt::format("\nmedner_bench: config {}{}{}; train {} ({} sentences, {} tokens, 1 epoch, dev F1 after it {:.2f}); "
                     "tag {} ({} sentences, {} tokens)\n",
                     o.config, o.sets.empty() ? "" : " + ", fmt::join(o.sets, " "), o.train, R.stats.at("train_sentences"),
                     R.stats.at("train_tokens"), R.dev_f1, o.test, R.stats.at("tag_sentences"), R.stats.at("tag_tokens"));
  out << fmt::format("load average {:.2f} before, {:.2f} after; {:.0f} s; best of {} run(s) each\n\n", R.load_before,
                     R.load_after, R.seconds, std::max(1, o.repeat));
  out << "| measurement | value | note |\n|---|---:|---|\n";
  for (const Row& r : rows) out << fmt::format("| {} | {} | {} |\n", r.what, r.value, r.note);
  out << fmt::format("\ntraining runs, tok/s: 1 thread {:.0f}; {} threads {:.0f}\n", fmt::join(R.train1_runs, ", "), all,
                     fmt::join(R.train_all_runs, ", "));
  out << "\n| GEMM shape (M x K x N) | op | 1 thread GFLOP/s | " << all << " threads GFLOP/s |\n|---|---|---:|---:|\n";
  for (std::size_t i = 0; i < R.shapes.size(); ++i)
    out << fmt::format("| {} ({} x {} x {}) | {} | {:.1f} | {:.1f} |\n", R.shapes[i].name, R.shapes[i].M, R.shapes[i].K,
                       R.shapes[i].N, R.shapes[i].op, R.gemm1[i], R.gemm_all[i]);
  out << "\n| FLOP model, per token | forward | backward | tagging |\n|---|---:|---:|---:|\n";
  for (std::size_t i = 0; i < R.terms_train.size(); ++i)
    out << fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} |\n", R.terms_train[i].name, R.terms_train[i].forward,
                       R.terms_train[i].backward, R.terms_tag[i].tagging);
  out << fmt::format("\nchars encoded per token: training {:.2f} (batches of {:.1f} sentences), tagging {:.2f} "
                     "(batches of {:.1f} sentences); tokens per sentence {:.1f}\n",
                     R.st.chars_per_token, R.st.sentences_per_batch, R.sg.chars_per_token, R.sg.sentences_per_batch,
                     R.st.tokens_per_sentence);
}

void write_json(const Report& R, const std::string& path) {
  const Options& o = R.o;
  auto gf = [](double tok_s, double flops) { return tok_s * flops / 1e9; };
  const double tag1 = R.tag1.values.at("tokens_per_second"), tag_all = R.tag_all.values.at("tokens_per_second");
  std::ofstream j(path);
  j << "{\n";
  j << fmt::format("  \"config\": {},\n  \"overrides\": [", json_quote(o.config));
  for (std::size_t i = 0; i < o.sets.size(); ++i) j << (i ? ", " : "") << json_quote(o.sets[i]);
  j << "],\n";
  j << fmt::format("  \"threads_all\": {},\n  \"load_average_before\": {:.2f},\n  \"load_average_after\": {:.2f},\n", R.all,
                   R.load_before, R.load_after);
  j << fmt::format("  \"corpus\": {{\"train\": {}, \"train_sentences\": {}, \"train_tokens\": {}, \"test\": {}, "
                   "\"tag_sentences\": {}, \"tag_tokens\": {}}},\n",
                   json_quote(o.train), R.stats.at("train_sentences"), R.stats.at("train_tokens"), json_quote(o.test),
                   R.stats.at("tag_sentences"), R.stats.at("tag_tokens"));
  j << fmt::format("  \"gemm_ceiling_gflops\": {{\"1\": {:.2f}, \"all\": {:.2f}}},\n", R.ceiling1, R.ceiling_all);
  j << "  \"gemm_shapes\": [\n";
  for (std::size_t i = 0; i < R.shapes.size(); ++i)
    j << fmt::format("    {{\"name\": \"{}\", \"op\": \"{}\", \"M\": {}, \"K\": {}, \"N\": {}, \"gflops_1\": {:.2f}, \"gflops_all\": {:.2f}}}{}\n",
                     R.shapes[i].name, R.shapes[i].op, R.shapes[i].M, R.shapes[i].K, R.shapes[i].N, R.gemm1[i], R.gemm_all[i],
                     i + 1 < R.shapes.size() ? "," : "");
  j << fmt::format("  ],\n  \"flops_per_token\": {{\"training\": {:.0f}, \"tagging\": {:.0f}, \"terms\": [\n", R.flops_train, R.flops_tag);
  for (std::size_t i = 0; i < R.terms_train.size(); ++i)
    j << fmt::format("    {{\"name\": \"{}\", \"forward\": {:.0f}, \"backward\": {:.0f}, \"tagging\": {:.0f}}}{}\n",
                     R.terms_train[i].name, R.terms_train[i].forward, R.terms_train[i].backward, R.terms_tag[i].tagging,
                     i + 1 < R.terms_train.size() ? "," : "");
  j << "  ]},\n";
  j << fmt::format("  \"training\": {{\"tokens_per_second_1\": {:.1f}, \"tokens_per_second_all\": {:.1f}, \"runs_1\": [{:.1f}], "
                   "\"runs_all\": [{:.1f}], \"speedup\": {:.3f}, \"gflops_1\": {:.2f}, \"fraction_of_ceiling_1\": {:.4f}, "
                   "\"fraction_of_ceiling_all\": {:.4f}, \"cpu_share_1\": {:.3f}, \"cpu_share_all\": {:.3f}, \"tokens_per_cpu_second_1\": {:.1f}, \"tokens_per_cpu_second_all\": {:.1f}, "
                   "\"dev_f1_after_1_epoch\": {:.2f}, \"peak_rss_mb_1\": {:.1f}, \"peak_rss_mb_all\": {:.1f}}},\n",
                   R.train1, R.train_all, fmt::join(R.train1_runs, ", "), fmt::join(R.train_all_runs, ", "), R.train_all / R.train1,
                   gf(R.train1, R.flops_train), gf(R.train1, R.flops_train) / R.ceiling1,
                   gf(R.train_all, R.flops_train) / R.ceiling_all, R.train1_cpu_share, R.train_all_cpu_share, R.train1_per_cpu, R.train_all_per_cpu, R.dev_f1,
                   R.rss_train1, R.rss_train_all);
  j << fmt::format("  \"tagging\": {{\"tokens_per_second_1\": {:.1f}, \"tokens_per_cpu_second_1\": {:.1f}, \"tokens_per_cpu_second_all\": {:.1f}, "
                   "\"tokens_per_second_all\": {:.1f}, \"speedup\": {:.3f}, \"gflops_1\": {:.2f}, \"fraction_of_ceiling_1\": {:.4f}, "
                   "\"fraction_of_ceiling_all\": {:.4f}, \"latency_tokens\": {}, \"latency_p50_ms\": {:.4f}, "
                   "\"latency_p99_ms\": {:.4f}, \"latency_cpu_p50_ms\": {:.4f}, \"latency_cpu_p99_ms\": {:.4f}, \"peak_rss_mb_1\": {:.1f}, \"peak_rss_mb_all\": {:.1f}}}\n",
                   tag1, R.tag1.values.at("tokens_per_cpu_second"), R.tag_all.values.at("tokens_per_cpu_second"), tag_all,
                   tag_all / tag1, gf(tag1, R.flops_tag),
                   gf(tag1, R.flops_tag) / R.ceiling1, gf(tag_all, R.flops_tag) / R.ceiling_all, o.latency_tokens,
                   R.tag1.values.at("latency_p50_ms"), R.tag1.values.at("latency_p99_ms"),
                   R.tag1.values.at("latency_cpu_p50_ms"), R.tag1.values.at("latency_cpu_p99_ms"), R.tag1.max_rss_mb,
                   R.tag_all.max_rss_mb);
  j << "}\n";
  if (!j) throw std::runtime_error(path + ": cannot write");
}

}  // namespace

int main(int argc, char** argv) {
  // Waiting OpenMP threads spin (and count as CPU time) instead of sleeping, so that "tokens per
  // CPU-second" of a multi-thread run charges its barriers and serial sections: the CPU-time
  // speedup then estimates the speedup on an idle machine. It must be set before libgomp starts,
  // hence the re-exec. An explicit OMP_WAIT_POLICY is kept.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "active", 1);
    execv("/proc/self/exe", argv);  // on failure, go on with the default policy
  }
  cxxopts::Options spec("medner_bench", "Training and tagging speed against the GEMM limit (docs/performance.md).");
  Options o;
  std::string only;
  spec.add_options()
      ("config", "training config file", cxxopts::value(o.config)->default_value("experiments/configs/default.conf"))
      ("train", "training corpus", cxxopts::value(o.train)->default_value("data/bc5cdr/train.tsv"))
      ("dev", "dev corpus (a slice is scored after the training epoch)", cxxopts::value(o.dev)->default_value("data/bc5cdr/devel.tsv"))
      ("test", "corpus to tag", cxxopts::value(o.test)->default_value("data/bc5cdr/test.tsv"))
      ("set", "config override key=value (repeatable)", cxxopts::value(o.sets))
      ("threads", "'all cores' thread count (0: the number of processors)", cxxopts::value(o.threads)->default_value("0"))
      ("train-sentences", "train on the first N sentences (0: all)", cxxopts::value(o.train_sentences)->default_value("0"))
      ("dev-sentences", "dev slice size", cxxopts::value(o.dev_sentences)->default_value("100"))
      ("tag-sentences", "tag the first N sentences (0: all)", cxxopts::value(o.tag_sentences)->default_value("0"))
      ("repeat", "runs of each training / tagging measurement (best is reported)", cxxopts::value(o.repeat)->default_value("2"))
      ("latency-runs", "single-sentence taggings timed", cxxopts::value(o.latency_runs)->default_value("1000"))
      ("latency-tokens", "tokens of the latency sentence", cxxopts::value(o.latency_tokens)->default_value("25"))
      ("gemm-seconds", "minimum time per GEMM measurement", cxxopts::value(o.gemm_seconds)->default_value("0.3"))
      ("quick", "about a minute: 1500 training sentences, 2000 to tag, 1 run each, 300 latency runs")
      ("json", "also write the results as JSON to FILE", cxxopts::value(o.json))
      ("workdir", "directory for slices and the model (default: a new one under /tmp)", cxxopts::value(o.workdir))
      ("only", "for profilers: run one phase in this process (train N | tag N, N threads) and print its raw results; "
               "tag needs the model of an earlier run in --workdir", cxxopts::value(only))
      ("h,help", "print this help");
  try {
    auto args = spec.parse(argc, argv);
    if (args.count("help")) {
      std::cout << spec.help();
      return 0;
    }
    if (!args.unmatched().empty()) throw std::runtime_error("unexpected argument '" + args.unmatched().front() + "'");
    if (args.count("quick")) {
      if (!args.count("train-sentences")) o.train_sentences = 1500;
      if (!args.count("tag-sentences")) o.tag_sentences = 2000;
      if (!args.count("repeat")) o.repeat = 1;
      if (!args.count("latency-runs")) o.latency_runs = 300;
      if (!args.count("gemm-seconds")) o.gemm_seconds = 0.15;
    }
    if (!only.empty() && o.workdir.empty()) throw std::runtime_error("--only needs --workdir");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << " (see medner_bench --help)\n";
    return 2;
  }
  std::string temp_dir;  // a workdir we made, removed at the end
  int code = 0;
  try {
    Report R;
    R.all = o.threads > 0 ? o.threads : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    if (o.workdir.empty()) {
      char tmpl[] = "/tmp/medner_bench.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
      o.workdir = temp_dir = tmpl;
    }
    std::filesystem::create_directories(o.workdir);
    R.o = o;
    const std::string train = o.workdir + "/train.tsv", dev = o.workdir + "/dev.tsv", test = o.workdir + "/test.tsv";
    const std::string model = o.workdir + "/model.bin";
    if (!only.empty()) {
      std::istringstream in(only);
      std::string phase;
      int threads = 1;
      in >> phase >> threads;
      if (!std::filesystem::exists(train)) prepare(o, train, dev, test);
      Results r;
      if (phase == "train") r = train_run(o, train, dev, model, threads);
      else if (phase == "tag") r = tag_run(o, model, test, threads, threads == 1);
      else throw std::runtime_error("--only: expected 'train N' or 'tag N', got '" + only + "'");
      for (const auto& [k, v] : r) std::cout << k << " " << v << "\n";
      return 0;  // --only needs --workdir: nothing to remove
    }
    R.load_before = load_average();
    const auto t_start = Clock::now();
    std::cerr << "medner_bench: " << R.all << " threads for 'all', work in " << o.workdir << "\n";
    measure(R, train, dev, test, model);
    R.load_after = load_average();
    R.seconds = seconds_since(t_start);
    print_table(R, std::cout);
    if (!o.json.empty()) write_json(R, o.json);
  } catch (const std::exception& e) {
    std::cerr << "\nerror: " << e.what() << "\n";
    code = 1;
  }
  if (!temp_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir, ec);
  }
  return code;
}
