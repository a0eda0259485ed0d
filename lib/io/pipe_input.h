// Input that arrives while it is read (a pipe, a FIFO, a terminal, a socket), read through a
// buffer this class owns, so that it can tell whether a whole line can be read without waiting:
// medner-tag then tags and writes the lines it holds instead of sitting on them while
// `tail -f` is quiet. Regular files are not read this way (their chunks stay as they were).
#pragma once

#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace medner {

// Whether `fd` is a regular file (reading it never waits for a writer).
bool fd_is_regular(int fd);

// A read-only streambuf over a file descriptor it does not own. A failed read(2) makes the
// stream bad (std::istream turns the exception into badbit; error() keeps the message).
class PipeInputBuf : public std::streambuf {
 public:
  PipeInputBuf(int fd, std::string name);
  // True when the next line (up to '\n', or the rest of the input at its end) is in the buffer
  // or can be read now; reads what the descriptor has without blocking to find out.
  bool line_ready();
  // Whether a read would return at once (bytes in the buffer or on the descriptor, its end, an
  // error): what a decompressor in front of this buffer asks instead of line_ready().
  bool bytes_ready();
  // The next `n` bytes (fewer at the end of the input), read and kept unread: InputFile looks at
  // the first two for gzip's magic. Waits until they have arrived.
  std::string_view peek(std::size_t n);
  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override;

 private:
  // Appends one read(2) to the buffer, keeping the unread bytes; false at the end or on error.
  bool fill();

  int fd_;
  std::string name_;
  std::vector<char> buf_;
  bool eof_ = false;
  std::string error_;
};

}  // namespace medner
