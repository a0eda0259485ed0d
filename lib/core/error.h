// The three kinds of failure (STYLE.md section 6): bad user input, broken invariants (bugs), I/O.
// Library code throws; only apps/ catch and map to exit codes.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace medner {

// Bad input from the user: data files, configs, command line, model files.
// The message starts with the user's location ("path:line: ...").
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A command line that cannot be run as given: a missing or unknown option, options that do not
// go together, a value out of range. The apps exit with 2 for it (1 for the others).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A broken invariant: the message carries medner's own source location.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// A failed open/read/write: the message carries the path and the operation.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Numerical fault (NaN/Inf) found by a finite check.
class NumericError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void throw_internal(const char* file, int line, const char* cond, const std::string& msg);

}  // namespace medner

#define MEDNER_CHECK(cond, ...)                                                          \
  do {                                                                                   \
    if (!(cond)) ::medner::throw_internal(__FILE__, __LINE__, #cond, fmt::format(__VA_ARGS__)); \
  } while (0)
