#include "eval/eval_command.h"

#include "core/error.h"
#include "data/corpus_stats.h"
#include "data/hf_json.h"
#include "eval/classification.h"
#include "eval/error_list.h"
#include "eval/eval_input.h"
#include "eval/metrics.h"
#include "eval/novelty.h"
#include "eval/stats_report.h"
#include "io/file_identity.h"
#include "options/abbreviation_options.h"
#include "options/head_option.h"

#include <iostream>
#include <memory>
#include <ostream>
#include <sstream>

namespace medner {

namespace {

constexpr const char* kStdin = "-";

OptionTable<EvalArgs> make_eval_options() {
  using A = EvalArgs;
  auto path = [](const char* name, auto field, const char* help) {
    return text_option<A>(name, OptionKind::Path, field, "", help);
  };
  auto sig = [](auto member) { return [member](A& a) -> auto& { return a.significance.*member; }; };
  OptionTable<A> table = {
      path("pred", &A::pred,
           "predictions: alone, a conlleval-format file (token [columns] gold predicted); with --gold, a CoNLL "
           "file (token [columns] predicted)"),
      path("gold", &A::gold,
           "gold file (CoNLL: token [columns] tag; or by the name Hugging Face JSON lines, PubTator, BioC JSON: "
           "docs/file-formats.md) with the same tokens as --pred; two PubTator files are also scored by mention"),
      bool_option<A>("stats", &A::stats, false,
                     "print sentences, tokens, chunks per type, tag scheme and longest sentence of each FILE"),
      parsed_option<A>("format", &A::format, "text", "report format: text (conlleval's layout), markdown or json",
                       parse_report_format),
      path("model", &A::model, "a model from medner-train (or a shipped model's name): tag --data with it, then score"),
      path("info", &A::info,
           "print the card of MODEL (a path or a shipped model's name): medner version, training data with "
           "sizes and CRC-32s, the epoch kept, dev and test P/R/F1 per type, tags and configuration; JSON with "
           "--format json"),
      path("data", &A::data, "gold file (a format as --gold) to tag and score with --model"),
      path("out", &A::out,
           "with --model: write the predictions in conlleval's format (token gold predicted), or as PubTator for "
           "PubTator --data and an --out named *.pubtator"),
      path("train", &A::train,
           "the training file (A,B for several): also score mentions seen and unseen in its gold chunks (same "
           "type and lower-cased text) separately"),
      choice_option<A>("report", &A::classification,
                       std::vector<std::pair<std::string, bool>>{{"all", true}, {"conlleval", false}}, "all",
                       "what scoring prints: all (conlleval's report, then a seqeval-style classification "
                       "report: per type P/R/F1/support with micro, macro and weighted averages, partial-match "
                       "scores and token-level scores without O) or conlleval (its report alone, as the Perl "
                       "script prints it)"),
      path("errors", &A::errors,
           "with scoring: write every false positive and false negative with its sentence to this file, "
           "grouped by type (and seen / unseen with --train); JSON with --format json"),
      text_option<A>("labels", OptionKind::String, &A::labels, "",
                     "label names of Hugging Face files whose ner_tags are ids: B-X,I-X,... in id order, or a "
                     "dataset_info.json / label.json file; --convert --to hf then writes ids"),
      bool_option<A>("convert", &A::convert, false,
                     "convert FILE IN (format by its name: *.bioc.json BioC JSON, *.jsonl/*.json Hugging Face, "
                     "*.pubtator PubTator, else CoNLL) to FILE OUT ('-': stdout) in the format of --to"),
      parsed_option<A>("to", &A::to, "conll", "with --convert: the output format, conll, hf, pubtator or bioc (BioC JSON)",
                       parse_corpus_format),
      int_option<A>("threads", &A::threads, 0, 0, "with --model: tagging threads (0: all cores)", kMaxThreads),
      head_option<A>(&A::head),  // with --model
      bool_option<A>("compare", &A::compare, false,
                     "significance of the F1 difference between two systems A and B (two FILEs): CoNLL "
                     "predictions with the tokens of --gold, or conlleval-format files (token gold predicted; "
                     "then --gold may be left out)"),
      parsed_option<A>("method", sig(&SignificanceOptions::method), "bootstrap",
                       "with --compare: bootstrap (paired, over sentences) or randomization (approximate "
                       "randomization, sentences swapped between A and B)",
                       parse_significance_method),
      int_option<A>("samples", sig(&SignificanceOptions::samples), 10000, 1,
                    "with --compare: bootstrap samples or randomization rounds"),
      int_option<A>("seed", sig(&SignificanceOptions::seed), 1, 0, "with --compare: random seed"),
  };
  for (Option<A>& o : nested_options(abbreviation_options(), &A::abbreviations)) table.push_back(std::move(o));
  return table;
}

bool given_option(const ConfigMap& given, const char* name) {
  for (const auto& kv : given)
    if (kv.first == name) return true;
  return false;
}

EvalMode compare_mode(const EvalArgs& a, const ConfigMap& given) {
  if (a.stats || !a.pred.empty() || given_option(given, "model") || given_option(given, "data") ||
      given_option(given, "out"))
    throw UsageError("--compare takes two FILEs and an optional --gold; it cannot be combined with --pred, "
                     "--stats, --model, --data or --out");
  if (a.files.size() != 2)
    throw UsageError("--compare needs two FILEs (systems A and B), got " + std::to_string(a.files.size()));
  int stdin_uses = (a.gold == kStdin) + (a.files[0] == kStdin) + (a.files[1] == kStdin);
  if (stdin_uses > 1) throw UsageError("only one input of --compare can be '-'");
  return EvalMode::Compare;
}

EvalMode convert_mode(const EvalArgs& a, const ConfigMap& given) {
  for (const char* o : {"pred", "gold", "model", "data", "out", "train", "errors", "report", "compare", "stats"})
    if (given_option(given, o))
      throw UsageError(std::string("--convert takes two FILEs, IN and OUT, and --to; it cannot be combined with --") + o);
  if (a.files.size() != 2)
    throw UsageError("--convert needs two FILEs (IN and OUT), got " + std::to_string(a.files.size()));
  if (!given_option(given, "to")) throw UsageError("--convert needs --to conll, hf, pubtator or bioc");
  return EvalMode::Convert;
}

EvalMode choose_mode(const EvalArgs& a, const ConfigMap& given) {
  if (given_option(given, "info")) {
    if (a.info.empty()) throw UsageError("--info needs a model (a path or a shipped model's name)");
    if (given.size() > (given_option(given, "format") ? 2u : 1u) || !a.files.empty())
      throw UsageError("--info MODEL goes alone (with --format json at most)");
    return EvalMode::Info;
  }
  if (a.convert) return convert_mode(a, given);
  if (given_option(given, "to")) throw UsageError("--to goes with --convert");
  if (!a.compare && (given_option(given, "method") || given_option(given, "samples") || given_option(given, "seed")))
    throw UsageError("--method, --samples and --seed go with --compare");
  if (a.train == kStdin && (a.pred == kStdin || a.gold == kStdin || a.data == kStdin))
    throw UsageError("--train and another input cannot both be '-'");
  if (!a.train.empty() && (a.compare || a.stats))
    throw UsageError("--train goes with scoring (--pred, --gold/--pred, --model/--data), not with --compare or "
                     "--stats");
  if ((given_option(given, "errors") || given_option(given, "report")) && (a.compare || a.stats))
    throw UsageError("--errors and --report go with scoring (--pred, --gold/--pred, --model/--data), not with "
                     "--compare or --stats");
  if (given_option(given, "errors") && (a.errors.empty() || a.errors == kStdin))
    throw UsageError("--errors needs a file name ('-' is not one: stdout carries the report)");
  if (a.compare) return compare_mode(a, given);
  if (given_option(given, "model") || given_option(given, "data")) {
    if (a.model.empty() || a.data.empty()) throw UsageError("--model and --data go together");
    if (a.stats || !a.gold.empty() || !a.pred.empty() || !a.files.empty())
      throw UsageError("--model/--data cannot be combined with --stats, --gold or --pred");
    return EvalMode::ScoreModel;
  }
  if (given_option(given, "out")) throw UsageError("--out needs --model and --data");
  if (given_option(given, "head")) throw UsageError("--head needs --model and --data");
  if (a.stats) {
    if (!a.gold.empty() || !a.pred.empty()) throw UsageError("--stats cannot be combined with --gold or --pred");
    if (a.files.empty()) throw UsageError("--stats needs at least one FILE");
    return EvalMode::Stats;
  }
  if (!a.files.empty())
    throw UsageError("unexpected argument '" + a.files.front() +
                     "' (files without an option are for --stats and --compare)");
  if (a.pred.empty())
    throw UsageError(a.gold.empty() ? "nothing to do: give --pred FILE, --gold GOLD --pred PRED, --model M --data "
                                      "FILE, --compare A B or --stats FILE..."
                                    : "--gold needs --pred PRED");
  if (a.gold == kStdin && a.pred == kStdin) throw UsageError("--gold and --pred cannot both be '-'");
  return a.gold.empty() ? EvalMode::ScoreConlleval : EvalMode::ScorePair;
}

EvalInput read_conlleval_file(const std::string& path) {
  return path == kStdin ? read_conlleval(std::cin, "<stdin>") : read_conlleval(path);
}

// --compare: per-sentence counts of both systems against the gold tags. With --gold, A and B are
// read as CoNLL files whose last column is the prediction (so a conlleval-format file, token
// gold predicted, works too); without it, both are conlleval-format files and must agree on gold.
std::string compare(const EvalArgs& a) {
  const std::string& path_a = a.files[0];
  const std::string& path_b = a.files[1];
  Corpus gold, pred_a, pred_b;
  if (!a.gold.empty()) {
    const CorpusReadOptions options = eval_read_options(a);
    gold = read_eval_corpus(a.gold, options);
    pred_a = read_eval_corpus(path_a, options);
    pred_b = read_eval_corpus(path_b, options);
  } else {
    EvalInput in_a = read_conlleval_file(path_a);
    EvalInput in_b = read_conlleval_file(path_b);
    check_aligned(in_a.gold, in_b.gold);
    for (std::size_t s = 0; s < in_a.gold.sentences.size(); ++s) {
      const Sentence& ga = in_a.gold.sentences[s];
      const Sentence& gb = in_b.gold.sentences[s];
      for (std::size_t k = 0; k < ga.tags.size(); ++k)
        if (ga.tags[k] != gb.tags[k])
          throw InputError(fmt::format("{}:{}: gold tag '{}' differs from gold tag '{}' at {}:{}; both systems "
                                       "must be scored on the same gold data",
                                       in_b.gold.path, token_line(gb, k), gb.tags[k], ga.tags[k],
                                       in_a.gold.path, token_line(ga, k)));
    }
    gold = std::move(in_a.gold);
    pred_a = std::move(in_a.pred);
    pred_b = std::move(in_b.pred);
  }
  SignificanceResult r = compare_systems(sentence_counts(gold, pred_a), sentence_counts(gold, pred_b), a.significance);
  return format_significance(r, path_a, path_b, a.format);
}

// --convert IN OUT --to FORMAT: the text of OUT. CoNLL output from PubTator or BioC keeps the
// documents as -DOCSTART- lines; HF output writes ids when --labels is given.
std::string convert(const EvalArgs& a) {
  const CorpusReadOptions options = eval_read_options(a);
  const std::string& in = a.files[0];
  const Corpus corpus = read_eval_corpus(in, options);
  std::ostringstream out;
  const CorpusFormat from = in == kStdin ? CorpusFormat::Conll : corpus_format_of(in);
  const bool documents = from == CorpusFormat::PubTator || from == CorpusFormat::Bioc;
  write_corpus(out, corpus, a.to, options, documents);
  return std::move(out).str();
}

// --gold --pred: token-level scores, and for two PubTator files the mention-level ones too.
EvalOutput score_pair(const EvalArgs& a) {
  const CorpusReadOptions options = eval_read_options(a);
  if (a.gold == kStdin || a.pred == kStdin || corpus_format_of(a.gold) != CorpusFormat::PubTator ||
      corpus_format_of(a.pred) != CorpusFormat::PubTator)
    return eval_score_report(a, read_eval_corpus(a.gold, options), read_eval_corpus(a.pred, options));
  const std::vector<PubTatorDocument> gold_docs = read_pubtator_text(read_text_file(a.gold), a.gold);
  const std::vector<PubTatorDocument> pred_docs = read_pubtator_text(read_text_file(a.pred), a.pred);
  // The mention scores count every mention; the token-level ones only those on tokens.
  const MentionScores mentions = score_mentions(gold_docs, pred_docs, a.gold, a.pred);
  PubTatorAlignment gold_alignment, pred_alignment;
  const Corpus gold = pubtator_corpus(gold_docs, a.gold, &gold_alignment);
  const Corpus pred = pubtator_corpus(pred_docs, a.pred, &pred_alignment);
  report_alignment(gold_alignment, a.gold, options.log);
  report_alignment(pred_alignment, a.pred, options.log);
  return eval_score_report(a, gold, pred, &mentions);
}

}  // namespace

const OptionTable<EvalArgs>& eval_options() {
  static const OptionTable<EvalArgs> table = make_eval_options();
  return table;
}

EvalArgs parse_eval_args(const ConfigMap& given, const std::vector<std::string>& files) {
  EvalArgs a;
  try {
    a = parse_options(eval_options(), given);
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
  a.files = files;
  a.mode = choose_mode(a, given);
  std::vector<NamedPath> inputs = {{"--pred", a.pred}, {"--gold", a.gold}, {"--model", a.model}, {"--data", a.data}};
  if (a.mode == EvalMode::Info) return a;  // reads one file, writes none
  const bool convert_out = a.mode == EvalMode::Convert && a.files[1] != kStdin;
  for (std::size_t i = 0; i < a.files.size(); ++i)
    if (a.mode != EvalMode::Convert || i == 0) inputs.push_back({"FILE", a.files[i]});
  if (!a.train.empty())
    for (const std::string& f : split_file_list(a.train)) inputs.push_back({"--train", f});
  require_distinct_files(inputs, {{"--out", a.out}, {"--errors", a.errors}, {"OUT", convert_out ? a.files[1] : ""}});
  return a;
}

CorpusReadOptions eval_read_options(const EvalArgs& a) {
  CorpusReadOptions o;
  o.labels = read_label_list(a.labels);
  o.log = &std::cerr;
  return o;
}

Corpus read_eval_corpus(const std::string& path, const CorpusReadOptions& options) {
  return path == kStdin ? read_conll(std::cin, "<stdin>") : read_corpus(path, options);
}

EvalOutput eval_score_report(const EvalArgs& a, const Corpus& gold, const Corpus& pred,
                             const MentionScores* mentions) {
  const EvalReport report = evaluate(gold, pred);
  std::unique_ptr<TrainMentions> train;
  std::unique_ptr<NoveltyReport> novelty;
  if (!a.train.empty()) {
    train = std::make_unique<TrainMentions>(a.train == kStdin ? read_eval_corpus(a.train)
                                                              : read_corpus_files(a.train, eval_read_options(a)));
    novelty = std::make_unique<NoveltyReport>(novelty_report(gold, pred, *train));
  }
  std::unique_ptr<ClassificationReport> classification;
  if (a.classification)
    classification = std::make_unique<ClassificationReport>(classification_report(gold, pred));
  EvalOutput out;
  out.report = format_report(report, a.format, novelty.get(), classification.get(), mentions);
  if (!a.errors.empty())
    out.errors = format_errors(collect_errors(gold, pred, train.get()), gold, train.get(), a.format);
  return out;
}

ModelData read_model_data(const EvalArgs& a) {
  ModelData d;
  if (a.data == kStdin || corpus_format_of(a.data) != CorpusFormat::PubTator) {
    d.gold = read_eval_corpus(a.data, eval_read_options(a));
    return d;
  }
  d.documents = read_pubtator_text(read_text_file(a.data), a.data);
  PubTatorAlignment alignment;
  d.gold = pubtator_corpus(d.documents, a.data, &alignment);
  report_alignment(alignment, a.data, eval_read_options(a).log);
  return d;
}

EvalOutput score_model_tags(const EvalArgs& a, const ModelData& data,
                            const std::vector<std::vector<std::string>>& tags, std::string* out_text) {
  Corpus pred = data.gold;
  for (std::size_t i = 0; i < tags.size(); ++i) pred.sentences[i].tags = tags[i];
  std::ostringstream out;
  if (data.documents.empty()) {
    write_conlleval(out, data.gold, pred);
    *out_text = std::move(out).str();
    return eval_score_report(a, data.gold, pred);
  }
  const std::vector<PubTatorDocument> predicted = pubtator_tagged(data.documents, tags);
  if (corpus_format_of(a.out) == CorpusFormat::PubTator)
    write_pubtator(out, predicted);
  else
    write_conlleval(out, data.gold, pred);
  *out_text = std::move(out).str();
  const MentionScores mentions = score_mentions(data.documents, predicted, a.data, "the predictions");
  return eval_score_report(a, data.gold, pred, &mentions);
}

void write_conlleval(std::ostream& out, const Corpus& gold, const Corpus& pred) {
  for (std::size_t i = 0; i < gold.sentences.size(); ++i) {
    const Sentence& s = gold.sentences[i];
    for (std::size_t k = 0; k < s.tokens.size(); ++k)
      out << s.tokens[k] << ' ' << s.tags[k] << ' ' << pred.sentences[i].tags[k] << '\n';
    out << '\n';
  }
}

EvalOutput run_eval(const EvalArgs& a) {
  switch (a.mode) {
    case EvalMode::ScoreConlleval: {
      EvalInput in = read_conlleval_file(a.pred);
      return eval_score_report(a, in.gold, in.pred);
    }
    case EvalMode::ScorePair:
      return score_pair(a);
    case EvalMode::Stats: {
      std::vector<CorpusStats> stats;
      for (const std::string& f : a.files) stats.push_back(corpus_stats(read_eval_corpus(f, eval_read_options(a))));
      return EvalOutput{format_stats(stats, a.format), "", ""};
    }
    case EvalMode::Compare:
      return EvalOutput{compare(a), "", ""};
    case EvalMode::Convert:
      return EvalOutput{"", "", convert(a)};
    case EvalMode::ScoreModel:
    case EvalMode::Info:
    case EvalMode::Help:
      break;
  }
  MEDNER_CHECK(false, "run_eval: mode {} is not the eval library's", static_cast<int>(a.mode));
  return {};
}

}  // namespace medner
