// The server's replies without sockets: POST /tag gives medner-tag's JSON lines byte for byte
// (same tagging code, same writer) for "text" and "texts", with the model's name; errors are
// JSON {"error"} with their status; /health and /models describe the loaded models.
#include "data/conll.h"
#include "model/model_options.h"
#include "model/tagging.h"
#include "serve/handlers.h"
#include "serve/model_registry.h"
#include "serve/small_model.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace medner;
using nlohmann::json;

namespace {

ModelRegistry two_models() {
  ModelRegistry r({}, 1);
  r.add("first", "first.bin", small_model(5), 1);
  r.add("second", "second.bin", small_model(6), 1);
  return r;
}

const std::vector<std::string> kTexts = {
    "Naloxone reverses the antihypertensive effect of clonidine.",
    "",
    "Famotidine-associated delirium: a series of six cases \xce\xb2-blockers \xe2\x80\x9cquoted\xe2\x80\x9d.",
    "Two sentences here. Lidocaine caused seizures in 5 patients.",
};

// What medner-tag writes for the texts, one line each.
std::vector<std::string> medner_tag_lines(const TrainedModel& m, const std::vector<std::string>& texts, int nbest,
                                          const std::string& head = "") {
  std::string input;
  for (const std::string& t : texts) input += t + "\n";
  std::istringstream in(input);
  std::ostringstream out;
  TagOptions o;
  o.threads = 1;
  o.nbest = nbest;
  o.head = head;
  tag_stream(m, in, "<test>", out, o);
  std::vector<std::string> lines;
  std::istringstream split(out.str());
  for (std::string l; std::getline(split, l);) lines.push_back(l);
  return lines;
}

std::string texts_body(const std::vector<std::string>& texts, const std::string& extra = "") {
  return json{{"texts", texts}}.dump().insert(1, extra);
}

}  // namespace

TEST_CASE("serve: POST /tag answers each text with medner-tag's JSON line, in order") {
  const ModelRegistry models = two_models();
  const std::vector<std::string> want = medner_tag_lines(models.find("")->model, kTexts, 0);
  REQUIRE(want.size() == kTexts.size());
  const Reply r = handle_tag(models, texts_body(kTexts), ServeLimits{});
  REQUIRE(r.status == 200);
  const json got = json::parse(r.body);
  CHECK(got["model"] == "first");
  REQUIRE(got["results"].size() == kTexts.size());
  std::size_t entities = 0;
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    CHECK(got["results"][i] == json::parse(want[i]));
    entities += got["results"][i]["entities"].size();
  }
  CHECK(entities > 0);  // the untrained network tags something, so the comparison compares entities
  // The lines are spliced in as medner-tag wrote them.
  CHECK(r.body.find(want[2]) != std::string::npos);

  const Reply one = handle_tag(models, json{{"text", kTexts[0]}, {"model", "second"}}.dump(), ServeLimits{});
  REQUIRE(one.status == 200);
  json single = json::parse(one.body);
  CHECK(single["model"] == "second");
  single.erase("model");
  CHECK(single == json::parse(medner_tag_lines(models.find("second")->model, {kTexts[0]}, 0).front()));
}

TEST_CASE("serve: nbest gives medner-tag --nbest's sequences") {
  const ModelRegistry models = two_models();
  const std::vector<std::string> want = medner_tag_lines(models.find("")->model, kTexts, 3);
  const Reply r = handle_tag(models, texts_body(kTexts, "\"nbest\": 3, "), ServeLimits{});
  REQUIRE(r.status == 200);
  const json got = json::parse(r.body);
  for (std::size_t i = 0; i < kTexts.size(); ++i) CHECK(got["results"][i] == json::parse(want[i]));
  CHECK(got["results"][0]["nbest"].size() == 3);
}

