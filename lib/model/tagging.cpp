#include "model/tagging.h"

#include "core/error.h"
#include "data/hf_json.h"
#include "data/pubtator.h"
#include "data/tag_scheme.h"
#include "data/token_lines.h"
#include "data/tokenizer.h"
#include "data/utf8.h"
#include "model/context.h"
#include "model/predictor.h"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <ostream>

namespace medner {

// Beam over the parts with back-pointers: each level keeps the K best partial products as
// (probability, parent in the previous level, choice in this part), and only the K survivors of
// the last level are spelled out. Copying the concatenated tags at every level instead made a
// long line (2,000 pieces of 1,000 tokens) quadratic: 30 s for 400,000 tokens with --nbest 3.
std::vector<std::pair<std::vector<std::string>, double>> merge_kbest(
    const std::vector<std::vector<std::pair<std::vector<std::string>, double>>>& parts, int k) {
  struct Cand {
    double p;
    int parent;  // index into the previous level
    int choice;  // index into this level's part
  };
  std::vector<std::vector<Cand>> levels = {{Cand{1.0, -1, -1}}};
  for (const auto& part : parts) {
    const std::vector<Cand>& prev = levels.back();
    std::vector<Cand> next;
    next.reserve(prev.size() * part.size());
    for (std::size_t a = 0; a < prev.size(); ++a)
      for (std::size_t c = 0; c < part.size(); ++c)
        next.push_back(Cand{prev[a].p * part[c].second, static_cast<int>(a), static_cast<int>(c)});
    std::stable_sort(next.begin(), next.end(),
                     [](const Cand& x, const Cand& y) { return x.p > y.p; });
    if (static_cast<int>(next.size()) > k) next.resize(static_cast<std::size_t>(k));
    levels.push_back(std::move(next));
  }
  std::size_t total = 0;  // tags per sequence: every part's sequences have the same length
  for (const auto& part : parts)
    if (!part.empty()) total += part.front().first.size();
  std::vector<std::pair<std::vector<std::string>, double>> out;
  for (const Cand& last : levels.back()) {
    std::vector<int> choices(parts.size());
    int at = static_cast<int>(&last - levels.back().data());
    for (std::size_t l = levels.size() - 1; l > 0; --l) {
      const Cand& n = levels[l][static_cast<std::size_t>(at)];
      choices[l - 1] = n.choice;
      at = n.parent;
    }
    std::vector<std::string> tags;
    tags.reserve(total);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& seq = parts[i][static_cast<std::size_t>(choices[i])].first;
      tags.insert(tags.end(), seq.begin(), seq.end());
    }
    out.emplace_back(std::move(tags), last.p);
  }
  return out;
}

namespace {

// One input unit (a text line or a CoNLL sentence) and the sentences it was split into.
struct Unit {
  TaggedSentence tagged;
  std::u32string chars;                 // text decoded, for entity strings
  std::vector<std::size_t> sentence_ids;  // into the chunk's sentence list
  std::vector<std::size_t> first_token;   // index of each sentence's first token in tagged.tokens
  int document = 0;  // for document context: the input line, or the CoNLL sentence's document
};

// IOB2 tags of n tokens holding `mentions` (sorted, not overlapping).
std::vector<std::string> iob2_tags(std::size_t n, const std::vector<Mention>& mentions) {
  std::vector<std::string> tags(n, "O");
  for (const Mention& m : mentions)
    for (std::size_t t = m.begin; t < m.end; ++t) tags[t] = (t == m.begin ? "B-" : "I-") + m.type;
  return tags;
}

std::vector<Mention> mentions_of(const std::vector<Span>& spans, const std::vector<double>& confidence) {
  std::vector<Mention> out;
  for (std::size_t i = 0; i < spans.size(); ++i)
    out.push_back(Mention{static_cast<std::size_t>(spans[i].begin), static_cast<std::size_t>(spans[i].end),
                          spans[i].type, i < confidence.size() ? confidence[i] : 0.0});
  return out;
}

// Abbreviation resolution over one document's sentences (ids into `sentences` and `preds`, in
// order): the predictions' tags, spans and confidences rewritten.
void resolve_document(const std::vector<std::size_t>& ids, const std::vector<std::vector<std::string>>& sentences,
                      std::vector<Prediction>& preds, const AbbreviationOptions& options) {
  std::vector<const std::vector<std::string>*> tokens;
  std::vector<std::vector<Mention>> mentions;
  for (std::size_t id : ids) {
    tokens.push_back(&sentences[id]);
    mentions.push_back(mentions_of(preds[id].spans, preds[id].confidence));
  }
  const AbbreviationChanges changes = resolve_abbreviations(tokens, mentions, options);
  if (changes.retyped + changes.added + changes.removed == 0) return;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    Prediction& p = preds[ids[k]];
    p.tags = iob2_tags(sentences[ids[k]].size(), mentions[k]);
    p.spans.clear();
    p.confidence.clear();
    for (const Mention& m : mentions[k]) {
      p.spans.push_back(Span{static_cast<int>(m.begin), static_cast<int>(m.end), m.type});
      p.confidence.push_back(m.confidence);
    }
  }
}

