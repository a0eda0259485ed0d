// medner-serve: tag text over HTTP/1.1 with one or more trained models, loaded once at start.
// POST /tag, GET /health, GET /models (lib/serve/handlers.h); the HTTP layer, limits, access
// log and SIGTERM handling are lib/serve/http_server.h. Exit codes: apps/common/app.h.
#include "common/app.h"
#include "core/error.h"
#include "options/abbreviation_options.h"
#include "serve/http_server.h"
#include "serve/model_registry.h"

#include <iostream>

namespace {

using medner::OptionKind;

struct ServeArgs {
  std::string models;  // NAME=PATH,... (every --model given, joined)
  int tag_threads = 0;
  medner::AbbreviationOptions abbreviations;
  medner::ServeOptions serve;
};

const medner::OptionTable<ServeArgs>& serve_options() {
  using A = ServeArgs;
  using medner::ServeOptions;
  auto opt = [](auto member) { return [member](A& a) -> auto& { return a.serve.*member; }; };
  auto limit = [](auto member) { return [member](A& a) -> auto& { return a.serve.limits.*member; }; };
  static const medner::OptionTable<A> table = [&] {
    medner::OptionTable<A> t = {
      medner::text_option<A>("model", OptionKind::String, &A::models, "",
                             "NAME=PATH of a model from medner-train (repeat it, or separate with commas; the first "
                             "is the default)"),
      medner::text_option<A>("host", OptionKind::String, opt(&ServeOptions::host), "127.0.0.1",
                             "address to listen on (0.0.0.0: every interface)"),
      medner::int_option<A>("port", opt(&ServeOptions::port), 8080, 0, "TCP port (0: any free port, named on stderr)",
                            65535),
      medner::int_option<A>("threads", opt(&ServeOptions::threads), 64, 1,
                            "HTTP threads: connections served at once (a keep-alive client holds one; they wait "
                            "for the tagging threads)",
                            medner::kMaxThreads),
      medner::int_option<A>("tag-threads", &A::tag_threads, 0, 0,
                            "tagging threads of each model (0: one per core); concurrent requests' texts are "
                            "tagged together in batches",
                            medner::kMaxThreads),
      medner::int_option<A>("max-body", opt(&ServeOptions::max_body), 1 << 20, 1,
                            "largest request body in bytes (larger: 413)"),
      medner::int_option<A>("max-texts", limit(&medner::ServeLimits::max_texts), 1000, 1,
                            "most texts in one request (more: 413)"),
      medner::real_option<A>("max-seconds", limit(&medner::ServeLimits::max_seconds), "30", 0, 86400, true,
                             "time to read, tag and write one request (longer: 503, or the connection is closed)"),
    };
    for (auto& o : medner::nested_options(medner::abbreviation_options(), &A::abbreviations)) t.push_back(std::move(o));
    return t;
  }();
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace medner;
  return run_app("medner-serve", "try a smaller --max-body or --max-texts, or fewer models", [&] {
    cxxopts::Options o("medner-serve", "Tag text over HTTP with trained medner models.");
    o.add_options()("h,help", "print this help");
    add_version_option(o);
    const std::vector<OptionInfo> infos = option_infos(serve_options());
    add_table_options(o, infos);
    cxxopts::ParseResult r = o.parse(argc, argv);
    if (r.count("help") != 0) {
      std::cout << o.help();
      return kExitOk;
    }
    if (print_version(r)) return kExitOk;
    ConfigMap given = given_options(r, infos);
    std::string models;  // --model may be repeated: cxxopts keeps the last, the arguments keep all
    for (const cxxopts::KeyValue& kv : r.arguments())
      if (kv.key() == "model") models += (models.empty() ? "" : ",") + kv.value();
    for (auto& [key, value] : given)
      if (key == "model") value = models;
    ServeArgs a;
    std::vector<std::pair<std::string, std::string>> specs;
    try {
      a = parse_options(serve_options(), given);
      if (a.models.empty()) throw UsageError("--model is required");
      specs = parse_model_specs({a.models});
    } catch (const InputError& e) {
      throw UsageError(e.what());
    }
    const ModelRegistry registry(specs, a.tag_threads, a.abbreviations);
    for (const auto& [name, path] : specs) std::cerr << "medner-serve: model " << name << " = " << path << "\n";
    serve_http(registry, a.serve, std::cerr);
    return kExitOk;
  });
}
