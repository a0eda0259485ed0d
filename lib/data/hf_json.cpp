// Hugging Face datasets JSON lines, read with nlohmann-json (Debian's nlohmann-json3-dev; the
// project writes its JSON itself, json_text.h, but reading needs a real parser) and written with
// the project's own string escaper, so that every JSON medner writes is quoted the same way.
#include "data/hf_json.h"

#include "core/error.h"
#include "data/json_text.h"
#include "data/tag_scheme.h"
#include "data/utf8.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>
#include <unordered_map>

namespace medner {

namespace {

using nlohmann::json;

// A JSON value for a message: its text, cut like message_excerpt cuts tokens.
std::string excerpt(const json& v) { return message_excerpt(v.dump()); }

const char* json_kind(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

// Whitespace would split the token in CoNLL; control characters (NUL, CR) the CoNLL reader refuses.
bool has_space(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return true;
  return false;
}

std::vector<std::string> label_names(const json& v, const std::string& spec);

// The names of a features file, from any of the shapes read_label_list documents.
std::vector<std::string> labels_in_json(const json& v, const std::string& path) {
  if (v.is_array()) return label_names(v, path);
  if (!v.is_object()) throw InputError(path + ": expected a JSON object or list of label names, found " + json_kind(v));
  for (const char* key : {"features", "ner_tags", "feature"})
    if (v.contains(key) && v[key].is_object()) return labels_in_json(v[key], path);
  if (v.contains("names")) return label_names(v["names"], path);
  // A label-to-id object: names ordered by id.
  std::vector<std::string> names(v.size());
  for (const auto& item : v.items()) {
    if (!item.value().is_number_unsigned() || item.value().get<std::size_t>() >= v.size())
      throw InputError(fmt::format("{}: expected the label names (\"features\" / \"ner_tags\" / \"names\") or a "
                                   "label-to-id object with ids 0..{}, found \"{}\": {}",
                                   path, v.size() - 1, message_excerpt(item.key()), excerpt(item.value())));
    names[item.value().get<std::size_t>()] = item.key();
  }
  return label_names(json(names), path);
}

std::vector<std::string> label_names(const json& v, const std::string& spec) {
  if (!v.is_array()) throw InputError(spec + ": expected a list of label names, found " + json_kind(v));
  std::vector<std::string> out;
  for (const json& n : v) {
    if (!n.is_string() || !parse_tag(n.get<std::string>()))
      throw InputError(fmt::format("{}: expected label names that are tags (O, B-X, I-X, ...), found {}", spec,
                                   excerpt(n)));
    for (const std::string& seen : out)
      if (seen == n.get<std::string>())
        throw InputError(fmt::format("{}: label '{}' is listed twice", spec, message_excerpt(seen)));
    out.push_back(n.get<std::string>());
  }
  if (out.empty()) throw InputError(spec + ": expected label names, found none");
  return out;
}

// One JSON line: its tokens and tags, checked.
Sentence hf_sentence(const json& v, const std::string& where, const std::vector<std::string>& labels) {
  if (!v.is_object()) throw InputError(fmt::format("{}: expected a JSON object, found {}", where, json_kind(v)));
  for (const char* key : {"tokens", "ner_tags"})
    if (!v.contains(key) || !v[key].is_array())
      throw InputError(fmt::format("{}: expected a list \"{}\", found {}", where, key,
                                   v.contains(key) ? json_kind(v[key]) : "none"));
  const json& tokens = v["tokens"];
  const json& tags = v["ner_tags"];
  if (tokens.size() != tags.size())
    throw InputError(fmt::format("{}: expected as many ner_tags as tokens ({}), found {}", where, tokens.size(),
                                 tags.size()));
  Sentence s;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const json& t = tokens[k];
    if (!t.is_string() || t.get<std::string>().empty() || has_space(t.get<std::string>()))
      throw InputError(fmt::format("{}: token {}: expected a non-empty string without whitespace or control characters, found {}", where,
                                   k + 1, excerpt(t)));
    s.tokens.push_back(t.get<std::string>());
    const json& g = tags[k];
    if (g.is_number_integer()) {
      if (labels.empty())
        throw InputError(fmt::format("{}: ner_tags holds label ids ({}); give their names with --labels B-X,I-X,... "
                                     "or --labels dataset_info.json",
                                     where, excerpt(g)));
      const auto id = g.get<long long>();
      if (id < 0 || id >= static_cast<long long>(labels.size()))
        throw InputError(fmt::format("{}: tag {}: expected a label id 0..{}, found {}", where, k + 1,
                                     labels.size() - 1, id));
      s.tags.push_back(labels[static_cast<std::size_t>(id)]);
    } else if (g.is_string()) {
      if (!parse_tag(g.get<std::string>()))
        throw InputError(fmt::format("{}: {}", where, invalid_tag_reason(g.get<std::string>())));
      s.tags.push_back(g.get<std::string>());
    } else {
      throw InputError(fmt::format("{}: tag {}: expected a tag name or a label id, found {}", where, k + 1,
                                   excerpt(g)));
    }
  }
  return s;
}

}  // namespace

std::vector<std::string> read_label_list(const std::string& spec) {
  if (spec.empty()) return {};
  if (spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".json") == 0) {
    const std::string text = read_text_file(spec);
    json v = json::parse(text, nullptr, false);
    if (v.is_discarded()) throw InputError(spec + ": expected a JSON file of label names, found invalid JSON");
    return labels_in_json(v, spec);
  }
  json names = json::array();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    names.push_back(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return label_names(names, "--labels");
}

Corpus read_hf_json_text(const std::string& text, const std::string& name, const std::vector<std::string>& labels) {
  Corpus corpus;
  corpus.path = name;
  std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line_no = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", name, line_no);
    std::size_t bad = 0;
    if (!utf8_valid(line, &bad))
      throw InputError(fmt::format("{}: invalid UTF-8 at byte column {}; expected UTF-8 text", where, bad + 1));
    json v = json::parse(line, nullptr, false);
    if (v.is_discarded())
      throw InputError(fmt::format("{}: expected a JSON object on one line, found '{}'", where, message_excerpt(line)));
    Sentence s = hf_sentence(v, where, labels);
    if (s.tokens.empty()) continue;  // an empty sentence has nothing to tag or score
    s.line = line_no;
    s.one_line = true;
    corpus.sentences.push_back(std::move(s));
  }
  if (corpus.sentences.empty())
    throw InputError(fmt::format("{}:{}: no sentences; expected JSON lines {{\"tokens\": [...], \"ner_tags\": [...]}}",
                                 name, line_no > 0 ? line_no : 1));
  return corpus;
}

