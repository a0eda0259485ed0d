// What medner-eval does, apart from tagging with a model (that needs the model library, which
// eval does not know; apps/eval.cpp calls it): the options, the choice of mode from the options
// given (UsageError for combinations that do not go together), and the work of each mode, which
// returns the report for stdout and the --errors file's text (apps/eval.cpp writes both, so that
// this library needs no file output of its own).
#pragma once

#include "data/abbreviation_resolution.h"
#include "data/conll.h"
#include "data/corpus_format.h"
#include "eval/mention_score.h"
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
  Convert,         // --convert IN OUT --to FORMAT
  Info,            // --info MODEL: the model's card (apps/eval.cpp prints it)
};

struct EvalArgs {
  EvalMode mode = EvalMode::Help;
  std::string gold, pred;
  std::vector<std::string> files;  // positional: --stats, --compare and --convert
  std::string model, data, out;
  std::string info;  // --info MODEL
  std::string train;  // split the scores into mentions seen / unseen in it
  std::string errors;  // write the false positives and negatives there
  bool classification = true;  // --report all: the seqeval-style report after conlleval's
  int threads = 0;
  std::string labels;  // --labels: names of HF label ids (data/hf_json.h: read_label_list)
  bool stats = false, compare = false, convert = false;
  CorpusFormat to = CorpusFormat::Conll;  // --convert's output format
  SignificanceOptions significance;
  AbbreviationOptions abbreviations;  // with --model: after tagging
  std::string head;  // with --model: the head that tags ("" : the first)
  ReportFormat format = ReportFormat::Text;
};

const OptionTable<EvalArgs>& eval_options();

// The arguments of the options `given` on the command line (the others at their defaults) and
// the positional files, with the mode they ask for; UsageError when they do not go together.
EvalArgs parse_eval_args(const ConfigMap& given, const std::vector<std::string>& files);

// How the args' inputs are read: the --labels names, alignment reports to stderr.
CorpusReadOptions eval_read_options(const EvalArgs& args);

// Reads a corpus in the format of its name (data/corpus_format.h), '-' for CoNLL on stdin.
Corpus read_eval_corpus(const std::string& path, const CorpusReadOptions& options = {});

// What a mode produces: the report for stdout, and with --errors that file's contents.
struct EvalOutput {
  std::string report;
  std::string errors;  // empty unless args.errors is set
  std::string converted;  // --convert: the text of OUT (files[1])
};

// The work of every mode but ScoreModel.
EvalOutput run_eval(const EvalArgs& args);

// The score report of gold against pred in the args' format, split by --train when given, with
// the classification report (--report all), the error list (--errors) and the mention-level
// scores of PubTator files (when given).
EvalOutput eval_score_report(const EvalArgs& args, const Corpus& gold, const Corpus& pred,
                             const MentionScores* mentions = nullptr);

// --model --data: the gold corpus to tag, and for PubTator data its documents, so that the
// predictions are scored by mention too and --out can be PubTator.
struct ModelData {
  Corpus gold;
  std::vector<PubTatorDocument> documents;  // empty unless --data is PubTator
};
ModelData read_model_data(const EvalArgs& args);

// The report of the predicted tags (one list per gold sentence) against the gold, and in
// *out_text the --out file's text: PubTator for PubTator data and an --out named *.pubtator,
// conlleval's format otherwise.
EvalOutput score_model_tags(const EvalArgs& args, const ModelData& data,
                            const std::vector<std::vector<std::string>>& tags, std::string* out_text);

// conlleval's input format: token gold predicted, a blank line after each sentence (gold as
// written in `gold`, predictions from `pred`).
void write_conlleval(std::ostream& out, const Corpus& gold, const Corpus& pred);

}  // namespace medner
