// What the executables share: their options declared on cxxopts from an option table
// (options/option_table.h), the command line read back as the ConfigMap of the options given, and
// the one mapping of failures to exit codes: 0 success, 1 bad input or a runtime failure, 2 a
// usage error; each failure is one line "error: <message>" on stderr.
#pragma once

#include "options/option_table.h"

#include <cxxopts.hpp>

#include <functional>
#include <string>
#include <vector>

namespace medner {

constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2;

// Declares every option of the table (help with its default; Bool options take an optional
// value: --resume means --resume true).
void add_table_options(cxxopts::Options& options, const std::vector<OptionInfo>& table);

// --version, answered by print_version: "medner <version>" (core/version.h), the same line from
// every executable.
void add_version_option(cxxopts::Options& options);
// Prints the version line when the command line has --version; true if it did.
bool print_version(const cxxopts::ParseResult& result);

// The options of the table that the command line gives, in table order. UsageError for a stray
// argument when the command takes no positional ones.
ConfigMap given_options(const cxxopts::ParseResult& result, const std::vector<OptionInfo>& table,
                        bool positional = false);

// How a failure is reported: prints `message` (prefixed "error: ") and returns the exit code;
// medner-train under MPI aborts the job instead.
using FailureReport = std::function<int(const std::string& message, int code)>;
int print_failure(const std::string& message, int code);

// Runs `body` (which returns the exit code) and maps what it throws: UsageError and cxxopts'
// errors to 2 (with "(see APP --help)"), std::bad_alloc to 1 with `out_of_memory_hint`, every
// other exception to 1.
int run_app(const std::string& app, const std::string& out_of_memory_hint, const std::function<int()>& body,
            const FailureReport& report = print_failure);

}  // namespace medner
