#include "model/model_card.h"

#include "core/error.h"
#include "data/tag_scheme.h"
#include "io/checksum.h"
#include "model/spare_vectors.h"
#include "model/unknown_word_vectors.h"
#include "model/trained_model.h"

#include <fmt/format.h>

#include <sstream>

namespace medner {

namespace {

std::string dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A JSON value of the card as text, "?" when absent or of another type (a card written by a
// later medner may lack or rename a field; --info still prints the rest).
std::string text_of(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "?";
  const nlohmann::json& v = j[key];
  return v.is_string() ? v.get<std::string>() : dump(v);
}

std::string number_of(const nlohmann::json& j, const char* key, const char* spec) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return "?";
  return fmt::format(fmt::runtime(spec), j[key].get<double>());
}

long total_mentions(const nlohmann::json& file) {
  long n = 0;
  if (file.contains("mentions") && file["mentions"].is_object())
    for (const auto& [type, count] : file["mentions"].items())
      if (count.is_number_integer()) n += count.get<long>();
  return n;
}

// " (Chemical 5203, Disease 4182)" of a corpus with mentions of several types.
std::string mention_types(const nlohmann::json& c) {
  if (!c.contains("mentions") || !c["mentions"].is_object() || c["mentions"].size() < 2) return "";
  std::string out;
  for (const auto& [type, count] : c["mentions"].items()) out += (out.empty() ? "" : ", ") + type + " " + dump(count);
  return " (" + out + ")";
}

void print_scores(std::ostream& out, const std::string& split, const nlohmann::json& s) {
  auto row = [&](const std::string& split_cell, const std::string& type, const nlohmann::json& c) {
    out << fmt::format("  {:<5} {:<16} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7}\n", split_cell, type,
                       number_of(c, "precision", "{:.2f}"), number_of(c, "recall", "{:.2f}"),
                       number_of(c, "f1", "{:.2f}"), number_of(c, "gold", "{:.0f}"),
                       number_of(c, "predicted", "{:.0f}"), number_of(c, "correct", "{:.0f}"));
  };
  row(split, "overall", s);
  if (s.contains("types") && s["types"].is_object())
    for (const auto& [type, c] : s["types"].items()) row("", type, c);
}

// Each head's name and labels: head 0's from "tags" and the stored head-name, the others' from
// the vocabularies "tags.NAME" (model/trained_model.h).
std::vector<std::pair<std::string, std::vector<std::string>>> heads_of(const ModelFile& mf, const std::string& path) {
  std::vector<std::pair<std::string, std::vector<std::string>>> heads = {
      {config_value(mf.config, kHeadNameKey, kDefaultHeadName), get_vocabulary(mf, "tags", path)}};
  for (const auto& [name, entries] : mf.vocabularies)
    if (name.rfind("tags.", 0) == 0) heads.emplace_back(name.substr(5), entries);
  return heads;
}

std::string types_of(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& t : tag_types(tags)) out += (out.empty() ? "" : ", ") + t;
  return out.empty() ? "none" : out;
}

}  // namespace

void put_model_card(ModelFile& mf, const nlohmann::json& card) { put_blob(mf, kModelCardBlob, dump(card)); }

nlohmann::json model_card(const ModelFile& mf, const std::string& path) {
  const std::string* blob = find_blob(mf, kModelCardBlob);
  if (blob == nullptr) return nlohmann::json::object();
  nlohmann::json card = nlohmann::json::parse(*blob, nullptr, false);
  if (card.is_discarded() || !card.is_object())
    throw InputError(path + ": malformed model card: expected a JSON object in blob 'card'");
  return card;
}

uint32_t weights_crc32(const ModelFile& mf) {
  uint32_t crc = 0;
  for (const ModelFile::Tensor& t : mf.params)
    crc = crc32(std::string_view(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(real)), crc);
  return crc;
}

