// What medner-serve answers, as JSON text in and JSON text out, with no sockets: the HTTP layer
// (serve/http_server.h) only routes to these and copies status and body. Every failure is a
// reply {"error": "..."} with its status, never an exception, so no request can crash the server.
#pragma once

#include "serve/model_registry.h"

#include <cstddef>
#include <string>

namespace medner {

struct Reply {
  int status = 200;
  std::string body;  // JSON
};

struct ServeLimits {
  std::size_t max_texts = 1000;  // texts in one POST /tag
  double max_seconds = 30;       // tagging time of one request, checked between batches of texts
};

// {"error": message} with `status`.
Reply error_reply(int status, const std::string& message);

// POST /tag (serve/tag_request.h). "text" gets medner-tag's JSON line for it with "model" in
// front: {"model": NAME, "text": ..., "entities": [...], ["nbest": [...]]}; "texts" gets
// {"model": NAME, "results": [one such line per text, in order]}. The lines are written by
// medner-tag's own writer (data/tag_output.h), so the entities are byte for byte the same.
Reply handle_tag(const ModelRegistry& models, const std::string& body, const ServeLimits& limits);

// GET /health: {"status": "ok", "version": ..., "models": [names], "tagging": [{"model", "workers",
// "batches", "texts"}]} (the batcher's counts so far: texts / batches is the mean batch).
Reply handle_health(const ModelRegistry& models);

// GET /models: {"models": [ModelRegistry::describe()...]}.
Reply handle_models(const ModelRegistry& models);

}  // namespace medner
