#include "io/input_file.h"

#include "core/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace medner {

namespace {
long long fd_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

// The first two bytes of stdin as a regular file (`< file`), read without consuming them:
// std::cin reads it afterwards as it always did.
std::string stdin_head() {
  char head[2];
  const off_t at = ::lseek(0, 0, SEEK_CUR);
  const ssize_t n = at < 0 ? -1 : ::pread(0, head, sizeof head, at);
  return std::string(head, n > 0 ? static_cast<std::size_t>(n) : 0);
}

// The first bytes of a pipe: one byte first, a second only after a 0x1f (gzip's first), so that
// a writer that sends one byte ("\n") and waits for its answer is not kept waiting.
std::string pipe_head(PipeInputBuf& pipe) {
  std::string head(pipe.peek(1));
  if (head == "\x1f") head = pipe.peek(2);
  return head;
}
}  // namespace

InputFile::InputFile(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  std::string head;
  if (path == "-") {
    if (fd_is_regular(0)) {
      size_ = fd_size(0);
      raw_ = std::cin.rdbuf();  // `< file`: read as it always was
      head = stdin_head();
    } else {
      pipe_ = std::make_unique<PipeInputBuf>(0, name_);
    }
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": cannot read: is a directory, expected a file");
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::is_regular_file(st)) {
      file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
      if (!*file_) throw IoError(path + ": cannot open for reading: " + std::strerror(errno));
      raw_ = file_->rdbuf();
      char bytes[2];
      head.assign(bytes, static_cast<std::size_t>(std::max<std::streamsize>(raw_->sgetn(bytes, 2), 0)));
      raw_->pubseekpos(0, std::ios::in);
      size_ = static_cast<long long>(std::filesystem::file_size(path, ec));
      if (ec) size_ = -1;
    } else {
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // a FIFO's open waits for its writer
      if (fd_ < 0) throw IoError(path + ": cannot open for reading: " + std::strerror(errno));
      pipe_ = std::make_unique<PipeInputBuf>(fd_, name_);
    }
  }
  if (pipe_) {
    raw_ = pipe_.get();
    head = pipe_head(*pipe_);
  }
  if (gzip_magic(head)) {
    gzip_ = std::make_unique<GzipInputBuf>(*raw_, name_, pipe_.get());
    own_stream_ = std::make_unique<std::istream>(gzip_.get());
  } else if (pipe_) {
    own_stream_ = std::make_unique<std::istream>(pipe_.get());
  }
  in_ = own_stream_ ? own_stream_.get() : file_ ? static_cast<std::istream*>(file_.get()) : &std::cin;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool InputFile::line_ready() {
  if (gzip_) return gzip_->line_ready();
  return pipe_ == nullptr || pipe_->line_ready();
}

double InputFile::fraction_read() const {
  if (pipe_ || size_ <= 0) return -1;
  // The position of the stored bytes: for `< file`, the descriptor's (ahead of the reader by
  // stdin's buffer, a few KB).
  const long long at = file_ ? static_cast<long long>(raw_->pubseekoff(0, std::ios::cur, std::ios::in))
                             : static_cast<long long>(::lseek(0, 0, SEEK_CUR));
  if (at < 0) return -1;
  return std::min(1.0, static_cast<double>(at) / static_cast<double>(size_));
}

void InputFile::check() const {
  if (pipe_ && !pipe_->error().empty()) throw IoError(pipe_->error());
  if (gzip_ && gzip_->error()) std::rethrow_exception(gzip_->error());
}

}  // namespace medner
