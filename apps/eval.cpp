// medner-eval: scores tagged CoNLL data exactly like the CoNLL-2000 conlleval script (text,
// Markdown or JSON report), prints corpus statistics, or tests whether two systems' F1 differ
// (--compare: paired bootstrap or approximate randomization over sentences). Thin on purpose:
// options are parsed here, everything else is lib/eval. Exit codes: 0 ok, 1 bad input or runtime
// failure (one line "error: ..." on stderr), 2 usage error.
#include <cxxopts.hpp>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/conll.h"
#include "data/corpus_stats.h"
#include "eval/eval_input.h"
#include "eval/novelty.h"
#include "eval/report.h"
#include "eval/significance.h"
#include "eval/stats_report.h"
#include "io/atomic_file.h"
#include "train/tagging.h"

namespace {

constexpr const char* kStdin = "-";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Mode {
  Help,
  ScoreConlleval,  // --pred FILE (conlleval's format: token ... gold predicted)
  ScorePair,       // --gold GOLD --pred PRED
  Stats,           // --stats FILE...
  ScoreModel,      // --model M --data FILE [--out PRED]
  Compare,         // --compare A B [--gold G]
};

struct EvalArgs {
  Mode mode = Mode::Help;
  std::string gold;
  std::string pred;
  std::vector<std::string> files;
  std::string model, data, out;
  std::string train;  // --train: split the scores into mentions seen / unseen in it
  int threads = 0;
  medner::SignificanceOptions significance;
  medner::ReportFormat format = medner::ReportFormat::Text;
};

cxxopts::Options make_options() {
  cxxopts::Options o("medner-eval",
                     "Score tagged CoNLL data exactly like conlleval (exact-match chunks, micro\n"
                     "P/R/F1 overall and per type), or print corpus statistics.\n\n"
                     "  medner-eval --pred FILE              FILE: token [columns] gold predicted\n"
                     "  medner-eval --gold GOLD --pred PRED  two CoNLL files with the same tokens\n"
                     "  medner-eval --model M --data FILE [--out PRED]\n"
                     "  (add --train TRAIN to split the scores into mentions seen / unseen in it)\n"
                     "  medner-eval --compare A B [--gold G]  is F1(B) - F1(A) significant?\n"
                     "  medner-eval --stats FILE...\n\n"
                     "FILE '-' reads stdin. Exit codes: 0 ok, 1 bad input, 2 usage error.");
  o.positional_help("[FILE...]");
  // clang-format off
  o.add_options()
      ("pred", "predictions: alone, a conlleval-format file (token [columns] gold predicted); "
               "with --gold, a CoNLL file (token [columns] predicted)",
       cxxopts::value<std::string>(), "FILE")
      ("gold", "gold CoNLL file (token [columns] tag) with the same tokens as --pred",
       cxxopts::value<std::string>(), "FILE")
      ("stats", "print sentences, tokens, chunks per type, tag scheme and longest sentence of "
                "each FILE",
       cxxopts::value<bool>())
      ("format", "report format: text (conlleval's layout), markdown or json",
       cxxopts::value<std::string>()->default_value("text"), "F")
      ("model", "a model from medner-train: tag --data with it, then score", cxxopts::value<std::string>(), "M")
      ("data", "gold CoNLL file to tag and score with --model", cxxopts::value<std::string>(), "FILE")
      ("out", "with --model: write the predictions in conlleval's format (token gold predicted)",
       cxxopts::value<std::string>(), "FILE")
      ("train", "the training file (A,B for several): also score mentions seen and unseen in its gold "
                "chunks (same type and lower-cased text) separately",
       cxxopts::value<std::string>(), "FILE")
      ("threads", "with --model: tagging threads (0: all cores)", cxxopts::value<int>()->default_value("0"), "N")
      ("compare", "significance of the F1 difference between two systems A and B (two FILEs): "
                  "CoNLL predictions with the tokens of --gold, or conlleval-format files "
                  "(token gold predicted; then --gold may be left out)",
       cxxopts::value<bool>())
      ("method", "with --compare: bootstrap (paired, over sentences) or randomization "
                 "(approximate randomization, sentences swapped between A and B)",
       cxxopts::value<std::string>()->default_value("bootstrap"), "M")
      ("samples", "with --compare: bootstrap samples or randomization rounds",
       cxxopts::value<long>()->default_value("10000"), "N")
      ("seed", "with --compare: random seed", cxxopts::value<uint64_t>()->default_value("1"), "S")
      ("files", "files for --stats and --compare", cxxopts::value<std::vector<std::string>>())
      ("h,help", "print this help");
  // clang-format on
  o.parse_positional({"files"});
  return o;
}

EvalArgs parse_args(cxxopts::Options& options, int argc, char** argv) {
  cxxopts::ParseResult r = options.parse(argc, argv);
  EvalArgs a;
  if (r.count("help") != 0) return a;  // Mode::Help
  try {
    a.format = medner::parse_report_format(r["format"].as<std::string>());
  } catch (const medner::InputError& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
  if (r.count("gold") != 0) a.gold = r["gold"].as<std::string>();
  if (r.count("pred") != 0) a.pred = r["pred"].as<std::string>();
  if (r.count("files") != 0) a.files = r["files"].as<std::vector<std::string>>();
  if (r.count("train") != 0) a.train = r["train"].as<std::string>();
  const bool stats = r.count("stats") != 0 && r["stats"].as<bool>();
  const bool compare = r.count("compare") != 0 && r["compare"].as<bool>();
  if (!compare && (r.count("method") != 0 || r.count("samples") != 0 || r.count("seed") != 0))
    throw UsageError("--method, --samples and --seed go with --compare");
  if (a.train == kStdin && (a.pred == kStdin || a.gold == kStdin ||
                            (r.count("data") != 0 && r["data"].as<std::string>() == kStdin)))
    throw UsageError("--train and another input cannot both be '-'");
  if (!a.train.empty() && (compare || stats))
    throw UsageError("--train goes with scoring (--pred, --gold/--pred, --model/--data), not with "
                     "--compare or --stats");
  if (compare) {
    if (stats || !a.pred.empty() || r.count("model") != 0 || r.count("data") != 0 ||
        r.count("out") != 0)
      throw UsageError("--compare takes two FILEs and an optional --gold; it cannot be combined "
                       "with --pred, --stats, --model, --data or --out");
    if (a.files.size() != 2)
      throw UsageError("--compare needs two FILEs (systems A and B), got " +
                       std::to_string(a.files.size()));
    int stdin_uses = (a.gold == kStdin) + (a.files[0] == kStdin) + (a.files[1] == kStdin);
    if (stdin_uses > 1) throw UsageError("only one input of --compare can be '-'");
    try {
      a.significance.method = medner::parse_significance_method(r["method"].as<std::string>());
    } catch (const medner::InputError& e) {
      throw UsageError(std::string("--method: ") + e.what());
    }
    a.significance.samples = r["samples"].as<long>();
    if (a.significance.samples < 1) throw UsageError("--samples: expected a positive integer");
    a.significance.seed = r["seed"].as<uint64_t>();
    a.mode = Mode::Compare;
    return a;
  }
  if (r.count("model") != 0 || r.count("data") != 0) {
    if (r.count("model") == 0 || r.count("data") == 0) throw UsageError("--model and --data go together");
    if (stats || !a.gold.empty() || !a.pred.empty() || !a.files.empty())
      throw UsageError("--model/--data cannot be combined with --stats, --gold or --pred");
    a.model = r["model"].as<std::string>();
    a.data = r["data"].as<std::string>();
    if (r.count("out") != 0) a.out = r["out"].as<std::string>();
    a.threads = r["threads"].as<int>();
    if (a.threads < 0) throw UsageError("--threads: expected a non-negative integer");
    a.mode = Mode::ScoreModel;
    return a;
  }
  if (r.count("out") != 0) throw UsageError("--out needs --model and --data");

  if (stats) {
    if (!a.gold.empty() || !a.pred.empty()) {
      throw UsageError("--stats cannot be combined with --gold or --pred");
    }
    if (a.files.empty()) throw UsageError("--stats needs at least one FILE");
    a.mode = Mode::Stats;
    return a;
  }
  if (!a.files.empty()) {
    throw UsageError("unexpected argument '" + a.files.front() +
                     "' (files without an option "
                     "are for --stats and --compare)");
  }
  if (a.pred.empty()) {
    throw UsageError(a.gold.empty() ? "nothing to do: give --pred FILE, --gold GOLD --pred PRED, "
                                      "--model M --data FILE, --compare A B or --stats FILE..."
                                    : "--gold needs --pred PRED");
  }
  if (a.gold == kStdin && a.pred == kStdin)
    throw UsageError("--gold and --pred cannot both be '-'");
  a.mode = a.gold.empty() ? Mode::ScoreConlleval : Mode::ScorePair;
  return a;
}

medner::Corpus read_corpus(const std::string& path) {
  return path == kStdin ? medner::read_conll(std::cin, "<stdin>") : medner::read_conll(path);
}

medner::EvalInput read_conlleval_file(const std::string& path) {
  return path == kStdin ? medner::read_conlleval(std::cin, "<stdin>")
                        : medner::read_conlleval(path);
}

// --compare: per-sentence counts of both systems against the gold tags. With --gold, A and B are
// read as CoNLL files whose last column is the prediction (so a conlleval-format file, token
// gold predicted, works too); without it, both are conlleval-format files and must agree on gold.
std::string compare(const EvalArgs& a) {
  using namespace medner;
  const std::string& path_a = a.files[0];
  const std::string& path_b = a.files[1];
  Corpus gold;
  Corpus pred_a;
  Corpus pred_b;
  if (!a.gold.empty()) {
    gold = read_corpus(a.gold);
    pred_a = read_corpus(path_a);
    pred_b = read_corpus(path_b);
  } else {
    EvalInput in_a = read_conlleval_file(path_a);
    EvalInput in_b = read_conlleval_file(path_b);
    check_aligned(in_a.gold, in_b.gold);
    for (std::size_t s = 0; s < in_a.gold.sentences.size(); ++s) {
      const Sentence& ga = in_a.gold.sentences[s];
      const Sentence& gb = in_b.gold.sentences[s];
      for (std::size_t k = 0; k < ga.tags.size(); ++k)
        if (ga.tags[k] != gb.tags[k])
          throw InputError(fmt::format("{}:{}: gold tag '{}' differs from gold tag '{}' at {}:{}; "
                                       "both systems must be scored on the same gold data",
                                       in_b.gold.path, gb.line + static_cast<int>(k), gb.tags[k],
                                       ga.tags[k], in_a.gold.path, ga.line + static_cast<int>(k)));
    }
    gold = std::move(in_a.gold);
    pred_a = std::move(in_a.pred);
    pred_b = std::move(in_b.pred);
  }
  SignificanceResult r =
      compare_systems(sentence_counts(gold, pred_a), sentence_counts(gold, pred_b), a.significance);
  return format_significance(r, path_a, path_b, a.format);
}

// The score report of gold against pred, split by --train when given.
std::string score(const EvalArgs& a, const medner::Corpus& gold, const medner::Corpus& pred) {
  using namespace medner;
  EvalReport report = evaluate(gold, pred);
  if (a.train.empty()) return format_report(report, a.format);
  NoveltyReport novelty = novelty_report(gold, pred, TrainMentions(a.train == kStdin ? read_corpus(a.train) : medner::read_conll_files(a.train)));
  return format_report(report, a.format, &novelty);
}

// The work of each mode; returns what goes to stdout.
std::string run(const EvalArgs& a) {
  using namespace medner;
  switch (a.mode) {
    case Mode::ScoreConlleval: {
      EvalInput in =
          a.pred == kStdin ? read_conlleval(std::cin, "<stdin>") : read_conlleval(a.pred);
      return score(a, in.gold, in.pred);
    }
    case Mode::ScorePair: {
      Corpus gold = read_corpus(a.gold);
      Corpus pred = read_corpus(a.pred);
      return score(a, gold, pred);
    }
    case Mode::Stats: {
      std::vector<CorpusStats> stats;
      for (const std::string& f : a.files) stats.push_back(corpus_stats(read_corpus(f)));
      return format_stats(stats, a.format);
    }
    case Mode::ScoreModel: {
      TrainedModel model = load_trained_model(a.model);
      Corpus data = read_corpus(a.data);
      Corpus pred = data;
      std::vector<std::vector<std::string>> tags = tag_corpus(model, data, a.threads);
      for (std::size_t i = 0; i < tags.size(); ++i) pred.sentences[i].tags = tags[i];
      if (!a.out.empty()) {
        // conlleval's input format: token gold predicted (gold as written in the file).
        AtomicWriter w(a.out);
        for (std::size_t i = 0; i < data.sentences.size(); ++i) {
          const Sentence& s = data.sentences[i];
          for (std::size_t k = 0; k < s.tokens.size(); ++k)
            w.stream() << s.tokens[k] << ' ' << s.tags[k] << ' ' << tags[i][k] << '\n';
          w.stream() << '\n';
        }
        w.commit();
      }
      return score(a, data, pred);
    }
    case Mode::Compare:
      return compare(a);
    case Mode::Help:
      break;
  }
  MEDNER_CHECK(false, "run: unhandled mode {}", static_cast<int>(a.mode));
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options options = make_options();
  EvalArgs args;
  try {
    args = parse_args(options, argc, argv);
  } catch (const std::exception& e) {  // cxxopts parse errors and UsageError
    std::cerr << "error: " << e.what() << " (see medner-eval --help)\n";
    return 2;
  }
  if (args.mode == Mode::Help) {
    std::cout << options.help();
    return 0;
  }
  try {
    std::string out = run(args);
    std::cout << out << std::flush;
    if (!std::cout) throw medner::IoError("stdout: write failed");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