// The heads that tag: one (names[0] empty: entities name no head), or with --head all every
// head, each entity naming its own.
struct HeadTaggers {
  std::vector<std::unique_ptr<Predictor>> owned;
  std::vector<const Predictor*> predictors;
  std::vector<std::string> names;
};

HeadTaggers head_taggers(const TrainedModel& model, const TagOptions& o) {
  HeadTaggers t;
  if (o.head == kAllHeads) {
    t.names = head_names(model.config, model.vocab);
    for (std::size_t h = 0; h < t.names.size(); ++h)
      t.owned.push_back(std::make_unique<Predictor>(*model.net, model.vocab, o.threads, static_cast<int>(h)));
  } else {
    t.names = {""};
    t.owned.push_back(
        std::make_unique<Predictor>(*model.net, model.vocab, o.threads, find_head(model, o.head)));
  }
  for (const auto& p : t.owned) t.predictors.push_back(p.get());
  return t;
}

// Tags the units with each head in turn (abbreviations resolved in each head's predictions). The
// units' tags and K best sequences are the first head's; entities come from every head, in text
// order.
void tag_units(const TrainedModel& model, const std::vector<const Predictor*>& predictors,
               const std::vector<std::string>& names, std::vector<Unit>& units,
               std::vector<std::vector<std::string>>& sentences, int nbest, const AbbreviationOptions& abbreviations) {
  Dataset data = encode_tokens(sentences, model.vocab);
  if (model.net->config().context > 0) {
    std::vector<int> document(sentences.size(), 0);
    for (const Unit& u : units)
      for (std::size_t id : u.sentence_ids) document[id] = u.document;
    add_context(data, model.net->config().context, document);
  }
  for (std::size_t h = 0; h < predictors.size(); ++h) {
    const int k_best = h == 0 ? nbest : 0;
    std::vector<Prediction> preds = predictors[h]->predict(data, true, k_best);
    if (abbreviations.enabled)
      for (std::size_t u = 0; u < units.size();) {  // a document: consecutive units with its number
        std::vector<std::size_t> ids;
        const int document = units[u].document;
        for (; u < units.size() && units[u].document == document; ++u)
          ids.insert(ids.end(), units[u].sentence_ids.begin(), units[u].sentence_ids.end());
        resolve_document(ids, sentences, preds, abbreviations);
      }
    for (Unit& u : units) {
      std::vector<std::vector<std::pair<std::vector<std::string>, double>>> parts;
      for (std::size_t k = 0; k < u.sentence_ids.size(); ++k) {
        const Prediction& p = preds[u.sentence_ids[k]];
        const std::size_t base = u.first_token[k];
        if (h == 0) u.tagged.tags.insert(u.tagged.tags.end(), p.tags.begin(), p.tags.end());
        for (std::size_t s = 0; s < p.spans.size(); ++s) {
          TaggedEntity e;
          e.begin = u.tagged.tokens[base + static_cast<std::size_t>(p.spans[s].begin)].begin;
          e.end = u.tagged.tokens[base + static_cast<std::size_t>(p.spans[s].end) - 1].end;
          e.type = p.spans[s].type;
          e.text = utf8_encode(std::u32string_view(u.chars).substr(e.begin, e.end - e.begin));
          e.confidence = p.confidence[s];
          e.head = names[h];
          u.tagged.entities.push_back(std::move(e));
        }
        if (k_best > 0) parts.push_back(p.nbest);
      }
      if (k_best > 0 && !parts.empty()) u.tagged.nbest = merge_kbest(parts, k_best);
    }
  }
  if (predictors.size() > 1)
    for (Unit& u : units)
      std::stable_sort(u.tagged.entities.begin(), u.tagged.entities.end(),
                       [](const TaggedEntity& a, const TaggedEntity& b) { return a.begin < b.begin; });
}

