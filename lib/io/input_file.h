// An input named on the command line ('-' for stdin) opened for reading: a regular file through
// a std::filebuf as before, anything else (a pipe, a FIFO, a terminal) through PipeInputBuf, so
// that a reader can ask whether the next line is there yet (io/pipe_input.h). Input that starts
// with gzip's magic bytes is decompressed on the way (io/gzip_input.h), whatever its name.
#pragma once

#include "io/gzip_input.h"
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
  bool gzip() const { return gzip_ != nullptr; }
  // Whether reading may wait for a writer (not a regular file): line_ready() then says more.
  bool arrives() const { return pipe_ != nullptr; }
  bool line_ready();
  // How much of a regular file has been read, 0 to 1 (of its compressed bytes when it is gzip);
  // -1 for input that arrives (its size is not known).
  double fraction_read() const;
  // IoError if a read of a pipe failed, InputError if gzip data was corrupt or truncated (the
  // stream saw its end there). Called after a reader failed, it names the cause: a reader that
  // gets a stream cut short may complain about the cut first.
  void check() const;

 private:
  std::string name_;
  int fd_ = -1;        // owned when opened here (not stdin)
  long long size_ = -1;  // of a regular file, in bytes
  std::unique_ptr<std::ifstream> file_;
  std::unique_ptr<PipeInputBuf> pipe_;
  std::unique_ptr<GzipInputBuf> gzip_;
  std::unique_ptr<std::istream> own_stream_;
  std::streambuf* raw_ = nullptr;  // the bytes as stored (compressed or not)
  std::istream* in_ = nullptr;
};

}  // namespace medner
