#include "data/bioc_json.h"

#include "core/error.h"
#include "data/json_text.h"
#include "data/utf8.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace medner {

namespace {

using nlohmann::json;

// m[key] if it has the JSON type `is` claims, else an InputError naming where it was looked for.
const json& member(const json& m, const char* key, bool (json::*is)() const noexcept, const char* expected,
                   const std::string& where) {
  if (!m.is_object() || !m.contains(key) || !(m[key].*is)())
    throw InputError(fmt::format("{}: expected \"{}\" ({}), found {}", where, key, expected,
                                 m.is_object() && m.contains(key) ? message_excerpt(m[key].dump()) : "none"));
  return m[key];
}

std::string id_of(const json& m) {
  if (m.contains("id") && m["id"].is_string()) return m["id"].get<std::string>();
  if (m.contains("id") && m["id"].is_number_integer()) return std::to_string(m["id"].get<long long>());
  return "";
}

struct Passage {
  std::size_t offset = 0;
  std::u32string chars;
};

// An annotation's mention; locations checked against the passage that holds them.
PubTatorMention read_annotation(const json& a, const Passage& p, const std::string& where) {
  PubTatorMention m;
  m.where = where;
  const json& infons = member(a, "infons", &json::is_object, "an object", where);
  m.type = member(infons, "type", &json::is_string, "a string", where + ", infons").get<std::string>();
  if (m.type.empty() || m.type.find_first_of(" \t") != std::string::npos)
    throw InputError(fmt::format("{}: expected a type without whitespace, found '{}'", where, message_excerpt(m.type)));
  if (infons.contains("identifier") && infons["identifier"].is_string()) m.id = infons["identifier"].get<std::string>();
  m.text = member(a, "text", &json::is_string, "a string", where).get<std::string>();
  const json& locations = member(a, "locations", &json::is_array, "a list", where);
  if (locations.empty()) throw InputError(where + ": expected at least one location, found none");
  std::string joined;
  for (std::size_t i = 0; i < locations.size(); ++i) {
    const std::string at = fmt::format("{}, location {}", where, i + 1);
    const auto off = member(locations[i], "offset", &json::is_number_unsigned, "a number >= 0", at).get<std::size_t>();
    const auto len = member(locations[i], "length", &json::is_number_unsigned, "a number >= 0", at).get<std::size_t>();
    // Written without off + len, which a huge offset would wrap around.
    if (len == 0 || off < p.offset || len > p.chars.size() || off - p.offset > p.chars.size() - len)
      throw InputError(fmt::format("{}: offsets {} (length {}) are outside its passage ({}-{})", at, off, len,
                                   p.offset, p.offset + p.chars.size()));
    joined += (i ? " " : "") + utf8_encode(std::u32string_view(p.chars).substr(off - p.offset, len));
    m.begin = i == 0 ? off : std::min(m.begin, off);
    m.end = std::max(m.end, off + len);
  }
  m.discontinuous = locations.size() > 1;
  if (!m.discontinuous && joined != m.text)
    throw InputError(fmt::format("{}: text '{}' differs from the text at {}-{}, '{}'", where, message_excerpt(m.text),
                                 m.begin, m.end, message_excerpt(joined)));
  return m;
}

AnnotatedDocument read_document(const json& d, const std::string& where) {
  AnnotatedDocument doc;
  doc.name = id_of(d);
  const std::string at = fmt::format("{} '{}'", where, doc.name);
  const json& passages = member(d, "passages", &json::is_array, "a list", at);
  std::size_t end = 0;
  for (std::size_t i = 0; i < passages.size(); ++i) {
    const std::string pw = fmt::format("{}, passage {}", at, i + 1);
    Passage p;
    p.offset = member(passages[i], "offset", &json::is_number_unsigned, "a number >= 0", pw).get<std::size_t>();
    const std::string text = member(passages[i], "text", &json::is_string, "a string; sentence-level BioC is not read",
                                    pw).get<std::string>();
    if (!utf8_valid(text)) throw InputError(pw + ": invalid UTF-8 in the text");
    constexpr std::size_t kMaxOffset = std::size_t{1} << 40;  // far past any text; keeps offset sums exact
    if (p.offset > kMaxOffset) throw InputError(fmt::format("{}: offset {} is too large", pw, p.offset));
    if (p.offset < end)
      throw InputError(fmt::format("{}: offset {} is before the end of the passage before it ({})", pw, p.offset, end));
    p.chars = utf8_decode(text);
    end = p.offset + p.chars.size();
    doc.parts.push_back({p.offset, text});
    if (!passages[i].contains("annotations")) continue;
    const json& annotations = member(passages[i], "annotations", &json::is_array, "a list", pw);
    for (std::size_t k = 0; k < annotations.size(); ++k)
      doc.mentions.push_back(read_annotation(annotations[k], p, fmt::format("{}, annotation '{}'", pw,
                                                                            id_of(annotations[k]))));
  }
  return doc;
}

std::string annotation_json(const PubTatorMention& m, std::size_t id) {
  std::string infons = "{\"type\": " + json_quote(m.type);
  if (!m.id.empty()) infons += ", \"identifier\": " + json_quote(m.id);
  return fmt::format("{{\"id\": \"{}\", \"infons\": {}}}, \"text\": {}, \"locations\": [{{\"offset\": {}, "
                     "\"length\": {}}}]}}",
                     id, infons, json_quote(m.text), m.begin, m.end - m.begin);
}

}  // namespace

