// label_sweep: how training and tagging speed depend on the number of labels (issue 22). The same
// network (the config, default experiments/configs/default.conf) is trained for one epoch and then
// tags, on the same tokens (a slice of a real corpus) relabelled at random with K entity types, so
// that with IOBES there are L = 4K + 1 labels: K = 1, 4, 16, 64 give L = 5, 17, 65, 257. The CRF's
// share of the time comes from timing the CRF alone (crf_nll forward + backward, crf_viterbi_batch)
// on batches of the same lengths, per token, times the measured tokens/s. Every measurement runs in
// its own child process (bench_child.h). Not here: accuracy (the tags are random).
#include "bench_child.h"

#include "crf/crf.h"
#include "data/conll.h"
#include "model/batch_plan.h"
#include "model/dataset.h"
#include "model/predictor.h"
#include "model/trained_model.h"
#include "train/trainer.h"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace medner;
using namespace medner_bench;

struct Options {
  std::string config, train, test, workdir, scheme = "iobes";
  std::vector<std::string> sets;
  std::vector<int> labels;  // default from the option table
  int threads = 1, train_sentences = 1500, tag_sentences = 2000, repeat = 1;
  double crf_seconds = 0.5;
};

int types_for(int labels) { return (labels - 1) / 4; }

// Tags of a sentence: O, or an entity of a random type and 1-3 tokens starting with probability
// 0.15 at each free token (IOB2, so every sequence is valid; IOBES conversion keeps it valid).
void random_tags(Sentence& s, int types, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<int> type(0, types - 1), length(1, 3);
  for (std::size_t i = 0; i < s.tokens.size();) {
    if (u(rng) >= 0.15) {
      s.tags[i++] = "O";
      continue;
    }
    const std::string t = "T" + std::to_string(type(rng));
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(length(rng)), s.tokens.size() - i);
    for (std::size_t k = 0; k < n; ++k) s.tags[i + k] = (k == 0 ? "B-" : "I-") + t;
    i += n;
  }
}

// The first n sentences of `from`, relabelled with `types` types (seeded by types), to path.
void write_relabelled(const std::string& from, const std::string& path, int n, int types) {
  Corpus c = read_conll(from);
  if (n > 0 && static_cast<std::size_t>(n) < c.sentences.size()) c.sentences.resize(static_cast<std::size_t>(n));
  std::mt19937 rng(static_cast<unsigned>(1000 + types));
  for (Sentence& s : c.sentences) random_tags(s, types, rng);
  std::ofstream out(path);
  write_conll(out, c);
  if (!out) throw std::runtime_error(path + ": cannot write");
}

