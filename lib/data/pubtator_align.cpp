// PubTator documents <-> tagged sentences. Reading aligns each mention to the tokens of the
// project's tokenizer and leaves out (counting and naming them) the mentions IOB2 cannot hold:
// those off token boundaries, across sentences, or overlapping a mention already tagged.
#include "data/pubtator.h"

#include "core/error.h"
#include "data/sentence_splitter.h"
#include "data/tag_scheme.h"
#include "data/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <ostream>

namespace medner {

namespace {

// Tokens of text[begin, end) (code points, `bytes` its byte offset), sentence by sentence, with
// offsets into the whole text: tokenize_sentences over a part, shifted.
void add_part_sentences(const std::string& part, std::size_t offset, std::size_t byte_offset,
                        std::vector<std::vector<Token>>& out) {
  for (std::vector<Token>& sent : tokenize_sentences(part)) {
    for (Token& t : sent) {
      t.begin += offset;
      t.end += offset;
      t.byte_begin += byte_offset;
      t.byte_end += byte_offset;
    }
    out.push_back(std::move(sent));
  }
}

struct TokenAt {
  std::size_t sentence = 0, token = 0;
};

std::string mention_label(const std::string& name, const PubTatorMention& m) {
  return fmt::format("{}: mention {}-{} '{}' ({})", m.where.empty() ? fmt::format("{}:{}", name, m.line) : m.where,
                     m.begin, m.end, message_excerpt(m.text), m.type);
}

// Tags the sentences of one document from its mentions (rules in pubtator.h).
void tag_document(const std::vector<PubTatorMention>& mentions, const std::vector<std::vector<Token>>& sents,
                  std::vector<Sentence>& out, const std::string& name, PubTatorAlignment& al) {
  std::map<std::size_t, TokenAt> starts, ends;
  for (std::size_t s = 0; s < sents.size(); ++s)
    for (std::size_t k = 0; k < sents[s].size(); ++k) {
      starts[sents[s][k].begin] = {s, k};
      ends[sents[s][k].end] = {s, k};
    }
  std::vector<const PubTatorMention*> order;
  for (const PubTatorMention& m : mentions) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(), [](const PubTatorMention* a, const PubTatorMention* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end > b->end;
  });
  const std::size_t first = out.size();
  for (const auto& sent : sents) {
    Sentence& s = out.emplace_back();
    for (const Token& t : sent) s.tokens.push_back(t.text);
    s.tags.assign(sent.size(), "O");
  }
  for (const PubTatorMention* m : order) {
    ++al.mentions;
    if (m->discontinuous) {
      ++al.discontinuous;
      al.dropped.push_back(mention_label(name, *m) + ": has several locations (discontinuous)");
      continue;
    }
    auto b = starts.find(m->begin);
    auto e = ends.find(m->end);
    if (b == starts.end() || e == ends.end() || b->second.sentence != e->second.sentence) {
      ++al.off_boundary;
      al.dropped.push_back(mention_label(name, *m) + (b != starts.end() && e != ends.end()
                                                          ? ": crosses a sentence boundary"
                                                          : ": does not start and end at token boundaries"));
      continue;
    }
    std::vector<std::string>& tags = out[first + b->second.sentence].tags;
    bool free = true;
    for (std::size_t k = b->second.token; k <= e->second.token; ++k) free = free && tags[k] == "O";
    if (!free) {
      ++al.overlapping;
      al.dropped.push_back(mention_label(name, *m) + ": overlaps a mention tagged before it");
      continue;
    }
    for (std::size_t k = b->second.token; k <= e->second.token; ++k)
      tags[k] = (k == b->second.token ? "B-" : "I-") + m->type;
  }
}

}  // namespace

std::vector<std::vector<Token>> part_sentences(const std::vector<TextPart>& parts) {
  std::vector<std::vector<Token>> out;
  for (const TextPart& p : parts) {
    for (std::vector<Token>& sent : tokenize_sentences(p.text)) {
      for (Token& t : sent) {  // byte offsets stay the part's: a document has no one byte string
        t.begin += p.offset;
        t.end += p.offset;
      }
      out.push_back(std::move(sent));
    }
  }
  return out;
}

std::vector<std::vector<Token>> pubtator_sentences(const PubTatorDocument& doc) {
  std::vector<std::vector<Token>> out;
  add_part_sentences(doc.title, 0, 0, out);
  add_part_sentences(doc.abstract, utf8_length(doc.title) + 1, doc.title.size() + 1, out);
  return out;
}

Corpus annotated_corpus(const std::vector<AnnotatedDocument>& docs, const std::string& name,
                        PubTatorAlignment* alignment) {
  Corpus corpus;
  corpus.path = name;
  PubTatorAlignment al;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const std::size_t first = corpus.sentences.size();
    tag_document(docs[d].mentions, part_sentences(docs[d].parts), corpus.sentences, name, al);
    for (std::size_t s = first; s < corpus.sentences.size(); ++s) {
      corpus.sentences[s].document = static_cast<int>(d);
      corpus.sentences[s].line = docs[d].line;
      corpus.sentences[s].one_line = true;
    }
    corpus.document_names.push_back(docs[d].name);
  }
  if (corpus.sentences.empty()) throw InputError(fmt::format("{}:1: no tokens in any document", name));
  if (alignment != nullptr) *alignment = std::move(al);
  return corpus;
}