std::vector<AnnotatedDocument> read_bioc_json_text(const std::string& text, const std::string& name) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    std::size_t line = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) line += text[i] == '\n';
    throw InputError(fmt::format("{}:{}: expected a BioC JSON collection, found invalid JSON (byte {})", name, line,
                                 e.byte));
  } catch (const json::exception&) {  // out_of_range 406, a number too large for a double (fuzz_formats)
    throw InputError(name + ": expected a BioC JSON collection, found invalid JSON (a number out of range)");
  }
  const json& docs = member(root, "documents", &json::is_array, "a list of documents", name);
  std::vector<AnnotatedDocument> out;
  for (std::size_t i = 0; i < docs.size(); ++i)
    out.push_back(read_document(docs[i], fmt::format("{}: document {}", name, i + 1)));
  if (out.empty()) throw InputError(name + ": expected documents, found none");
  return out;
}

Corpus read_bioc_corpus(const std::string& text, const std::string& name, std::ostream* log) {
  PubTatorAlignment al;
  Corpus corpus = annotated_corpus(read_bioc_json_text(text, name), name, &al);
  report_alignment(al, name, log);
  return corpus;
}

void write_bioc_json(std::ostream& out, const std::vector<PubTatorDocument>& docs) {
  out << "{\"source\": \"medner\", \"date\": \"\", \"key\": \"\", \"infons\": {}, \"documents\": [\n";
  for (std::size_t d = 0; d < docs.size(); ++d) {
    const PubTatorDocument& doc = docs[d];
    const std::size_t abstract_at = utf8_length(doc.title) + 1;
    std::string title_ann, abstract_ann;
    std::size_t id = 0;
    for (const PubTatorMention& m : doc.mentions) {
      std::string& list = m.begin < abstract_at ? title_ann : abstract_ann;
      list += (list.empty() ? "" : ", ") + annotation_json(m, ++id);
    }
    out << fmt::format("{{\"id\": {}, \"infons\": {{}}, \"passages\": ["
                       "{{\"offset\": 0, \"infons\": {{\"type\": \"title\"}}, \"text\": {}, \"sentences\": [], "
                       "\"annotations\": [{}], \"relations\": []}}, "
                       "{{\"offset\": {}, \"infons\": {{\"type\": \"abstract\"}}, \"text\": {}, \"sentences\": [], "
                       "\"annotations\": [{}], \"relations\": []}}], \"relations\": []}}{}\n",
                       json_quote(doc.pmid), json_quote(doc.title), title_ann, abstract_at, json_quote(doc.abstract),
                       abstract_ann, d + 1 < docs.size() ? "," : "");
  }
  out << "]}\n";
  if (!out) throw IoError("write_bioc_json: write failed (disk full or closed output?)");
}

}  // namespace medner
