#include "serve/tag_request.h"

#include "model/tagging.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace medner {

namespace {

using nlohmann::json;

std::string type_of(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  if (v.is_boolean()) return "a boolean";
  return "null";
}

std::string text_of(const json& v, const std::string& field) {
  if (!v.is_string()) throw RequestError(400, fmt::format("\"{}\": expected a string, got {}", field, type_of(v)));
  std::string s = v.get<std::string>();
  const std::size_t nul = s.find('\0');
  if (nul != std::string::npos)
    throw RequestError(400, fmt::format("\"{}\": U+0000 at byte {}; expected text without NUL characters", field, nul));
  return s;
}

}  // namespace

TagRequest parse_tag_request(const std::string& body, std::size_t max_texts) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::parse_error& e) {
    throw RequestError(400, std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object())
    throw RequestError(400, "expected a JSON object {\"text\": ...} or {\"texts\": [...]}, got " + type_of(doc));
  TagRequest r;
  const bool has_text = doc.contains("text"), has_texts = doc.contains("texts");
  if (has_text == has_texts)
    throw RequestError(400, has_text ? "give \"text\" or \"texts\", not both"
                                     : "missing field: expected \"text\" (a string) or \"texts\" (an array of strings)");
  for (const auto& [key, value] : doc.items())
    if (key != "text" && key != "texts" && key != "model" && key != "head" && key != "nbest")
      throw RequestError(400, "unknown field \"" + key + "\"; expected text, texts, model, head, nbest");
  if (has_text) {
    r.single = true;
    r.texts.push_back(text_of(doc["text"], "text"));
  } else {
    const json& texts = doc["texts"];
    if (!texts.is_array())
      throw RequestError(400, "\"texts\": expected an array of strings, got " + type_of(texts));
    if (texts.size() > max_texts)
      throw RequestError(413, fmt::format("\"texts\": {} texts, at most {} in one request (--max-texts)", texts.size(),
                                          max_texts));
    r.texts.reserve(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) r.texts.push_back(text_of(texts[i], fmt::format("texts[{}]", i)));
  }
  if (doc.contains("model")) r.model = text_of(doc["model"], "model");
  if (doc.contains("head")) r.head = text_of(doc["head"], "head");
  if (doc.contains("nbest")) {
    const json& k = doc["nbest"];
    if (!k.is_number_integer() && !k.is_number_unsigned())
      throw RequestError(400, "\"nbest\": expected an integer from 0 to " + std::to_string(kMaxNbest) + ", got " +
                                  type_of(k));
    // An unsigned integer past 2^63 would wrap when read as long long: any huge one is out of range.
    const long long v = k.is_number_unsigned() && k.get<unsigned long long>() > 1000000ULL ? 1000000LL : k.get<long long>();
    if (v < 0 || v > kMaxNbest)
      throw RequestError(400, fmt::format("\"nbest\": expected an integer from 0 to {}, got {}", kMaxNbest, k.dump()));
    r.nbest = static_cast<int>(v);
  }
  return r;
}

}  // namespace medner
