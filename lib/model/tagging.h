// Using a trained model: tag a stream of raw text, CoNLL sentences or pre-tokenized sentences
// (medner-tag), and tag a gold CoNLL file and score it (medner-eval --model).
#pragma once

#include "data/abbreviation_resolution.h"
#include "data/tag_output.h"
#include "eval/metrics.h"
#include "model/predictor.h"
#include "model/tag_progress.h"
#include "model/trained_model.h"

#include <iosfwd>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

// The most sequences --nbest gives per sentence: k-best decoding keeps K partial paths per token
// and label, so its memory and time grow with K (1,000,000 on one 41-token line took 4 GB, 40 s and
// wrote 326 MB), while past the first few dozen the sequences differ in ever smaller parts of
// ever less probable readings.
constexpr int kMaxNbest = 100;

// What medner-tag reads: raw text, one document per line (split and tokenized here); CoNLL
// sentences (token [columns] tag; the tags are ignored); or one token a line without tags
// (data/token_lines.h); Hugging Face JSON lines (data/hf_json.h); PubTator documents
// (data/pubtator.h; split and tokenized like raw text, title and abstract apart). The sentence
// inputs (CoNLL, tokens, HF) are tagged as given, never re-tokenized.
enum class TagInput { Text, Conll, Tokens, Hf, PubTator };

constexpr const char* kAllHeads = "all";

struct TagOptions {
  TagInput input = TagInput::Text;
  // Raw text that is not UTF-8 (or holds NUL bytes: a binary or compressed file given as text) is
  // refused with its offset; with repair_utf8 each bad byte becomes U+FFFD and tagging goes on.
  bool repair_utf8 = false;
  std::string labels;  // HF input with label ids: the names (data/hf_json.h: read_label_list)
  OutputFormat format = OutputFormat::Jsonl;
  int threads = 0;         // 0: all cores
  int nbest = 0;           // add the K best tag sequences (CRF models)
  int chunk_lines = 2000;  // lines read, tagged in parallel and written per round
  // Short forms defined in a document take their long form's type (data/abbreviation_resolution.h).
  // Documents: a line of raw text, a PubTator document, a -DOCSTART- block of sentence input. The
  // best sequence changes; --nbest's sequences stay the network's.
  AbbreviationOptions abbreviations;
  // The network head that tags (a model trained on several corpora: model/trained_model.h
  // head_names); "" for the first; kAllHeads: every head, each entity naming its head (jsonl
  // output, no nbest; the tags and K best sequences are the first head's).
  std::string head;
};

// For raw text that arrives while it is tagged (a pipe): whether the next line can be read
// without waiting (io/pipe_input.h). While it cannot, the lines read so far are tagged and
// written first, so `tail -f | medner-tag` answers each line at once.
using LineReady = std::function<bool()>;

// Streams `in` to `out` in chunks (bounded memory), output in input order; returns the number of
// input units (lines or sentences) written. `document`, if given, gets the text the offsets of
// brat output index (each unit's text and line end): for raw text, the input's bytes. Without
// `line_ready` a chunk is --chunk lines or the end of the input. `progress`, if given, hears
// after each chunk written how many units and tokens are done.
long tag_stream(const TrainedModel& model, std::istream& in, const std::string& name, std::ostream& out,
                const TagOptions& options, std::ostream* document = nullptr, const LineReady& line_ready = {},
                const TagProgressFn& progress = {});

// Tags raw texts, each one document as a line of raw text input is (a newline inside is just
// whitespace), in chunks of options.chunk_lines on options.threads; the results in order, with
// code-point offsets into each text. Text k that is not UTF-8 is an InputError "text:k: ..."
// unless options.repair_utf8. For servers and the Python module.
std::vector<TaggedSentence> tag_texts(const TrainedModel& model, const std::vector<std::string>& texts,
                                      const TagOptions& options);
// The same with `predictor` (built on model.net; options.threads and options.head are then its
// own): a tagging service keeps one Predictor per model, whose per-thread state survives between
// calls (concurrent calls are safe).
std::vector<TaggedSentence> tag_texts(const TrainedModel& model, const Predictor& predictor,
                                      const std::vector<std::string>& texts, const TagOptions& options);

// Tags the sentences of a gold corpus with head `head`; returns IOB2 tags per sentence. With abbreviations, each
// -DOCSTART- block is a document (a file without them is one).
std::vector<std::vector<std::string>> tag_corpus(const TrainedModel& model, const Corpus& corpus, int threads,
                                                 const AbbreviationOptions& abbreviations = {}, int head = 0);

// The K best joint sequences of independent parts (best first), each part given best first as
// (tags, probability): the product distribution's top K, tags concatenated.
std::vector<std::pair<std::vector<std::string>, double>> merge_kbest(
    const std::vector<std::vector<std::pair<std::vector<std::string>, double>>>& parts, int k);

}  // namespace medner
