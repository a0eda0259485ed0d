#include "io/atomic_file.h"

#include "core/error.h"
#include "core/fault_point.h"
#include "io/file_identity.h"
#include "io/temp_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ostream>
#include <streambuf>
#include <vector>

namespace medner {
namespace {

std::string io_message(const std::string& path, const std::string& operation, int err) {
  return fmt::format("{}: cannot {}: {}", path, operation, std::strerror(err));
}

// Writes all n bytes, retrying on EINTR and short writes. Returns 0 or the errno.
int write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return 0;
}

// Makes the rename itself durable. Filesystems that cannot sync a directory say EINVAL; the
// rename is still atomic there, so that is not an error.
int sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  if (::fsync(fd) != 0 && errno != EINVAL) err = errno;
  ::close(fd);
  return err;
}

std::atomic<unsigned> temp_counter{0};

}  // namespace

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(io_message(path, "open", errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw IoError(io_message(path, "stat", err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError(io_message(path, "read", EISDIR));
  }
  // One read for a regular file; the loop also serves pipes and files that grow meanwhile.
  std::string out;
  std::size_t size = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
  out.resize(size > 0 ? size + 1 : 65536);
  std::size_t used = 0;
  for (;;) {
    if (used == out.size()) out.resize(out.size() * 2);
    const ssize_t r = ::read(fd, &out[used], out.size() - used);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw IoError(io_message(path, "read", err));
    }
    if (r == 0) break;
    used += static_cast<std::size_t>(r);
  }
  ::close(fd);
  out.resize(used);
  return out;
}

// A std::streambuf over a file descriptor. Small writes gather in a 64 KiB buffer, large ones go
// straight to write(). The first failed write's errno is kept for commit()'s message; after it
// every write fails, so the ostream turns bad.
class AtomicWriter::FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd), buf_(kSize) { setp(buf_.data(), buf_.data() + buf_.size()); }
  int error() const { return err_; }
  bool flush_buffer() {
    if (err_ == 0) err_ = write_all(fd_, pbase(), static_cast<std::size_t>(pptr() - pbase()));
    setp(buf_.data(), buf_.data() + buf_.size());
    return err_ == 0;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!flush_buffer()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const auto un = static_cast<std::size_t>(n);
    if (un <= static_cast<std::size_t>(epptr() - pptr())) {
      std::memcpy(pptr(), s, un);
      pbump(static_cast<int>(n));
      return n;
    }
    if (!flush_buffer()) return 0;
    if (un >= buf_.size()) {
      err_ = write_all(fd_, s, un);
      return err_ == 0 ? n : 0;
    }
    std::memcpy(pptr(), s, un);
    pbump(static_cast<int>(n));
    return n;
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  static constexpr std::size_t kSize = 1 << 16;
  int fd_;
  int err_ = 0;
  std::vector<char> buf_;
};

AtomicWriter::AtomicWriter(std::string path) : path_(std::move(path)), target_(follow_symlinks(path_)) {
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw IoError(io_message(path_, "write", EISDIR));
    // Blocks until a reader opens a FIFO, as `>` does.
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError(io_message(path_, "open for writing", errno));
  } else {
    remove_stale_temp_files(target_);
    // O_EXCL with a per-process counter: two writers (threads or processes) never share a
    // temporary file. Mode 0666 lets the umask decide, as for any file the user creates.
    for (;;) {
      tmp_ = fmt::format("{}.tmp.{}.{}", target_, ::getpid(), temp_counter.fetch_add(1));
      // Registered before it exists (io/temp_files.h): a SIGTERM just after the open would
      // otherwise leave the file.
      temp_slot_ = register_temp_file(tmp_);
      fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      const int err = errno;
      if (fd_ >= 0) break;
      unregister_temp_file(temp_slot_);
      temp_slot_ = -1;
      if (err == EINTR || err == EEXIST) continue;
      throw IoError(io_message(path_, fmt::format("create temporary file '{}'", tmp_), err));
    }
    fault_point("create");  // a signal here must find the file registered
    temp_file_created(temp_slot_);
  }
  buf_ = std::make_unique<FdBuf>(fd_);
  os_ = std::make_unique<std::ostream>(buf_.get());
}

AtomicWriter::~AtomicWriter() {
  if (!committed_) discard();
}

std::ostream& AtomicWriter::stream() { return *os_; }

void AtomicWriter::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  tmp_.clear();
  unregister_temp_file(temp_slot_);  // after the unlink: a signal in between finds the file gone
  temp_slot_ = -1;
}

void AtomicWriter::fail(const std::string& operation, int err) {
  discard();
  committed_ = true;  // nothing left to clean up
  throw IoError(io_message(path_, operation, err));
}

void AtomicWriter::commit() {
  MEDNER_CHECK(!committed_ && fd_ >= 0, "AtomicWriter for '{}' committed twice", path_);
  if (!buf_->flush_buffer()) fail("write", buf_->error());
  if (!*os_) fail("write", EIO);  // a failure the buffer did not see (should not happen)
  if (tmp_.empty()) {  // a device or FIFO: nothing to sync or rename
    const int fd = fd_;
    fd_ = -1;
    committed_ = true;
    if (::close(fd) != 0) throw IoError(io_message(path_, "write", errno));
    return;
  }
  if (::fsync(fd_) != 0) fail("sync", errno);
  fault_point("write");  // the window a kill must not tear: new data written, not yet renamed
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("write", errno);  // NFS reports deferred write errors here
  if (::rename(tmp_.c_str(), target_.c_str()) != 0)
    fail(fmt::format("rename '{}' over it", tmp_), errno);
  tmp_.clear();
  unregister_temp_file(temp_slot_);
  temp_slot_ = -1;
  committed_ = true;
  if (const int err = sync_dir(parent_dir(target_)); err != 0)
    throw IoError(io_message(path_, "sync its directory", err));
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicWriter w(path);
  w.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  w.commit();
}

}  // namespace medner
