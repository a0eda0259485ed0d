// medner-tag: tag raw text (one document per line), CoNLL sentences or pre-tokenized sentences
// (one token a line), Hugging Face JSON lines or PubTator documents with a trained model,
// streaming stdin (or a file) to stdout (or a file written atomically) as JSON lines, brat
// standoff (with its .txt beside an .ann output), CoNLL, Hugging Face JSON lines or PubTator.
// Input that starts with gzip's magic bytes is decompressed first. Exit codes: apps/common/app.h.
#include "common/app.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/file_identity.h"
#include "io/input_file.h"
#include "io/progress_bar.h"
#include "model/tagging.h"
#include "options/abbreviation_options.h"
#include "options/head_option.h"

#include <chrono>
#include <iostream>
#include <memory>

namespace {

using medner::OptionKind;

struct TagArgs {
  std::string model, input, output;
  medner::TagOptions tag;
  medner::ProgressMode progress = medner::ProgressMode::Auto;
};

const medner::OptionTable<TagArgs>& tag_options() {
  using A = TagArgs;
  using medner::TagOptions;
  auto opt = [](auto member) { return [member](A& a) -> auto& { return a.tag.*member; }; };
  static const medner::OptionTable<A> table = [&] {
    medner::OptionTable<A> t = {
      medner::text_option<A>("model", OptionKind::Path, &A::model, "", "model file from medner-train, or a shipped model's name (models/README.md)"),
      medner::text_option<A>("input", OptionKind::Path, &A::input, "-",
                             "input file, '-' for stdin; gzip-compressed input (by its first bytes, any name) is "
                             "decompressed"),
      medner::text_option<A>("output", OptionKind::Path, &A::output, "", "output file (written atomically); default stdout"),
      medner::choice_option<A>("input-format", opt(&TagOptions::input),
                               std::vector<std::pair<std::string, medner::TagInput>>{
                                   {"text", medner::TagInput::Text},
                                   {"conll", medner::TagInput::Conll},
                                   {"tokens", medner::TagInput::Tokens},
                                   {"hf", medner::TagInput::Hf},
                                   {"pubtator", medner::TagInput::PubTator}},
                               "text",
                               "text: one document per line; conll: token [columns] tag, a blank line between "
                               "sentences; tokens: one token a line, no tag, a blank line between sentences; hf: "
                               "Hugging Face JSON lines (tokens, ner_tags); pubtator: PMID|t|title, PMID|a|abstract "
                               "documents"),
      medner::text_option<A>("labels", OptionKind::String, opt(&TagOptions::labels), "",
                             "hf input whose ner_tags are ids: their names, B-X,I-X,... or a dataset_info.json / "
                             "label.json file"),
      medner::bool_option<A>("repair-utf8", opt(&TagOptions::repair_utf8), false,
                             "tag raw text that is not valid UTF-8, each invalid byte read as U+FFFD (default: "
                             "refuse it, with its offset)"),
      medner::parsed_option<A>("output-format", opt(&TagOptions::format), "jsonl", "jsonl, brat (an OUT.ann output gets OUT.txt beside it), conll, hf (Hugging Face JSON "
                               "lines) or pubtator (offsets into the text: raw text lines and PubTator input)",
                               medner::parse_output_format),
      medner::int_option<A>("threads", opt(&TagOptions::threads), 0, 0, "threads (0: all cores)", medner::kMaxThreads),
      medner::int_option<A>("nbest", opt(&TagOptions::nbest), 0, 0,
                            "add the K best tag sequences with their probabilities (CRF models; fewer when the "
                            "sentence has fewer paths)",
                            medner::kMaxNbest),
      medner::int_option<A>("chunk", opt(&TagOptions::chunk_lines), 2000, 1, "lines tagged per round (memory bound)"),
      medner::head_option<A>(opt(&TagOptions::head)),
      medner::choice_option<A>("progress", &A::progress,
                               std::vector<std::pair<std::string, medner::ProgressMode>>{
                                   {"auto", medner::ProgressMode::Auto},
                                   {"always", medner::ProgressMode::Always},
                                   {"never", medner::ProgressMode::Never}},
                               "auto",
                               "a progress line on stderr: lines (sentences, documents) and tokens done, tokens/s, % of a file "
                               "read; auto: "
                               "when stderr is a terminal that the output does not go to"),
    };
    for (auto& o : medner::nested_options(medner::nested_options(medner::abbreviation_options(),
                                                                 &TagOptions::abbreviations),
                                          &A::tag))
      t.push_back(std::move(o));
    return t;
  }();
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  return run_app("medner-tag", "try a smaller --chunk or fewer --threads", [&] {
    cxxopts::Options o("medner-tag", "Tag text with a trained medner model.");
    o.add_options()("h,help", "print this help");
    add_version_option(o);
    const std::vector<OptionInfo> infos = option_infos(tag_options());
    add_table_options(o, infos);
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (print_version(r)) return kExitOk;
    if (r.count("help") != 0) {
      std::cout << o.help();
      return kExitOk;
    }
    TagArgs a;
    try {
      a = parse_options(tag_options(), given_options(r, infos));
    } catch (const InputError& e) {
      throw UsageError(e.what());
    }
    if (a.model.empty()) throw UsageError("--model is required");
    // Brat's pair: the .txt that the offsets of OUT.ann index. Raw text input is that text, so
    // when it is the input itself it is left as it is.
    std::string txt;
    if (a.tag.format == OutputFormat::Brat && a.output.size() > 4 && a.output.compare(a.output.size() - 4, 4, ".ann") == 0)
      txt = a.output.substr(0, a.output.size() - 4) + ".txt";
    if (a.tag.input == TagInput::Text && !txt.empty() && a.input != "-" && same_file(txt, a.input)) txt.clear();
    require_distinct_files({{"--model", a.model}, {"--input", a.input}},
                           {{"--output", a.output}, {"the brat text file", txt}});
    TrainedModel m = load_trained_model(a.model, a.tag.threads);
    InputFile in(a.input);
    LineReady line_ready;  // a pipe: each line is answered as soon as no more is waiting
    if (in.arrives()) line_ready = [&in] { return in.line_ready(); };
    ProgressBar bar(std::cerr, progress_wanted(a.progress, a.output.empty()), std::chrono::milliseconds(100));
    const TagProgressFn progress = [&](const TagProgress& p) {
      if (bar.due()) bar.draw(tag_progress_line(p, a.tag.input, bar.seconds(), in.fraction_read()));
    };
    // A read error (a failed pipe, corrupt or truncated gzip) is named before whatever the
    // reader made of the input cut short there.
    auto tag = [&](std::ostream& out, std::ostream* document) {
      try {
        tag_stream(m, in.stream(), in.name(), out, a.tag, document, line_ready, progress);
      } catch (...) {
        in.check();
        throw;
      }
      in.check();
    };
    if (a.output.empty()) {
      tag(std::cout, nullptr);
    } else {
      AtomicWriter w(a.output);
      std::unique_ptr<AtomicWriter> text = txt.empty() ? nullptr : std::make_unique<AtomicWriter>(txt);
      tag(w.stream(), text ? &text->stream() : nullptr);
      if (text) text->commit();
      w.commit();
    }
    return kExitOk;
  });
}
