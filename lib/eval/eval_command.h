// What medner-eval does, apart from tagging with a model (that needs the model library, which
// eval does not know; apps/eval.cpp calls it): the options, the choice of mode from the options
// given (UsageError for combinations that do not go together), and the work of each mode, which
// returns the report for stdout and the --errors file's text (apps/eval.cpp writes both, so that
// this library needs no file output of its own).
#pragma once

#include "data/conll.h"
#include "eval/report.h"
#include "eval/significance.h"
#include "options/option_table.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace medner {

enum class EvalMode {
  Help,
  ScoreConlleval,  // --pred FILE (conlleval's format: token ... gold predicted)
  ScorePair,       // --gold GOLD --pred PRED
  Stats,           // --stats FILE...
  ScoreModel,      // --model M --data FILE [--out PRED]
  Compare,         // --compare A B [--gold G]
};

struct EvalArgs {
  EvalMode mode = EvalMode::Help;
  std::string gold, pred;
  std::vector<std::string> files;  // positional: --stats and --compare
  std::string model, data, out;
  std::string train;  // split the scores into mentions seen / unseen in it
  std::string errors;  // write the false positives and negatives there
  bool classification = true;  // --report all: the seqeval-style report after conlleval's
  int threads = 0;
  bool stats = false, compare = false;
  SignificanceOptions significance;
  ReportFormat format = ReportFormat::Text;
};

const OptionTable<EvalArgs>& eval_options();

// The arguments of the options `given` on the command line (the others at their defaults) and
// the positional files, with the mode they ask for; UsageError when they do not go together.
EvalArgs parse_eval_args(const ConfigMap& given, const std::vector<std::string>& files);

// Reads a CoNLL file, '-' for stdin.
Corpus read_eval_corpus(const std::string& path);

// What a mode produces: the report for stdout, and with --errors that file's contents.
struct EvalOutput {
  std::string report;
  std::string errors;  // empty unless args.errors is set
};

// The work of every mode but ScoreModel.
EvalOutput run_eval(const EvalArgs& args);

// The score report of gold against pred in the args' format, split by --train when given, with
// the classification report (--report all) and the error list (--errors).
EvalOutput eval_score_report(const EvalArgs& args, const Corpus& gold, const Corpus& pred);

// conlleval's input format: token gold predicted, a blank line after each sentence (gold as
// written in `gold`, predictions from `pred`).
void write_conlleval(std::ostream& out, const Corpus& gold, const Corpus& pred);

}  // namespace medner
