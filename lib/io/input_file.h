// An input named on the command line ('-' for stdin) opened for reading: a regular file through
// a std::filebuf as before, anything else (a pipe, a FIFO, a terminal) through PipeInputBuf, so
// that a reader can ask whether the next line is there yet (io/pipe_input.h).
#pragma once

#include "io/pipe_input.h"

#include <fstream>
#include <istream>
#include <memory>
#include <string>

namespace medner {

class InputFile {
 public:
  // IoError "<path>: cannot open for reading: ..." (or "is a directory").
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::istream& stream() { return *in_; }
  const std::string& name() const { return name_; }  // "<stdin>" or the path
  // Whether reading may wait for a writer (not a regular file): line_ready() then says more.
  bool arrives() const { return pipe_ != nullptr; }
  bool line_ready() { return pipe_ == nullptr || pipe_->line_ready(); }
  // IoError if a read of a pipe failed (the stream saw its end there).
  void check() const;

 private:
  std::string name_;
  int fd_ = -1;  // owned when opened here (not stdin)
  std::unique_ptr<std::ifstream> file_;
  std::unique_ptr<PipeInputBuf> pipe_;
  std::unique_ptr<std::istream> pipe_stream_;
  std::istream* in_ = nullptr;
};

}  // namespace medner
