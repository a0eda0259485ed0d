#include "io/pipe_input.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace medner {

namespace {
constexpr std::size_t kReadSize = 64 * 1024;

// Whether read(2) on fd would return at once (data, end of input or an error).
bool fd_readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, 0);
  } while (r < 0 && errno == EINTR);
  // An error of poll itself: say "readable", and let the blocking read report it.
  return r != 0;
}
}  // namespace

bool fd_is_regular(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

PipeInputBuf::PipeInputBuf(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
  setg(nullptr, nullptr, nullptr);
}

bool PipeInputBuf::fill() {
  if (eof_ || !error_.empty()) return false;
  // Keep the unread bytes at the front, then read behind them: a line that spans reads stays
  // whole in the buffer, which line_ready() needs to find its '\n'.
  const std::size_t unread = static_cast<std::size_t>(egptr() - gptr());
  if (unread > 0 && gptr() != buf_.data()) std::memmove(buf_.data(), gptr(), unread);
  if (buf_.size() < unread + kReadSize) buf_.resize(unread + kReadSize);
  ssize_t n;
  do {
    n = ::read(fd_, buf_.data() + unread, kReadSize);
  } while (n < 0 && errno == EINTR);
  if (n < 0) error_ = name_ + ": read failed: " + std::strerror(errno);
  if (n == 0) eof_ = true;
  const std::size_t got = n > 0 ? static_cast<std::size_t>(n) : 0;
  setg(buf_.data(), buf_.data(), buf_.data() + unread + got);
  return got > 0;
}

PipeInputBuf::int_type PipeInputBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!fill()) return traits_type::eof();
  return traits_type::to_int_type(*gptr());
}

bool PipeInputBuf::line_ready() {
  for (;;) {
    if (std::find(gptr(), egptr(), '\n') != egptr()) return true;
    if (eof_ || !error_.empty()) return true;  // the rest, or the error, comes without waiting
    if (!fd_readable_now(fd_)) return false;
    fill();
  }
}

bool PipeInputBuf::bytes_ready() {
  return gptr() < egptr() || eof_ || !error_.empty() || fd_readable_now(fd_);
}

std::string_view PipeInputBuf::peek(std::size_t n) {
  while (static_cast<std::size_t>(egptr() - gptr()) < n && fill()) {
  }
  return std::string_view(gptr(), std::min(n, static_cast<std::size_t>(egptr() - gptr())));
}

}  // namespace medner
