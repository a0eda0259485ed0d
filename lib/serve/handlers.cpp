#include "serve/handlers.h"

#include "core/error.h"
#include "core/version.h"
#include "data/json_text.h"
#include "data/tag_output.h"
#include "model/tagging.h"
#include "serve/tag_request.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <new>
#include <sstream>

namespace medner {

namespace {

// Invalid UTF-8 cannot reach here from a request (the parser refuses it), but a model's stored
// configuration or path may hold any bytes: replace them rather than throw.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The JSON object medner-tag writes for `unit`, without its newline.
std::string jsonl_object(const TaggedSentence& unit) {
  std::ostringstream s;
  write_tagged(s, unit, OutputFormat::Jsonl, nullptr);
  std::string line = s.str();
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

Reply tag_reply(const ModelRegistry& models, const std::string& body, const ServeLimits& limits) {
  const auto start = TagBatcher::Clock::now();
  const TagRequest r = parse_tag_request(body, limits.max_texts);
  const ServedModel* m = models.find(r.model);
  if (m == nullptr) {
    std::string known;
    for (const std::string& n : models.names()) known += (known.empty() ? "" : ", ") + n;
    throw RequestError(404, "unknown model '" + r.model + "'; loaded: " + known);
  }
  const int h = m->find_head(r.head);
  if (h < 0) {
    std::string known;
    for (const std::string& n : m->heads) known += (known.empty() ? "" : ", ") + n;
    throw RequestError(404, "model '" + m->name + "' has no head '" + r.head + "'; its heads: " + known);
  }
  // Tagged with other requests' texts on the head's workers (serve/tag_batcher.h).
  const auto deadline = start + std::chrono::duration_cast<TagBatcher::Clock::duration>(
                                    std::chrono::duration<double>(limits.max_seconds));
  std::vector<TaggedSentence> tagged;
  try {
    tagged = m->batchers[static_cast<std::size_t>(h)]->tag(r.texts, r.nbest, deadline);
  } catch (const TagBatcher::Expired& e) {
    throw RequestError(503, fmt::format("the request took longer than {} s (--max-seconds) after {} of {} texts; "
                                        "send fewer or shorter texts",
                                        limits.max_seconds, e.tagged, r.texts.size()));
  }
  std::vector<std::string> lines;
  lines.reserve(tagged.size());
  for (const TaggedSentence& unit : tagged) lines.push_back(jsonl_object(unit));
  // A model of several heads says which one answered.
  std::string head = "{\"model\": " + json_quote(m->name);
  if (m->heads.size() > 1) head += ", \"head\": " + json_quote(m->heads[static_cast<std::size_t>(h)]);
  if (r.single) return Reply{200, head + ", " + lines.front().substr(1)};  // the line opens with '{'
  std::string out = head + ", \"results\": [";
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + lines[i];
  return Reply{200, out + "]}"};
}

}  // namespace

Reply error_reply(int status, const std::string& message) {
  return Reply{status, dump(nlohmann::json{{"error", message}})};
}

Reply handle_tag(const ModelRegistry& models, const std::string& body, const ServeLimits& limits) {
  try {
    return tag_reply(models, body, limits);
  } catch (const RequestError& e) {
    return error_reply(e.status(), e.what());
  } catch (const InputError& e) {  // a text the tagger refuses (parse_tag_request checks first)
    return error_reply(400, e.what());
  } catch (const std::bad_alloc&) {
    return error_reply(503, "out of memory; send fewer or shorter texts");
  } catch (const std::exception& e) {
    return error_reply(500, e.what());
  }
}

Reply handle_health(const ModelRegistry& models) {
  nlohmann::json tagging = nlohmann::json::array();
  for (const std::string& name : models.names()) {
    // Summed over the model's heads, each its own workers.
    int workers = 0;
    long batches = 0, texts = 0;
    for (const auto& b : models.find(name)->batchers) {
      workers += b->workers();
      batches += b->batches();
      texts += b->texts();
    }
    tagging.push_back({{"model", name}, {"workers", workers}, {"batches", batches}, {"texts", texts}});
  }
  return Reply{200, dump(nlohmann::json{
                        {"status", "ok"}, {"version", kVersion}, {"models", models.names()}, {"tagging", tagging}})};
}

Reply handle_models(const ModelRegistry& models) {
  try {
    return Reply{200, dump(nlohmann::json{{"models", models.describe()}})};
  } catch (const std::exception& e) {
    return error_reply(500, e.what());
  }
}

}  // namespace medner