ConfigMap sweep_config(const Options& o, const std::string& dir) {
  ConfigMap file = read_config_file(o.config), sets;
  for (const std::string& kv : o.sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("--set: expected key=value, got '" + kv + "'");
    sets.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  const ConfigMap run = {
      {"train", dir + "/train.tsv"}, {"dev", dir + "/dev.tsv"}, {"model", dir + "/model.bin"},
      {"max-epochs", "1"},           {"patience", "1"},         {"threads", std::to_string(o.threads)}};
  return merge_config({file, sets, run});
}

Results train_child(const Options& o, const std::string& dir) {
  const ConfigMap m = sweep_config(o, dir);
  LogClock clock;
  std::ostream log(&clock);
  const TrainSummary s = train_model(TrainConfig::from_map(m), m, log);
  const TrainedModel model = load_trained_model(dir + "/model.bin");
  // Tokens per CPU-second of the steps (as medner_bench): the steps' wall time is tokens / tokens_per_second,
  // their CPU time the same fraction of the CPU time between the "data:" and "epoch" log lines.
  const double tokens = static_cast<double>(encode_corpus(read_conll(dir + "/train.tsv"), model.vocab, false).tokens);
  const double wall = clock.wall_end - clock.wall_start, cpu = clock.cpu_end - clock.cpu_start;
  const double steps_wall = std::min(wall, tokens / s.tokens_per_second);
  return {{"tokens_per_second", s.tokens_per_second},
          {"tokens_per_cpu_second", tokens / (cpu * steps_wall / wall)},
          {"labels", static_cast<double>(model.vocab.tags.size())}};
}

Results tag_child(const Options& o, const std::string& dir) {
  TrainedModel model = load_trained_model(dir + "/model.bin");
  const Dataset data = encode_corpus(read_conll(dir + "/test.tsv"), model.vocab, false);
  Predictor predictor(*model.net, model.vocab, o.threads);
  predictor.tags(data);  // warm-up
  double best = 1e30, best_cpu = 1e30;
  for (int i = 0; i < std::max(1, o.repeat); ++i) {
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    predictor.tags(data);
    best = std::min(best, seconds_since(t0));
    best_cpu = std::min(best_cpu, cpu_seconds() - c0);
  }
  const auto tokens = static_cast<double>(data.tokens);
  return {{"tokens_per_second", tokens / best}, {"tokens_per_cpu_second", tokens / best_cpu}};
}

// Seconds per call of f, over at least min_seconds.
template <class F>
double time_per_call(F f, double min_seconds) {
  f();
  long n = 0;
  const auto t0 = Clock::now();
  do {
    f();
    ++n;
  } while (seconds_since(t0) < min_seconds);
  return seconds_since(t0) / static_cast<double>(n);
}

// The CRF alone, 1 thread: crf_nll forward + backward on the training slice cut into batches as the
// trainer cuts an epoch, crf_viterbi_batch on it cut as the predictor does (sentence lengths only).
// Emissions uniform in [-3, 3], transitions in [-0.5, 0.5], the model's constraints; the gold path
// is all O (allowed by iob2 and iobes). Inputs are made before the timing. -> seconds per token.
Results crf_child(const Options& o, const std::string& dir) {
  const Corpus train = read_conll(dir + "/train.tsv");
  const TrainedModel model = load_trained_model(dir + "/model.bin");
  const Crf& crf = model.net->crf();
  const CrfConstraints* c = crf.constraints();
  const Index L = crf.labels();
  int outside = 0;
  if (c != nullptr)
    outside =
        static_cast<int>(std::find(c->labels.begin(), c->labels.end(), "O") - c->labels.begin()) % static_cast<int>(L);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  auto random = [&](Index r, Index cols, float scale) {
    Matrix m(r, cols);
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<real>(scale * u(rng));
    return m;
  };
  const Matrix trans = random(L, L, 0.5f), start = random(L, 1, 0.5f), end = random(L, 1, 0.5f);
  // Batches as the trainer and the predictor cut them (batch_plan.h): sentence lengths per batch.
  const Dataset data = encode_corpus(train, model.vocab, false);
  double tokens = 0;
  for (const EncodedSentence& e : data.sentences) tokens += static_cast<double>(e.size());
  struct Batch {
    std::vector<int> lengths;
    Matrix emit;
    std::vector<int> gold;
  };
  auto make_batches = [&](const BatchPlan& plan) {
    std::vector<Batch> out;
    for (int k = 0; k < plan.batches(); ++k) {
      Batch b;
      for (int i = plan.starts[static_cast<std::size_t>(k)]; i < plan.starts[static_cast<std::size_t>(k) + 1]; ++i)
        b.lengths.push_back(
            static_cast<int>(data.sentences[static_cast<std::size_t>(plan.order[static_cast<std::size_t>(i)])].size()));
      const Index B = static_cast<Index>(b.lengths.size()), T = *std::max_element(b.lengths.begin(), b.lengths.end());
      b.emit = random(L, T * B, 3.0f);
      b.gold.assign(static_cast<std::size_t>(T * B), outside);
      out.push_back(std::move(b));
    }
    return out;
  };
  const TrainConfig cfg = TrainConfig::from_map(sweep_config(o, dir));
  const std::vector<Batch> train_batches = make_batches(plan_epoch(data.sentences, cfg.batch_size, cfg.seed, 0));
  const std::vector<Batch> tag_batches =
      make_batches(plan_by_length(data.sentences, kPredictBatchTokens, kPredictBatchSentences));
  Tape tape;
  CrfWorkspace ws;
  const double train_s = time_per_call(
      [&] {
        for (const Batch& b : train_batches) {
          tape.clear();
          const NodeId loss =
              crf_nll(tape, tape.variable(b.emit), tape.variable(trans), tape.variable(start), tape.variable(end),
                      static_cast<Index>(b.lengths.size()), b.lengths.data(), b.gold.data(), c);
          tape.backward(loss);
        }
      },
      o.crf_seconds);
  const double tag_s = time_per_call(
      [&] {
        for (const Batch& b : tag_batches)
          crf_viterbi_batch(b.emit, trans, start, end, static_cast<Index>(b.lengths.size()), b.lengths.data(), c, &ws);
      },
      o.crf_seconds);
  return {{"train_s_per_token", train_s / tokens}, {"tag_s_per_token", tag_s / tokens}};
}

struct Row {
  int labels = 0;
  double train = 0, tag = 0, crf_train = 0, crf_tag = 0;  // tokens/s; CRF seconds per token
  double train_cpu = 0, tag_cpu = 0;                     // tokens per CPU-second (all threads' CPU)
};

Row measure(const Options& o, int labels) {
  const int types = types_for(labels);
  const std::string dir = o.workdir + "/L" + std::to_string(labels);
  std::filesystem::create_directories(dir);
  write_relabelled(o.train, dir + "/train.tsv", o.train_sentences, types);
  write_relabelled(o.train, dir + "/dev.tsv", 100, types);  // the first 100 training sentences, same tags
  write_relabelled(o.test, dir + "/test.tsv", o.tag_sentences, types);
  Row r;
  r.labels = labels;
  for (int i = 0; i < std::max(1, o.repeat); ++i) {
    const Results t = run_child(fmt::format("L = {}: training, {} thread(s)", labels, o.threads), [&] {
                        return train_child(o, dir);
                      }).values;
    if (static_cast<int>(t.at("labels")) != labels)
      throw std::runtime_error(
          fmt::format("L = {}: the model has {} labels (a tag missing from the slice?)", labels, t.at("labels")));
    r.train = std::max(r.train, t.at("tokens_per_second"));
    r.train_cpu = std::max(r.train_cpu, t.at("tokens_per_cpu_second"));
  }
  const Results g = run_child(fmt::format("L = {}: tagging", labels), [&] { return tag_child(o, dir); }).values;
  r.tag = g.at("tokens_per_second");
  r.tag_cpu = g.at("tokens_per_cpu_second");
  const Results c = run_child(fmt::format("L = {}: CRF alone", labels), [&] { return crf_child(o, dir); }).values;
  r.crf_train = c.at("train_s_per_token");
  r.crf_tag = c.at("tag_s_per_token");
  return r;
}

void print(const Options& o, const std::vector<Row>& rows, double seconds) {
  std::cout << fmt::format(
      "\nlabel_sweep: config {}{}{}; {} training sentences of {}, {} tagged of {}; tags at random, "
      "{} with constraints as configured; {} thread(s); best of {}; {:.0f} s\n\n",
      o.config, o.sets.empty() ? "" : " + ", fmt::join(o.sets, " "), o.train_sentences, o.train, o.tag_sentences,
      o.test, o.scheme, o.threads, std::max(1, o.repeat), seconds);
  std::cout << "| labels | training tok/s | vs first | CRF share | tagging tok/s | vs first | CRF share | CRF us/token "
               "train / tag |\n"
               "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& r : rows) {
    // The CRF alone ran on 1 thread: with N threads, N tokens' CRF work share the wall time.
    const double share_train = r.crf_train * r.train / o.threads, share_tag = r.crf_tag * r.tag / o.threads;
    std::cout << fmt::format("| {} | {:.0f} | {:.1f}% | {:.1f}% | {:.0f} | {:.1f}% | {:.1f}% | {:.2f} / {:.2f} |\n",
                             r.labels, r.train, 100 * r.train / rows[0].train, 100 * share_train, r.tag,
                             100 * r.tag / rows[0].tag, 100 * share_tag, 1e6 * r.crf_train, 1e6 * r.crf_tag);
  }
  // Per CPU-second: what an idle machine would show with 1 thread, read through another's load.
  std::cout << "\n| labels | training tok per CPU-s | vs first | tagging tok per CPU-s | vs first |\n"
               "|---:|---:|---:|---:|---:|\n";
  for (const Row& r : rows)
    std::cout << fmt::format("| {} | {:.0f} | {:.1f}% | {:.0f} | {:.1f}% |\n", r.labels, r.train_cpu,
                             100 * r.train_cpu / rows[0].train_cpu, r.tag_cpu, 100 * r.tag_cpu / rows[0].tag_cpu);
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options spec("label_sweep",
                        "Training and tagging speed against the number of labels (docs/performance.md).");
  Options o;
  spec.add_options()("config", "training config file",
                     cxxopts::value(o.config)->default_value("experiments/configs/default.conf"))(
      "train", "corpus whose tokens are trained on", cxxopts::value(o.train)->default_value("data/bc5cdr/train.tsv"))(
      "test", "corpus whose tokens are tagged", cxxopts::value(o.test)->default_value("data/bc5cdr/test.tsv"))(
      "set", "config override key=value (repeatable)", cxxopts::value(o.sets))(
      "labels", "label counts, 4K + 1 each", cxxopts::value(o.labels)->default_value("5,17,65,257"))(
      "threads", "threads for training and tagging", cxxopts::value(o.threads)->default_value("1"))(
      "train-sentences", "training sentences", cxxopts::value(o.train_sentences)->default_value("1500"))(
      "tag-sentences", "sentences to tag", cxxopts::value(o.tag_sentences)->default_value("2000"))(
      "repeat", "training runs per label count (best is reported), tagging passes",
      cxxopts::value(o.repeat)->default_value("1"))("crf-seconds", "minimum time of each CRF-alone measurement",
                                                    cxxopts::value(o.crf_seconds)->default_value("0.5"))(
      "workdir", "directory for the relabelled corpora and models (default: a new one under /tmp)",
      cxxopts::value(o.workdir))("h,help", "print this help");
  try {
    auto args = spec.parse(argc, argv);
    if (args.count("help")) {
      std::cout << spec.help();
      return 0;
    }
    for (int l : o.labels)
      if (l < 5 || (l - 1) % 4 != 0) throw std::runtime_error(fmt::format("--labels: {} is not 4K + 1 with K >= 1", l));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << " (see label_sweep --help)\n";
    return 2;
  }
  std::string temp_dir;
  int code = 0;
  try {
    if (o.workdir.empty()) {
      char tmpl[] = "/tmp/label_sweep.XXXXXX";
      if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
      o.workdir = temp_dir = tmpl;
    }
    for (const auto& [k, v] : read_config_file(o.config))
      if (k == "tag-scheme") o.scheme = v;
    for (const std::string& kv : o.sets)
      if (kv.rfind("tag-scheme=", 0) == 0) o.scheme = kv.substr(11);
    const auto t0 = Clock::now();
    std::vector<Row> rows;
    for (int l : o.labels) rows.push_back(measure(o, l));
    print(o, rows, seconds_since(t0));
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
