// parse_tag_request: the accepted shapes of a POST /tag body, and for every malformed one the
// status (400 malformed, 413 too many texts) and a message naming the field.
#include "model/tagging.h"
#include "serve/tag_request.h"

#include <doctest/doctest.h>

#include <string>

using namespace medner;

namespace {
// The status and message parse_tag_request refuses `body` with (0 if it accepts it).
std::pair<int, std::string> refusal(const std::string& body, std::size_t max_texts = 10) {
  try {
    parse_tag_request(body, max_texts);
  } catch (const RequestError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}
}  // namespace

TEST_CASE("tag request: text, texts, model and nbest are read") {
  TagRequest one = parse_tag_request(R"({"text": "Tay-Sachs disease"})", 10);
  CHECK(one.single);
  CHECK(one.texts == std::vector<std::string>{"Tay-Sachs disease"});
  CHECK(one.model.empty());
  CHECK(one.nbest == 0);
  TagRequest many = parse_tag_request(R"({"texts": ["a", "", "b\u00e9"], "model": "m2", "nbest": 3})", 10);
  CHECK_FALSE(many.single);
  CHECK(many.texts == std::vector<std::string>{"a", "", "b\xc3\xa9"});
  CHECK(many.model == "m2");
  CHECK(many.nbest == 3);
  CHECK(parse_tag_request(R"({"texts": []})", 10).texts.empty());
  CHECK(parse_tag_request(R"({"texts": ["a", "b"]})", 2).texts.size() == 2);
}

TEST_CASE("tag request: each malformed body is refused with its status and the field it names") {
  struct Case {
    const char* body;
    int status;
    const char* says;
  };
  const Case cases[] = {
      {R"({"text": "a")", 400, "malformed JSON"},
      {"", 400, "malformed JSON"},
      {"{\"text\": \"\xff\"}", 400, "malformed JSON"},  // not UTF-8
      {R"(["a"])", 400, "expected a JSON object"},
      {R"({})", 400, "missing field"},
      {R"({"model": "m"})", 400, "missing field"},
      {R"({"text": "a", "texts": ["b"]})", 400, "not both"},
      {R"({"text": 5})", 400, "\"text\": expected a string, got an integer"},
      {R"({"text": null})", 400, "\"text\": expected a string, got null"},
      {R"({"texts": "a"})", 400, "\"texts\": expected an array of strings, got a string"},
      {R"({"texts": ["a", {"b": 1}]})", 400, "\"texts[1]\": expected a string, got an object"},
      {R"({"text": "a", "model": 3})", 400, "\"model\": expected a string"},
      {R"({"text": "a", "nbest": "3"})", 400, "\"nbest\": expected an integer"},
      {R"({"text": "a", "nbest": 1.5})", 400, "\"nbest\": expected an integer"},
      {R"({"text": "a", "nbest": -1})", 400, "\"nbest\": expected an integer from 0 to 100, got -1"},
      {R"({"text": "a", "nbest": 101})", 400, "got 101"},
      {R"({"text": "a", "nbest": 18446744073709551615})", 400, "\"nbest\""},
      {R"({"txt": "a", "text": "b"})", 400, "unknown field \"txt\""},
      {R"({"text": "a\u0000b"})", 400, "U+0000"},
      {R"({"texts": ["1","2","3","4","5","6","7","8","9","10","11"]})", 413, "11 texts, at most 10"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    const auto [status, message] = refusal(c.body);
    CHECK(status == c.status);
    CHECK(message.find(c.says) != std::string::npos);
  }
}