// Registers tokens [first, first + n) of unit u as sentences for the tagger, cut into pieces of
// at most kMaxSentence tokens: a 10 MB line without a sentence end must not become one
// multi-million-step LSTM sequence (memory grows with sentence length).
constexpr std::size_t kMaxSentence = 1000;

void add_sentences(Unit& u, std::size_t first, const std::vector<std::string>& words,
                   std::vector<std::vector<std::string>>& sentences) {
  for (std::size_t at = 0; at < words.size(); at += kMaxSentence) {
    std::size_t end = std::min(words.size(), at + kMaxSentence);
    u.sentence_ids.push_back(sentences.size());
    u.first_token.push_back(first + at);
    std::vector<std::string>& piece = sentences.emplace_back();
    piece.reserve(end - at);
    for (std::size_t k = at; k < end; ++k) piece.push_back(model_token(words[k]));
  }
}

// A unit of raw text (u.tagged.text set): split into sentences and tokens, registered for the
// tagger.
void add_text_sentences(Unit& u, std::vector<std::vector<std::string>>& sentences) {
  u.chars = utf8_decode(u.tagged.text);
  for (std::vector<Token>& sent : tokenize_sentences(u.tagged.text)) {
    const std::size_t first = u.tagged.tokens.size();
    std::vector<std::string> words;
    for (Token& t : sent) {
      words.push_back(t.text);  // add_sentences cuts overlong tokens for the network
      u.tagged.tokens.push_back(std::move(t));
    }
    add_sentences(u, first, words, sentences);
  }
}

}  // namespace

namespace {

// Raw text that is not UTF-8 text: an InputError at the first NUL byte or invalid sequence of
// `line`, which starts at byte `offset` of the input, or (repair) the line with U+FFFD for each
// invalid byte.
std::string checked_text(const std::string& line, const std::string& name, long line_number, std::size_t offset,
                         bool repair) {
  std::size_t bad = line.find('\0');
  std::size_t invalid = 0;
  if (!utf8_valid(line, &invalid) && invalid < bad) bad = invalid;
  if (bad == std::string::npos) return line;
  if (!repair)
    throw InputError(fmt::format("{}:{}: {} at byte {} of the input (column {}); expected UTF-8 text (is this a binary "
                                 "or compressed file?); --repair-utf8 tags it anyway, with U+FFFD for each invalid byte",
                                 name, line_number,
                                 line[bad] == '\0' ? "NUL byte" : fmt::format("invalid UTF-8 byte 0x{:02X}",
                                                                              static_cast<unsigned char>(line[bad])),
                                 offset + bad, bad + 1));
  return utf8_repair(line);  // a NUL is valid UTF-8 and stays (JSON output escapes it)
}

// The sentence inputs, read whole.
Corpus read_sentence_input(std::istream& in, const std::string& name, const TagOptions& o) {
  switch (o.input) {
    case TagInput::Conll: return read_conll(in, name);
    case TagInput::Hf: return read_hf_json_text(read_text_stream(in, name), name, read_label_list(o.labels));
    default: break;
  }
  return read_token_lines(in, name);
}

// A PubTator document as one unit: its text, the tokens of its sentences (title and abstract
// apart) with offsets into it, registered with the tagger.
Unit pubtator_unit(const PubTatorDocument& doc, int document, std::vector<std::vector<std::string>>& sentences) {
  Unit u;
  u.document = document;
  u.tagged.text = doc.text();
  u.tagged.pmid = doc.pmid;
  u.tagged.title_bytes = doc.title.size();
  u.chars = utf8_decode(u.tagged.text);
  for (std::vector<Token>& sent : pubtator_sentences(doc)) {
    const std::size_t first = u.tagged.tokens.size();
    std::vector<std::string> words;
    for (Token& t : sent) {
      words.push_back(t.text);
      u.tagged.tokens.push_back(std::move(t));
    }
    add_sentences(u, first, words, sentences);
  }
  return u;
}

}  // namespace

