#include "common/app.h"

#include "core/error.h"
#include "core/version.h"

#include <iostream>
#include <new>

namespace medner {

void add_table_options(cxxopts::Options& options, const std::vector<OptionInfo>& table) {
  for (const OptionInfo& o : table) {
    std::string help = o.help;
    if (!o.default_value.empty()) help += " (default: " + o.default_value + ")";
    if (o.kind == OptionKind::Bool)
      options.add_options()(o.name, help, cxxopts::value<std::string>()->implicit_value("true"), "BOOL");
    else
      options.add_options()(o.name, help, cxxopts::value<std::string>(), o.kind == OptionKind::Path ? "FILE" : "VALUE");
  }
}

void add_version_option(cxxopts::Options& options) {
  options.add_options()("version", "print the version and exit");
}

bool print_version(const cxxopts::ParseResult& result) {
  if (result.count("version") == 0) return false;
  std::cout << "medner " << kVersion << "\n";
  return true;
}

ConfigMap given_options(const cxxopts::ParseResult& r, const std::vector<OptionInfo>& table, bool positional) {
  if (!positional && !r.unmatched().empty()) throw UsageError("unexpected argument '" + r.unmatched().front() + "'");
  ConfigMap given;
  for (const OptionInfo& o : table)
    if (r.count(o.name) != 0) given.emplace_back(o.name, r[o.name].as<std::string>());
  return given;
}

int print_failure(const std::string& message, int code) {
  std::cerr << "error: " << message << "\n";
  return code;
}

int run_app(const std::string& app, const std::string& out_of_memory_hint, const std::function<int()>& body,
            const FailureReport& report) {
  try {
    return body();
  } catch (const UsageError& e) {
    return report(std::string(e.what()) + " (see " + app + " --help)", kExitUsage);
  } catch (const cxxopts::exceptions::exception& e) {
    return report(std::string(e.what()) + " (see " + app + " --help)", kExitUsage);
  } catch (const std::bad_alloc&) {
    return report("out of memory (" + out_of_memory_hint + ")", kExitFailure);
  } catch (const std::exception& e) {
    return report(e.what(), kExitFailure);  // every log line ends with its newline
  }
}

}  // namespace medner