TEST_CASE("serve: \"head\" picks a head of a model trained on several corpora, as medner-tag --head does") {
  // small_model's network with a second head over NCBI-disease's tags (Disease only).
  TrainedModel m = small_model(7);
  Corpus ncbi = read_conll("data/ncbi-disease/train.tsv");
  ncbi.sentences.resize(20);
  m.config.emplace_back("head-name", "cdr");
  m.vocab.extra_heads.push_back({"ncbi", tag_vocabulary(ncbi, TagScheme::IOBES)});
  Rng init(7);
  m.net = std::make_unique<NerNetwork>(network_config(m.options, m.vocab), init);
  ModelRegistry models({}, 1);
  models.add("joint", "joint.bin", std::move(m), 1);
  const TrainedModel& model = models.find("")->model;
  for (const char* head : {"cdr", "ncbi"}) {
    CAPTURE(head);
    const Reply r = handle_tag(models, texts_body(kTexts, std::string("\"head\": \"") + head + "\", "), ServeLimits{});
    REQUIRE(r.status == 200);
    json got = json::parse(r.body);
    CHECK(got["head"] == head);
    const std::vector<std::string> want = medner_tag_lines(model, kTexts, 0, head);
    for (std::size_t i = 0; i < kTexts.size(); ++i) CHECK(got["results"][i] == json::parse(want[i]));
  }
  // The heads answer differently (the second knows no Chemical), and no head is the first.
  const json first = json::parse(handle_tag(models, json{{"text", kTexts[0]}}.dump(), ServeLimits{}).body);
  CHECK(first["head"] == "cdr");
  CHECK_FALSE(json::parse(handle_tag(two_models(), json{{"text", kTexts[0]}}.dump(), ServeLimits{}).body).contains("head"));
  CHECK(medner_tag_lines(model, {kTexts[0]}, 0, "cdr") != medner_tag_lines(model, {kTexts[0]}, 0, "ncbi"));
  const Reply bad = handle_tag(models, json{{"text", kTexts[0]}, {"head", "craft"}}.dump(), ServeLimits{});
  CHECK(bad.status == 404);
  CHECK(json::parse(bad.body)["error"] == "model 'joint' has no head 'craft'; its heads: cdr, ncbi");
  const json listed = json::parse(handle_models(models).body)["models"][0]["heads"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["name"] == "cdr");
  CHECK(listed[1]["name"] == "ncbi");
  CHECK(listed[1]["types"] == json{"Disease"});
  CHECK(json::parse(handle_health(models).body)["tagging"][0]["workers"] == 2);  // one per head
}

TEST_CASE("serve: refusals are JSON errors with their status") {
  const ModelRegistry models = two_models();
  auto check_error = [&](const std::string& body, int status, const std::string& says, const ServeLimits& limits) {
    CAPTURE(body);
    const Reply r = handle_tag(models, body, limits);
    CHECK(r.status == status);
    const json j = json::parse(r.body);
    REQUIRE(j.contains("error"));
    CHECK(j["error"].get<std::string>().find(says) != std::string::npos);
  };
  check_error("{not json", 400, "malformed JSON", ServeLimits{});
  check_error(R"({"text": "a", "model": "third"})", 404, "unknown model 'third'; loaded: first, second", ServeLimits{});
  ServeLimits few;
  few.max_texts = 3;
  check_error(texts_body(kTexts), 413, "4 texts, at most 3", few);
  ServeLimits hurried;  // over time after the first round of texts
  hurried.max_seconds = 1e-9;
  check_error(texts_body(std::vector<std::string>(200, kTexts[0])), 503, "longer than", hurried);
  CHECK(error_reply(418, "a \"quoted\" message").body == R"({"error":"a \"quoted\" message"})");
}

TEST_CASE("serve: /health and /models describe the loaded models") {
  const ModelRegistry models = two_models();
  const json health = json::parse(handle_health(models).body);
  CHECK(health["status"] == "ok");
  CHECK(health["models"] == json{"first", "second"});
  const json listed = json::parse(handle_models(models).body)["models"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["name"] == "first");
  CHECK(listed[0]["path"] == "first.bin");
  CHECK(listed[0]["default"] == true);
  CHECK(listed[1]["default"] == false);
  CHECK(listed[0]["scheme"] == "iobes");
  CHECK(listed[0]["types"] == json{"Chemical", "Disease"});
  CHECK(listed[0]["tags"][0] == "O");
  CHECK(listed[0]["configuration"]["hidden"] == "12");
  CHECK(listed[0]["heads"] == json::parse(R"([{"name": "main", "types": ["Chemical", "Disease"], "tags": )" +
                                          listed[0]["tags"].dump() + "}]"));
}