long tag_stream(const TrainedModel& model, std::istream& in, const std::string& name, std::ostream& out,
                const TagOptions& o, std::ostream* document, const LineReady& line_ready,
                const TagProgressFn& progress) {
  if (o.head == kAllHeads && (o.format != OutputFormat::Jsonl || o.nbest > 0))
    throw UsageError("--head all: each entity names its head in jsonl output only, without --nbest; for other "
                     "formats choose a head");
  const HeadTaggers taggers = head_taggers(model, o);
  BratState brat;
  long written = 0;
  TagProgress done;
  auto flush = [&](std::vector<Unit>& units, std::vector<std::vector<std::string>>& sentences) {
    tag_units(model, taggers.predictors, taggers.names, units, sentences, o.nbest, o.abbreviations);
    for (const Unit& u : units) {
      write_tagged(out, u.tagged, o.format, &brat);
      if (document != nullptr) *document << u.tagged.text << u.tagged.line_end;
    }
    out.flush();
    if (!out) throw IoError(name + ": cannot write the output");
    written += static_cast<long>(units.size());
    done.units = written;
    for (const Unit& u : units) done.tokens += static_cast<long>(u.tagged.tokens.size());
    if (progress) progress(done);
    units.clear();
    sentences.clear();
  };
  std::vector<Unit> units;
  std::vector<std::vector<std::string>> sentences;
  if (o.input == TagInput::PubTator) {
    const std::vector<PubTatorDocument> docs = read_pubtator_text(read_text_stream(in, name), name);
    done.total = static_cast<long>(docs.size());
    for (std::size_t d = 0; d < docs.size(); ++d) {
      units.push_back(pubtator_unit(docs[d], static_cast<int>(d), sentences));
      if (static_cast<int>(units.size()) >= o.chunk_lines) flush(units, sentences);
    }
    if (!units.empty()) flush(units, sentences);
    return written;
  }
  if (o.input != TagInput::Text) {
    const Corpus corpus = read_sentence_input(in, name, o);
    done.total = static_cast<long>(corpus.sentences.size());
    // Document context and abbreviations read whole documents.
    const bool whole_documents = model.net->config().context > 0 || o.abbreviations.enabled;
    for (std::size_t i = 0; i < corpus.sentences.size(); ++i) {
      const Sentence& s = corpus.sentences[i];
      // With document context a chunk ends only where a document does, so that every window is
      // the one training and medner-eval read (the corpus is in memory already).
      if (static_cast<int>(units.size()) >= o.chunk_lines &&
          (!whole_documents || s.document != units.back().document))
        flush(units, sentences);
      Unit u;
      u.document = s.document;
      u.tagged = tagged_from_words(s.tokens);
      u.tagged.pmid = std::to_string(i + 1);
      u.chars = utf8_decode(u.tagged.text);
      add_sentences(u, 0, s.tokens, sentences);
      units.push_back(std::move(u));
    }
    if (!units.empty()) flush(units, sentences);
    return written;
  }
  std::string line;
  std::size_t offset = 0;  // of the line in the input, in bytes
  long line_number = 1;
  // Documents numbered modulo 2^30: only neighbours' numbers are compared, and they differ.
  for (int document_id = 0;; document_id = (document_id + 1) & 0x3fffffff, ++line_number) {
    // A line is one document, so a chunk cut short here tags exactly as a full one would.
    if (!units.empty() && line_ready && !line_ready()) flush(units, sentences);
    if (!std::getline(in, line)) break;
    std::string line_end = in.eof() ? "" : "\n";  // getline at the end of the input without a '\n'
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
      line_end.insert(0, "\r");
    }
    Unit u;
    u.tagged.line_end = std::move(line_end);
    u.document = document_id;
    u.tagged.pmid = std::to_string(line_number);
    u.tagged.text = checked_text(line, name, line_number, offset, o.repair_utf8);
    offset += line.size() + u.tagged.line_end.size();
    add_text_sentences(u, sentences);
    units.push_back(std::move(u));
    if (static_cast<int>(units.size()) >= o.chunk_lines) flush(units, sentences);
  }
  if (in.bad()) throw IoError(name + ": read failed");
  if (!units.empty()) flush(units, sentences);
  return written;
}

