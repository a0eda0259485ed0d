// medner-eval: scores tagged CoNLL data exactly like the CoNLL-2000 conlleval script, then
// seqeval-style (text, Markdown or JSON report; --errors lists the errors), prints corpus
// statistics, tests whether two systems' F1 differ, or tags a gold file with a model and scores
// it. The modes and their work are lib/eval's (eval/eval_command.h); tagging is the model
// library's. Exit codes: apps/common/app.h.
#include "common/app.h"
#include "core/error.h"
#include "eval/eval_command.h"
#include "io/atomic_file.h"
#include "model/tagging.h"

#include <iostream>
#include <memory>

namespace {

constexpr const char* kUsage =
    "Score tagged CoNLL data exactly like conlleval (exact-match chunks, micro\n"
    "P/R/F1 overall and per type), then a seqeval-style classification report\n"
    "(averages, partial match, token level), or print corpus statistics.\n\n"
    "  medner-eval --pred FILE              FILE: token [columns] gold predicted\n"
    "  medner-eval --gold GOLD --pred PRED  two CoNLL files with the same tokens\n"
    "  medner-eval --model M --data FILE [--out PRED]\n"
    "  (add --train TRAIN to split the scores into mentions seen / unseen in it,\n"
    "   --errors FILE to list every false positive and false negative)\n"
    "  medner-eval --compare A B [--gold G]  is F1(B) - F1(A) significant?\n"
    "  medner-eval --stats FILE...\n\n"
    "FILE '-' reads stdin. Exit codes: 0 ok, 1 bad input, 2 usage error.";

// --model M --data FILE: tag the gold file, write the predictions (--out), score them.
medner::EvalOutput score_model(const medner::EvalArgs& a) {
  using namespace medner;
  TrainedModel model = load_trained_model(a.model);
  Corpus data = read_eval_corpus(a.data);
  Corpus pred = data;
  std::vector<std::vector<std::string>> tags = tag_corpus(model, data, a.threads);
  for (std::size_t i = 0; i < tags.size(); ++i) pred.sentences[i].tags = tags[i];
  if (!a.out.empty()) {
    AtomicWriter w(a.out);
    write_conlleval(w.stream(), data, pred);
    w.commit();
  }
  return eval_score_report(a, data, pred);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  return run_app("medner-eval", "try fewer --threads", [&] {
    cxxopts::Options o("medner-eval", kUsage);
    o.positional_help("[FILE...]");
    const std::vector<OptionInfo> infos = option_infos(eval_options());
    add_table_options(o, infos);
    o.add_options()("files", "files for --stats and --compare", cxxopts::value<std::vector<std::string>>())(
        "h,help", "print this help");
    add_version_option(o);
    o.parse_positional({"files"});
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (print_version(r)) return kExitOk;
    if (r.count("help") != 0) {
      std::cout << o.help();
      return kExitOk;
    }
    const std::vector<std::string> files =
        r.count("files") != 0 ? r["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const EvalArgs args = parse_eval_args(given_options(r, infos, true), files);
    // The --errors file is opened before any input is read, so an unwritable folder fails at
    // once, and committed before the report is printed, so a failure leaves stdout empty.
    std::unique_ptr<AtomicWriter> errors;
    if (!args.errors.empty()) errors = std::make_unique<AtomicWriter>(args.errors);
    const EvalOutput out = args.mode == EvalMode::ScoreModel ? score_model(args) : run_eval(args);
    if (errors) {
      errors->stream() << out.errors;
      errors->commit();
    }
    std::cout << out.report << std::flush;
    if (!std::cout) throw IoError("stdout: write failed");
    return kExitOk;
  });
}
