// Crash-safe file output and checked file input. A file is written to a temporary file in the
// same directory ("<path>.tmp.<pid>.<n>"), flushed and fsync'ed, then rename()d over the target,
// and the directory is fsync'ed: a kill or power loss at any moment leaves either the old file
// or the complete new one, never a torn one. Any failure we see removes the temporary file and
// throws IoError "<path>: cannot <operation>: <reason>"; so do SIGINT, SIGTERM and SIGHUP, and
// the next writer of the same target removes those of killed processes (io/temp_files.h).
// A symbolic link is followed: the file it points to is replaced, the link stays. A target that
// exists and is not a regular file (a device such as /dev/null, a FIFO, a socket) is written
// directly, as a shell's `>` would: replacing it would destroy it, and a stream has no "old
// contents" to keep. Protocol: docs/file-formats.md.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace medner {

// The whole file in one read. IoError "<path>: cannot open: No such file or directory".
std::string read_file(const std::string& path);

// Replaces `path` with `bytes` atomically (see above).
void write_file_atomic(const std::string& path, std::string_view bytes);

// Streaming variant for large outputs (predictions, logs): write to stream(), then commit().
// Destroying the writer without commit() removes the temporary file and leaves the target as
// it was, so an exception thrown while producing the output loses nothing.
class AtomicWriter {
 public:
  // Creates the temporary file; IoError if the directory does not exist or is not writable.
  explicit AtomicWriter(std::string path);
  ~AtomicWriter();
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;

  std::ostream& stream();
  // Flush, fsync, close, rename over the target, fsync the directory. Any failure (including
  // an earlier failed write to stream(), e.g. a full disk) throws IoError and removes the
  // temporary file. Call once.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return tmp_; }  // "" when writing directly

 private:
  class FdBuf;
  [[noreturn]] void fail(const std::string& operation, int err);
  void discard() noexcept;  // closes and removes the temporary file

  std::string path_;
  std::string target_;  // path_ with its symbolic links followed
  std::string tmp_;
  int temp_slot_ = -1;  // io/temp_files.h
  int fd_ = -1;
  bool committed_ = false;
  std::unique_ptr<FdBuf> buf_;
  std::unique_ptr<std::ostream> os_;
};

}  // namespace medner