namespace {

std::vector<TaggedSentence> tag_texts_with(const TrainedModel& model, const std::vector<const Predictor*>& predictors,
                                           const std::vector<std::string>& names, const std::vector<std::string>& texts,
                                           const TagOptions& o) {
  std::vector<TaggedSentence> out;
  out.reserve(texts.size());
  std::vector<Unit> units;
  std::vector<std::vector<std::string>> sentences;
  auto flush = [&] {
    tag_units(model, predictors, names, units, sentences, o.nbest, o.abbreviations);
    for (Unit& u : units) out.push_back(std::move(u.tagged));
    units.clear();
    sentences.clear();
  };
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Unit u;
    u.document = static_cast<int>(i & 0x3fffffff);
    u.tagged.text = checked_text(texts[i], "text", static_cast<long>(i + 1), 0, o.repair_utf8);
    add_text_sentences(u, sentences);
    units.push_back(std::move(u));
    if (static_cast<int>(units.size()) >= o.chunk_lines) flush();
  }
  if (!units.empty()) flush();
  return out;
}

}  // namespace

std::vector<TaggedSentence> tag_texts(const TrainedModel& model, const Predictor& predictor,
                                      const std::vector<std::string>& texts, const TagOptions& o) {
  return tag_texts_with(model, {&predictor}, {""}, texts, o);
}

std::vector<TaggedSentence> tag_texts(const TrainedModel& model, const std::vector<std::string>& texts,
                                      const TagOptions& o) {
  const HeadTaggers taggers = head_taggers(model, o);
  return tag_texts_with(model, taggers.predictors, taggers.names, texts, o);
}

std::vector<std::vector<std::string>> tag_corpus(const TrainedModel& model, const Corpus& corpus, int threads,
                                                 const AbbreviationOptions& abbreviations, int head) {
  Predictor predictor(*model.net, model.vocab, threads, head);
  // Cuts overlong tokens; the windows the model was trained with.
  std::vector<std::vector<std::string>> tags =
      predictor.tags(encode_in_context(corpus, model.vocab, false, model.options.context));
  if (!abbreviations.enabled) return tags;
  const std::vector<Sentence>& sents = corpus.sentences;
  for (std::size_t i = 0; i < sents.size();) {
    std::vector<const std::vector<std::string>*> tokens;
    std::vector<std::vector<Mention>> mentions;
    const std::size_t first = i;
    for (; i < sents.size() && sents[i].document == sents[first].document; ++i) {
      tokens.push_back(&sents[i].tokens);
      mentions.push_back(mentions_of(extract_spans(tags[i]), {}));
    }
    resolve_abbreviations(tokens, mentions, abbreviations);
    for (std::size_t k = 0; k < mentions.size(); ++k) tags[first + k] = iob2_tags(sents[first + k].tokens.size(), mentions[k]);
  }
  return tags;
}

}  // namespace medner
