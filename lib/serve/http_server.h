// medner-serve's HTTP/1.1 layer on cpp-httplib: routes POST /tag, GET /health and GET /models to
// serve/handlers.h, bounds the body, gives every error status a JSON body, writes one access
// log line per request, and stops on SIGTERM or SIGINT after the requests in flight are answered.
#pragma once

#include "serve/handlers.h"
#include "serve/model_registry.h"

#include <cstddef>
#include <ostream>
#include <string>

namespace medner {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                     // 0: an ephemeral port (the "listening" line names it)
  int threads = 64;                    // HTTP worker threads, each serving one connection at a time
  std::size_t max_body = 1024 * 1024;  // bytes of one request body
  ServeLimits limits;                  // texts and seconds per request (the seconds also bound reads and writes)
};

// Serves until SIGTERM or SIGINT, then stops accepting, answers what is in flight and returns.
// Prints "medner-serve: listening on http://HOST:PORT" on `log` once bound, then one line per
// request: "METHOD PATH STATUS BYTES ms". IoError when it cannot listen.
void serve_http(const ModelRegistry& models, const ServeOptions& options, std::ostream& log);

}  // namespace medner
