// Writers for medner-tag's three output formats, IOB2 -> span conversion, and the small JSON
// helpers they need (no JSON library: the output is flat and the escaping rules are few).
#include "data/tag_output.h"

#include "core/error.h"
#include "data/hf_json.h"
#include "data/pubtator.h"
#include "data/tag_scheme.h"
#include "data/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace medner {
namespace {

// Walks a UTF-8 string by code points, only forwards, so that extracting the sorted,
// non-overlapping entity spans of a unit costs one pass over its text.
class CodePointCursor {
 public:
  explicit CodePointCursor(std::string_view s) : s_(s) {}
  // Byte offset of code point cp (cp <= number of code points), never moving backwards.
  std::size_t byte_at(std::size_t cp) {
    MEDNER_CHECK(cp >= cp_, "code point {} requested after {}", cp, cp_);
    char32_t c;
    while (cp_ < cp) {
      MEDNER_CHECK(byte_ < s_.size(), "code point offset {} is past the end of the text ({})",
                   cp, cp_);
      utf8_next(s_, byte_, c);
      ++cp_;
    }
    return byte_;
  }

 private:
  std::string_view s_;
  std::size_t byte_ = 0, cp_ = 0;
};

void write_conll(std::ostream& out, const TaggedSentence& u) {
  for (const auto& seq : u.nbest)
    MEDNER_CHECK(seq.first.size() == u.tokens.size(), "n-best sequence has {} tags for {} tokens",
                 seq.first.size(), u.tokens.size());
  for (std::size_t i = 0; i < u.tokens.size(); ++i) {
    out << u.tokens[i].text << '\t' << u.tags[i];
    for (const auto& seq : u.nbest) out << '\t' << seq.first[i];
    out << '\n';
  }
  out << '\n';
}

void write_jsonl(std::ostream& out, const TaggedSentence& u) {
  std::string line = "{\"text\": " + json_quote(u.text) + ", \"entities\": [";
  for (std::size_t k = 0; k < u.entities.size(); ++k) {
    const TaggedEntity& e = u.entities[k];
    line += fmt::format("{}{{\"start\": {}, \"end\": {}, \"type\": {}, \"text\": {}, "
                        "\"confidence\": {}{}}}",
                        k ? ", " : "", e.begin, e.end, json_quote(e.type), json_quote(e.text),
                        json_number(e.confidence), e.head.empty() ? "" : ", \"head\": " + json_quote(e.head));
  }
  line += "]";
  if (!u.nbest.empty()) {
    line += ", \"nbest\": [";
    for (std::size_t k = 0; k < u.nbest.size(); ++k) {
      line += k ? ", {\"tags\": [" : "{\"tags\": [";
      const std::vector<std::string>& tags = u.nbest[k].first;
      for (std::size_t i = 0; i < tags.size(); ++i) line += (i ? ", " : "") + json_quote(tags[i]);
      line += "], \"probability\": " + json_number(u.nbest[k].second) + "}";
    }
    line += "]";
  }
  line += "}\n";
  out << line;
}

void write_brat(std::ostream& out, const TaggedSentence& u, BratState& st) {
  for (const TaggedEntity& e : u.entities) {
    std::string text = utf8_repair(e.text);
    for (char& c : text)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';  // keeps the line intact
    out << fmt::format("T{}\t{} {} {}\t{}\n", st.next_id++, e.type, st.offset + e.begin,
                       st.offset + e.end, text);
  }
  st.offset += utf8_length(u.text) + u.line_end.size();  // the line end is ASCII
}

void write_pubtator_unit(std::ostream& out, const TaggedSentence& u) {
  PubTatorDocument d;
  d.pmid = u.pmid;
  const std::size_t cut = std::min(u.title_bytes, u.text.size());
  d.title = u.text.substr(0, cut);
  if (cut < u.text.size()) d.abstract = u.text.substr(cut + 1);
  for (const TaggedEntity& e : u.entities) {
    PubTatorMention m;
    m.begin = e.begin;
    m.end = e.end;
    m.type = e.type;
    m.text = e.text;
    d.mentions.push_back(std::move(m));
  }
  write_pubtator_document(out, d);
}

}  // namespace

OutputFormat parse_output_format(const std::string& name) {
  if (name == "conll") return OutputFormat::Conll;
  if (name == "jsonl") return OutputFormat::Jsonl;
  if (name == "brat") return OutputFormat::Brat;
  if (name == "hf") return OutputFormat::Hf;
  if (name == "pubtator") return OutputFormat::PubTator;
  throw InputError(fmt::format("--output-format: expected conll, jsonl, brat, hf or pubtator, got '{}'", name));
}

void write_tagged(std::ostream& out, const TaggedSentence& unit, OutputFormat format,
                  BratState* brat) {
  MEDNER_CHECK(unit.tags.size() == unit.tokens.size(), "{} tags for {} tokens", unit.tags.size(),
               unit.tokens.size());
  switch (format) {
    case OutputFormat::Conll:
      write_conll(out, unit);
      break;
    case OutputFormat::Jsonl:
      write_jsonl(out, unit);
      break;
    case OutputFormat::Brat:
      MEDNER_CHECK(brat != nullptr, "brat output needs a BratState");
      write_brat(out, unit, *brat);
      break;
    case OutputFormat::Hf: {
      std::vector<std::string> words;
      for (const Token& t : unit.tokens) words.push_back(t.text);
      out << hf_json_line(words, unit.tags) << '\n';
      break;
    }
    case OutputFormat::PubTator:
      write_pubtator_unit(out, unit);
      break;
  }
}

std::vector<TaggedEntity> entities_from_tags(const TaggedSentence& unit) {
  MEDNER_CHECK(unit.tags.size() == unit.tokens.size(), "{} tags for {} tokens", unit.tags.size(),
               unit.tokens.size());
  std::vector<TaggedEntity> out;
  CodePointCursor cursor(unit.text);
  for (const Span& span : extract_spans(unit.tags)) {
    TaggedEntity e;
    e.begin = unit.tokens[static_cast<std::size_t>(span.begin)].begin;
    e.end = unit.tokens[static_cast<std::size_t>(span.end) - 1].end;
    e.type = span.type;
    std::size_t b = cursor.byte_at(e.begin);
    e.text = utf8_repair(std::string_view(unit.text).substr(b, cursor.byte_at(e.end) - b));
    out.push_back(std::move(e));
  }
  return out;
}

TaggedSentence tagged_from_words(const std::vector<std::string>& words) {
  TaggedSentence u;
  std::size_t cp = 0;
  for (const std::string& w : words) {
    if (!u.text.empty()) {
      u.text += ' ';
      ++cp;
    }
    Token t;
    t.text = w;
    t.begin = cp;
    t.byte_begin = u.text.size();
    cp += utf8_length(w);
    u.text += w;
    t.end = cp;
    t.byte_end = u.text.size();
    u.tokens.push_back(std::move(t));
  }
  return u;
}

}  // namespace medner
