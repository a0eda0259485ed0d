// What an atomic write does to targets that are not plain files (io/atomic_file.h): a symbolic
// link is followed and stays a link, a FIFO and a character device are written directly and stay
// what they are, a directory is refused; and the temporary files never outlive their writer: a
// signal removes them, and the next writer removes those of dead processes.
#include "io/atomic_file.h"
#include "io/temp_files.h"

#include "core/error.h"
#include "common/temp_dir.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>

using namespace medner;
using medner_test::TempDir;

namespace {

mode_t file_type(const std::string& path) {
  struct stat st {};
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_mode & S_IFMT;
}

// A pid that is not a live process: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

TEST_CASE("output targets: a symbolic link is followed; the link stays and its target is replaced") {
  TempDir dir;
  write_file_atomic(dir.file("real"), "old");
  REQUIRE(symlink("real", dir.file("link").c_str()) == 0);
  write_file_atomic(dir.file("link"), "new");
  CHECK(file_type(dir.file("link")) == S_IFLNK);
  CHECK(read_file(dir.file("real")) == "new");
  // A dangling link: the file it names is created.
  REQUIRE(symlink("made", dir.file("dangling").c_str()) == 0);
  write_file_atomic(dir.file("dangling"), "made");
  CHECK(file_type(dir.file("dangling")) == S_IFLNK);
  CHECK(read_file(dir.file("made")) == "made");
  CHECK(dir.list() == std::vector<std::string>{"dangling", "link", "made", "real"});
}

TEST_CASE("output targets: a FIFO is written directly and stays a FIFO") {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    got.assign(std::istreambuf_iterator<char>(in), {});
  });
  {
    AtomicWriter w(fifo);
    CHECK(w.temp_path().empty());
    w.stream() << "through the pipe\n";
    w.commit();
  }
  reader.join();
  CHECK(got == "through the pipe\n");
  CHECK(file_type(fifo) == S_IFIFO);
  CHECK(dir.list() == std::vector<std::string>{"pipe"});
}

TEST_CASE("output targets: /dev/null is written, not replaced") {
  write_file_atomic("/dev/null", "discarded");
  CHECK(file_type("/dev/null") == S_IFCHR);
  // Through a link too.
  TempDir dir;
  REQUIRE(symlink("/dev/null", dir.file("null").c_str()) == 0);
  write_file_atomic(dir.file("null"), "discarded");
  CHECK(file_type("/dev/null") == S_IFCHR);
  CHECK(file_type(dir.file("null")) == S_IFLNK);
}

TEST_CASE("output targets: a directory is refused") {
  TempDir dir;
  std::string msg;
  try {
    write_file_atomic(dir.path(), "x");
  } catch (const IoError& e) {
    msg = e.what();
  }
  CHECK(msg == dir.path() + ": cannot write: Is a directory");
}

TEST_CASE("output targets: temporaries of dead processes are removed, others' and other files kept") {
  TempDir dir;
  const std::string target = dir.file("out.txt");
  const std::string stale = target + ".tmp." + std::to_string(dead_pid()) + ".0";
  const std::string live = target + ".tmp." + std::to_string(getppid()) + ".3";  // a live process
  const std::string other = dir.file("other.txt.tmp." + std::to_string(dead_pid()) + ".0");  // another target's
  const std::string odd = target + ".tmp.notapid";
  for (const std::string& f : {stale, live, other, odd}) write_file_atomic(f, "x");
  write_file_atomic(target, "done");
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  CHECK(std::filesystem::exists(other));
  CHECK(std::filesystem::exists(odd));
  CHECK(read_file(target) == "done");
}

TEST_CASE("output targets: SIGINT, SIGTERM and SIGHUP remove the temporary file of a write in progress") {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    TempDir dir;
    const std::string target = dir.file("tagged.jsonl");
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // What a fresh process has (doctest catches SIGINT and SIGTERM itself).
      for (int s : {SIGINT, SIGTERM, SIGHUP}) signal(s, SIG_DFL);
      install_temp_file_cleanup();
      AtomicWriter w(target);
      w.stream() << "partial" << std::flush;
      (void)!write(ready[1], "r", 1);
      for (;;) pause();
    }
    char c = 0;
    REQUIRE(read(ready[0], &c, 1) == 1);
    CHECK(dir.list().size() == 1);  // the temporary file
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);  // it still dies of the signal
    CHECK(dir.list().empty());
    close(ready[0]);
    close(ready[1]);
  }
}
