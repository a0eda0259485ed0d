// The body of POST /tag, read and checked: {"text": "..."} or {"texts": ["...", ...]}, with an
// optional "model" (a name from --model; the default if absent), "head" (a head of that model,
// for one trained on several corpora; its first if absent) and "nbest" (0 to kMaxNbest).
// Anything else is a RequestError with the HTTP status that says whose fault it is and a message
// naming the field, what was expected and what was found.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace medner {

// A request the server refuses: status 400 (malformed), 404 (unknown model), 413 (too large),
// 503 (over its time).
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct TagRequest {
  std::vector<std::string> texts;
  bool single = false;  // given as "text": answered with one object, not a list
  std::string model;    // "" = the default
  std::string head;     // "" = the model's first
  int nbest = 0;
};

// Parses and checks `body` (JSON); at most max_texts texts. A text may not hold U+0000
// (medner-tag refuses NUL bytes too); nlohmann-json has checked that the strings are UTF-8.
TagRequest parse_tag_request(const std::string& body, std::size_t max_texts);

}  // namespace medner
