// An exclusive advisory lock on an output path, held by a process while it owns the path: two
// trainings given the same --model (or checkpoint) would otherwise both run, overwrite each
// other's checkpoints and leave a model from whichever finished last. The lock is flock() on
// "<path>.lock" (symbolic links of `path` followed), which holds the owner's pid for the message
// the second process prints; the kernel releases it when the owner dies however it dies, so a
// lock file left by a killed run is stale and taken over, never an obstacle. A path that is a
// device or a FIFO (--model /dev/null) is not a file anyone could take over, and gets no lock.
#pragma once

#include <string>

namespace medner {

class PathLock {
 public:
  // Takes the lock or throws IoError "<path>: in use by another process (pid N, lock file
  // <path>.lock); ...". `option` names what the path is for in that message ("--model").
  PathLock(const std::string& path, const std::string& option);
  ~PathLock();  // removes the lock file, then releases the lock
  PathLock(const PathLock&) = delete;
  PathLock& operator=(const PathLock&) = delete;

  const std::string& lock_path() const { return lock_path_; }  // "" when nothing is locked

 private:
  std::string lock_path_;
  int fd_ = -1;
};

}  // namespace medner