Corpus read_hf_json(const std::string& path, const std::vector<std::string>& labels) {
  return read_hf_json_text(read_text_file(path), path, labels);
}

std::string hf_json_line(const std::vector<std::string>& tokens, const std::vector<std::string>& tags,
                         const std::vector<std::string>& labels) {
  MEDNER_CHECK(tokens.size() == tags.size(), "hf_json_line: {} tokens but {} tags", tokens.size(), tags.size());
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < labels.size(); ++i) ids[labels[i]] = i;
  std::string line = "{\"tokens\": [";
  for (std::size_t k = 0; k < tokens.size(); ++k) line += (k ? ", " : "") + json_quote(tokens[k]);
  line += "], \"ner_tags\": [";
  for (std::size_t k = 0; k < tags.size(); ++k) {
    line += k ? ", " : "";
    if (labels.empty()) {
      line += json_quote(tags[k]);
    } else {
      auto it = ids.find(tags[k]);
      if (it == ids.end())
        throw InputError(fmt::format("tag '{}' is not in the label list (--labels)", message_excerpt(tags[k])));
      line += std::to_string(it->second);
    }
  }
  return line + "]}";
}

void write_hf_json(std::ostream& out, const Corpus& corpus, const std::vector<std::string>& labels) {
  for (const Sentence& s : corpus.sentences) out << hf_json_line(s.tokens, s.tags, labels) << '\n';
  if (!out) throw IoError("write_hf_json: write failed (disk full or closed output?)");
}

}  // namespace medner
