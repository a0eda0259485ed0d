// One owner per output path (io/path_lock.h): a second lock fails naming the first's pid, the
// lock file goes with its owner, and a lock file left by a killed owner is taken over.
#include "io/path_lock.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "common/temp_dir.h"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

using namespace medner;
using medner_test::TempDir;

TEST_CASE("path lock: the second taker is refused with the owner's pid; the lock file goes with it") {
  TempDir dir;
  const std::string model = dir.file("m.bin");
  {
    PathLock first(model, "--model");
    CHECK(first.lock_path() == model + ".lock");
    CHECK(read_file(model + ".lock") == std::to_string(getpid()) + "\n");
    std::string msg;
    try {
      PathLock second(model, "--model");
    } catch (const IoError& e) {
      msg = e.what();
    }
    CHECK(msg == model + ": in use by another process (pid " + std::to_string(getpid()) + ", lock file " + model +
                     ".lock); wait for it to finish or give another --model");
  }
  CHECK(dir.list().empty());
  PathLock again(model, "--model");  // free again
}

TEST_CASE("path lock: held across processes, and free when its owner is killed") {
  TempDir dir;
  const std::string model = dir.file("m.bin");
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    PathLock lock(model, "--model");
    (void)!write(ready[1], "r", 1);
    for (;;) pause();
  }
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  std::string msg;
  try {
    PathLock second(model, "--model");
  } catch (const IoError& e) {
    msg = e.what();
  }
  CHECK(msg.find("(pid " + std::to_string(pid) + ",") != std::string::npos);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  CHECK(std::filesystem::exists(model + ".lock"));  // left behind, but no longer locked
  PathLock taken(model, "--model");
  CHECK(read_file(model + ".lock") == std::to_string(getpid()) + "\n");
  close(ready[0]);
  close(ready[1]);
}