std::string format_model_info(const ModelFile& mf, const std::string& path, bool json) {
  const nlohmann::json card = model_card(mf, path);
  double values = 0;
  for (const ModelFile::Tensor& t : mf.params) values += static_cast<double>(t.data.size());
  const std::vector<std::string>& tags = get_vocabulary(mf, "tags", path);
  const std::string weights = fmt::format("{:08x}", weights_crc32(mf));
  const auto heads = heads_of(mf, path);
  const std::size_t words = get_vocabulary(mf, "words", path).size();
  const long spare = spare_vector_count(mf, path);
  std::shared_ptr<const UnknownWordVectors> subwords;
  if (const std::string* blob = find_blob(mf, kSubwordVectorsBlob)) subwords = unknown_word_vectors(*blob, path);

  if (json) {
    nlohmann::json config = nlohmann::json::object();
    for (const auto& [key, value] : mf.config) config[key] = value;
    nlohmann::json out{{"path", path},
                       {"parameters", static_cast<long>(values)},
                       {"weights_crc32", weights},
                       {"words", words},
                       {"spare_words", spare},
                       {"subword_vectors", nlohmann::json()},
                       {"types", tag_types(tags)},
                       {"tags", tags},
                       {"heads", nlohmann::json::array()},
                       {"card", card},
                       {"configuration", config}};
    for (const auto& [name, head_tags] : heads) out["heads"].push_back({{"name", name}, {"tags", head_tags}});
    if (subwords)
      out["subword_vectors"] = {{"words", subwords->table.words().size()},
                                {"buckets", subwords->table.subwords().buckets},
                                {"minn", subwords->table.subwords().minn},
                                {"maxn", subwords->table.subwords().maxn},
                                {"offset", subwords->offset},
                                {"dim", subwords->table.dim()}};
    return dump(out, 2) + "\n";
  }

  std::ostringstream out;
  out << fmt::format("model            {}\n", path);
  out << fmt::format("medner version   {}\n", text_of(card, "medner_version"));
  out << fmt::format("parameters       {:.0f} (weights CRC-32 {})\n", values, weights);
  if (spare > 0)
    out << fmt::format("vocabulary       {} words, and {} more with kept vectors (--keep-vectors) when tagging\n",
                       words, spare);
  else
    out << fmt::format("vocabulary       {} words\n", words);
  if (subwords)
    out << fmt::format("subword vectors  for every other word: {} words and {} n-gram buckets ({}-{} code points), "
                       "values {}-{} of each word vector\n",
                       subwords->table.words().size(), subwords->table.subwords().buckets,
                       subwords->table.subwords().minn, subwords->table.subwords().maxn, subwords->offset + 1,
                       subwords->offset + subwords->table.dim());
  out << fmt::format("types            {} ({} tags)\n", types_of(tags), tags.size());
  if (heads.size() > 1) {
    out << "heads            (--head NAME of medner-tag and medner-eval)\n";
    for (const auto& [name, head_tags] : heads)
      out << fmt::format("  {:<14} {} ({} tags)\n", name, types_of(head_tags), head_tags.size());
  }
  if (card.empty()) {
    out << "card             none (the model was written before medner stored model cards)\n";
  } else {
    out << fmt::format("epoch kept       {}\n", text_of(card, "best_epoch"));
    if (card.contains("data") && card["data"].is_array()) {
      out << "data\n";
      for (const nlohmann::json& f : card["data"])
        out << fmt::format("  {:<10} {}  {} bytes, CRC-32 {}\n", text_of(f, "role"), text_of(f, "path"),
                           number_of(f, "bytes", "{:.0f}"), text_of(f, "crc32"));
    }
    if (card.contains("corpora") && card["corpora"].is_object()) {
      out << "corpora\n";
      for (const char* role : {"train", "dev", "test"}) {
        if (!card["corpora"].contains(role)) continue;
        const nlohmann::json& c = card["corpora"][role];
        out << fmt::format("  {:<5} {} sentences, {} tokens, {} mentions{}\n", role, number_of(c, "sentences", "{:.0f}"),
                           number_of(c, "tokens", "{:.0f}"), total_mentions(c), mention_types(c));
      }
    }
    if (card.contains("scores") && card["scores"].is_object()) {
      out << fmt::format("scores  {:<5} {:<16} {:>6} {:>6} {:>6} {:>6} {:>9} {:>7}\n", "", "", "P", "R", "F1",
                         "gold", "predicted", "correct");
      for (const char* split : {"dev", "test"})
        if (card["scores"].contains(split)) print_scores(out, split, card["scores"][split]);
    }
    if (card.contains("heads") && card["heads"].is_object())
      for (const auto& [name, head] : card["heads"].items()) {
        if (!head.contains("scores") || !head["scores"].is_object()) continue;
        out << fmt::format("head {}\n", name);
        for (const char* split : {"dev", "test"})
          if (head["scores"].contains(split)) print_scores(out, split, head["scores"][split]);
      }
  }
  out << "configuration\n";
  for (const auto& [key, value] : mf.config) out << fmt::format("  {} = {}\n", key, value);
  return out.str();
}

}  // namespace medner
