// medner-eval: scores tagged CoNLL data exactly like the CoNLL-2000 conlleval script, then
// seqeval-style (text, Markdown or JSON report; --errors lists the errors), prints corpus
// statistics, tests whether two systems' F1 differ, or tags a gold file with a model and scores
// it. The modes and their work are lib/eval's (eval/eval_command.h); tagging is the model
// library's. Exit codes: apps/common/app.h.
#include "common/app.h"
#include "core/error.h"
#include "eval/eval_command.h"
#include "io/atomic_file.h"
#include "model/model_card.h"
#include "model/shipped_models.h"
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
    "  medner-eval --stats FILE...\n"
    "  medner-eval --info MODEL             the model's card (data, scores, configuration)\n"
    "  medner-eval --convert IN OUT --to conll|hf|pubtator|bioc\n\n"
    "Files are CoNLL, or by their names BioC JSON (*.bioc.json), Hugging Face JSON\n"
    "lines (*.jsonl, *.json) or PubTator (*.pubtator, *.pubtator.txt). FILE '-'\n"
    "reads stdin (CoNLL).\n"
    "Exit codes: 0 ok, 1 bad input, 2 usage error.";

// --model M --data FILE: tag the gold file, write the predictions (--out), score them (by mention
// too for PubTator data).
medner::EvalOutput score_model(const medner::EvalArgs& a) {
  using namespace medner;
  TrainedModel model = load_trained_model(a.model, a.threads);
  const ModelData data = read_model_data(a);
  std::string predictions;
  EvalOutput out = score_model_tags(a, data, tag_corpus(model, data.gold, a.threads, a.abbreviations, find_head(model, a.head)), &predictions);
  if (!a.out.empty()) {
    AtomicWriter w(a.out);
    w.stream() << predictions;
    w.commit();
  }
  return out;
}

// --info MODEL: the card stored in the model file.
std::string model_info(const medner::EvalArgs& a) {
  using namespace medner;
  const std::string path = resolve_model_path(a.info);
  const ModelFile mf = load_model_file(path);
  model_require_kind(mf, "model", path);
  return format_model_info(mf, path, a.format == ReportFormat::Json);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  return run_app("medner-eval", "try fewer --threads", [&] {
    cxxopts::Options o("medner-eval", kUsage);
    o.positional_help("[FILE...]");
    const std::vector<OptionInfo> infos = option_infos(eval_options());
    add_table_options(o, infos);
    o.add_options()("files", "files for --stats, --compare and --convert", cxxopts::value<std::vector<std::string>>())(
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
    if (args.mode == EvalMode::Info) {
      std::cout << model_info(args) << std::flush;
      if (!std::cout) throw IoError("stdout: write failed");
      return kExitOk;
    }
    std::unique_ptr<AtomicWriter> errors;
    if (!args.errors.empty()) errors = std::make_unique<AtomicWriter>(args.errors);
    const EvalOutput out = args.mode == EvalMode::ScoreModel ? score_model(args) : run_eval(args);
    if (args.mode == EvalMode::Convert && args.files[1] != "-") {
      AtomicWriter w(args.files[1]);
      w.stream() << out.converted;
      w.commit();
    } else if (args.mode == EvalMode::Convert) {
      std::cout << out.converted;
    }
    if (errors) {
      errors->stream() << out.errors;
      errors->commit();
    }
    std::cout << out.report << std::flush;
    if (!std::cout) throw IoError("stdout: write failed");
    return kExitOk;
  });
}
