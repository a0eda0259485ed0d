#include "io/input_file.h"

#include "core/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace medner {

InputFile::InputFile(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    if (fd_is_regular(0)) {
      in_ = &std::cin;  // `< file`: read as it always was
      return;
    }
    pipe_ = std::make_unique<PipeInputBuf>(0, name_);
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": cannot read: is a directory, expected a file");
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::is_regular_file(st)) {
      file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
      if (!*file_) throw IoError(path + ": cannot open for reading: " + std::strerror(errno));
      in_ = file_.get();
      return;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // a FIFO's open waits for its writer
    if (fd_ < 0) throw IoError(path + ": cannot open for reading: " + std::strerror(errno));
    pipe_ = std::make_unique<PipeInputBuf>(fd_, name_);
  }
  pipe_stream_ = std::make_unique<std::istream>(pipe_.get());
  in_ = pipe_stream_.get();
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::check() const {
  if (pipe_ && !pipe_->error().empty()) throw IoError(pipe_->error());
}

}  // namespace medner