Corpus pubtator_corpus(const std::vector<PubTatorDocument>& docs, const std::string& name,
                       PubTatorAlignment* alignment) {
  std::vector<AnnotatedDocument> annotated;
  for (const PubTatorDocument& d : docs)
    annotated.push_back({d.pmid, d.line, {{0, d.title}, {utf8_length(d.title) + 1, d.abstract}}, d.mentions});
  return annotated_corpus(annotated, name, alignment);
}

void report_alignment(const PubTatorAlignment& al, const std::string& name, std::ostream* log) {
  const std::size_t left = al.off_boundary + al.overlapping + al.discontinuous;
  if (log == nullptr || left == 0) return;
  constexpr std::size_t kListed = 10;
  for (std::size_t i = 0; i < al.dropped.size() && i < kListed; ++i) *log << "warning: " << al.dropped[i] << "\n";
  if (al.dropped.size() > kListed) *log << "warning: ... and " << al.dropped.size() - kListed << " more\n";
  *log << fmt::format("warning: {}: {} of {} mentions not tagged ({} not on token boundaries or across sentences, "
                      "{} overlapping another{}); see docs/file-formats.md\n",
                      name, left, al.mentions, al.off_boundary, al.overlapping,
                      al.discontinuous > 0 ? fmt::format(", {} discontinuous", al.discontinuous) : "")
       << std::flush;
}

Corpus read_pubtator_corpus(const std::string& text, const std::string& name, std::ostream* log) {
  PubTatorAlignment al;
  Corpus corpus = pubtator_corpus(read_pubtator_text(text, name), name, &al);
  report_alignment(al, name, log);
  return corpus;
}

namespace {

// A name PubTator can carry as a PMID: something before '|t|' and the first tab of a mention line.
bool valid_pmid(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '|') return false;
  return true;
}

}  // namespace

std::vector<PubTatorDocument> pubtator_from_corpus(const Corpus& corpus) {
  std::vector<PubTatorDocument> docs;
  for (std::size_t i = 0; i < corpus.sentences.size(); ++i) {
    const Sentence& s = corpus.sentences[i];
    const bool first = i == 0 || s.document != corpus.sentences[i - 1].document;
    if (first) {
      PubTatorDocument& d = docs.emplace_back();
      const auto doc = static_cast<std::size_t>(s.document);
      const bool named = doc < corpus.document_names.size() && valid_pmid(corpus.document_names[doc]);
      d.pmid = named ? corpus.document_names[doc] : std::to_string(docs.size());
    }
    PubTatorDocument& d = docs.back();
    std::string& part = first ? d.title : d.abstract;
    if (!first && !d.abstract.empty()) part += ' ';
    // Offsets of the tokens: the part's start in text() (the abstract after title and space).
    std::size_t at = first ? 0 : utf8_length(d.title) + 1 + utf8_length(d.abstract);
    std::vector<std::size_t> begin, end;
    for (std::size_t k = 0; k < s.tokens.size(); ++k) {
      if (k > 0) {
        part += ' ';
        ++at;
      }
      begin.push_back(at);
      at += utf8_length(s.tokens[k]);
      end.push_back(at);
      part += s.tokens[k];
    }
    for (const Span& span : extract_spans(s.tags)) {
      PubTatorMention m;
      m.begin = begin[static_cast<std::size_t>(span.begin)];
      m.end = end[static_cast<std::size_t>(span.end) - 1];
      m.type = span.type;
      for (int k = span.begin; k < span.end; ++k) m.text += (k > span.begin ? " " : "") + s.tokens[static_cast<std::size_t>(k)];
      d.mentions.push_back(std::move(m));
    }
  }
  return docs;
}

std::vector<PubTatorDocument> pubtator_tagged(const std::vector<PubTatorDocument>& docs,
                                              const std::vector<std::vector<std::string>>& tags) {
  std::vector<PubTatorDocument> out;
  std::size_t next = 0;  // sentence index into tags
  for (const PubTatorDocument& d : docs) {
    PubTatorDocument& p = out.emplace_back(d);
    p.mentions.clear();
    const std::u32string chars = utf8_decode(d.text());
    for (const std::vector<Token>& sent : pubtator_sentences(d)) {
      MEDNER_CHECK(next < tags.size() && tags[next].size() == sent.size(),
                   "pubtator_tagged: sentence {} has {} tokens, the tags are for another corpus", next, sent.size());
      for (const Span& span : extract_spans(tags[next])) {
        PubTatorMention m;
        m.begin = sent[static_cast<std::size_t>(span.begin)].begin;
        m.end = sent[static_cast<std::size_t>(span.end) - 1].end;
        m.type = span.type;
        m.text = utf8_encode(std::u32string_view(chars).substr(m.begin, m.end - m.begin));
        p.mentions.push_back(std::move(m));
      }
      ++next;
    }
  }
  MEDNER_CHECK(next == tags.size(), "pubtator_tagged: {} sentences in the documents, {} tagged", next, tags.size());
  return out;
}

}  // namespace medner
