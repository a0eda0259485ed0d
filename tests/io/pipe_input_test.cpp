// PipeInputBuf over a real pipe: line_ready() is true exactly when a whole line (or the end of the
// input) can be read without waiting, a partial line is not a whole one, and the stream reads
// what was written, lines that span reads included.
#include "io/pipe_input.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <istream>
#include <string>
#include <thread>

using namespace medner;

namespace {
void write_all(int fd, const std::string& s) { REQUIRE(::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size())); }
}  // namespace

TEST_CASE("pipe input: line_ready waits for a whole line, then the end of the input") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  PipeInputBuf buf(fds[0], "<pipe>");
  std::istream in(&buf);
  CHECK_FALSE(buf.line_ready());  // nothing written yet
  write_all(fds[1], "first line\nsecond ");
  CHECK(buf.line_ready());
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "first line");
  CHECK_FALSE(buf.line_ready());  // "second " has no newline yet: reading it would wait
  // Longer than one read and than the pipe's buffer: written by a thread while line_ready()
  // takes in what has arrived, until the newline.
  std::thread writer([fd = fds[1]] {
    const std::string rest = std::string(100000, 'x') + "\n";
    for (std::size_t at = 0; at < rest.size();) {
      const ssize_t n = ::write(fd, rest.data() + at, rest.size() - at);
      if (n <= 0) return;
      at += static_cast<std::size_t>(n);
    }
  });
  bool ready = false;
  for (int i = 0; i < 10000 && !ready; ++i) {
    ready = buf.line_ready();
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(ready);
  const bool read = static_cast<bool>(std::getline(in, line));  // before join: it drains the pipe
  writer.join();
  REQUIRE(read);
  CHECK(line == "second " + std::string(100000, 'x'));
  write_all(fds[1], "last, without a newline");
  CHECK_FALSE(buf.line_ready());
  ::close(fds[1]);
  CHECK(buf.line_ready());  // the end of the input: the rest comes without waiting
  REQUIRE(std::getline(in, line));
  CHECK(line == "last, without a newline");
  CHECK(in.eof());
  CHECK_FALSE(std::getline(in, line));
  CHECK(buf.error().empty());
  ::close(fds[0]);
}

TEST_CASE("pipe input: fd_is_regular tells a pipe from a file") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  CHECK_FALSE(fd_is_regular(fds[0]));
  ::close(fds[0]);
  ::close(fds[1]);
}
