// Shared by the libFuzzer targets: the contract every reader must keep on any input. A bad input
// may only be an InputError (or IoError) whose message is one line starting with the given
// location; anything else (InternalError, another exception, a crash, a sanitizer report) is a
// finding: fuzz_fail() aborts so that libFuzzer saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace medner_fuzz {

[[noreturn]] inline void fuzz_fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::abort();
}

inline void expect(bool ok, const std::string& what) {
  if (!ok) fuzz_fail(what);
}

// A reader's error message: one line, starting with `prefix` (the path the reader was given).
inline void check_message(const std::string& message, const std::string& prefix) {
  expect(message.rfind(prefix, 0) == 0, "message does not start with '" + prefix + "': " + message);
  expect(message.find('\n') == std::string::npos, "message is not one line: " + message);
  expect(message.size() < 2000, "message is " + std::to_string(message.size()) + " bytes long");
}

}  // namespace medner_fuzz
