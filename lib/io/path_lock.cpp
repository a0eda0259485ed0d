#include "io/path_lock.h"

#include "core/error.h"
#include "io/file_identity.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace medner {
namespace {

std::string read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

// True when fd is still the file at `path`: the owner removes the lock file before it releases
// the lock, so a process that opened the old file and locked it after the release holds a lock
// on nothing and must open the path again.
bool still_linked(int fd, const std::string& path) {
  struct stat a {}, b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

PathLock::PathLock(const std::string& path, const std::string& option) {
  const std::string target = follow_symlinks(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return;
  lock_path_ = target + ".lock";
  for (;;) {
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw IoError(fmt::format("{}: cannot create lock file '{}': {}", path, lock_path_, std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string pid = read_pid(fd_);
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK)
        throw IoError(fmt::format("{}: in use by another process (pid {}, lock file {}); wait for it to finish or "
                                  "give another {}",
                                  path, pid, lock_path_, option));
      throw IoError(fmt::format("{}: cannot lock '{}': {}", path, lock_path_, std::strerror(err)));
    }
    if (still_linked(fd_, lock_path_)) break;
    ::close(fd_);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::unlink(lock_path_.c_str());
    ::close(fd_);
    throw IoError(fmt::format("{}: cannot write lock file '{}': {}", path, lock_path_, std::strerror(err)));
  }
}

PathLock::~PathLock() {
  if (fd_ < 0) return;
  ::unlink(lock_path_.c_str());
  ::close(fd_);
}

}  // namespace medner
