// Running one measurement of a benchmark in a forked child process, so that its peak resident
// memory (ru_maxrss from wait4) is its own and the parent never starts OpenMP (a forked libgomp
// thread pool is not usable). The child's results come back as "key value" lines through a pipe.
// Also the clocks: process CPU time, and a log sink that notes when training starts and ends.
// Shared by medner_bench and label_sweep.
#pragma once

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <streambuf>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace medner_bench {

using Clock = std::chrono::steady_clock;
using Results = std::map<std::string, double>;

inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

inline double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// A log sink that notes the wall and CPU clocks when the trainer logs its "data:" line (just
// before the first step) and its first "epoch" line (after the epoch and its dev evaluation), so
// the CPU time of the training steps can be told apart from loading the corpus and embeddings.
class LogClock : public std::streambuf {
 public:
  double wall_start = -1, cpu_start = -1, wall_end = -1, cpu_end = -1;

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return 0;
    line_ += static_cast<char>(c);
    if (c == '\n') {
      const double wall = std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
      if (line_.rfind("data:", 0) == 0) wall_start = wall, cpu_start = cpu_seconds();
      if (line_.rfind("epoch", 0) == 0 && wall_end < 0) wall_end = wall, cpu_end = cpu_seconds();
      line_.clear();
    }
    return c;
  }

 private:
  std::string line_;
};

struct ChildResult {
  Results values;
  double max_rss_mb = 0;
  double wall_seconds = 0, cpu_seconds = 0;  // of the whole child (user + system)
};

// Runs fn in a forked child; fn's "key value" lines come back through a pipe. Throws with the
// child's message if it failed.
inline ChildResult run_child(const std::string& what, const std::function<Results()>& fn) {
  std::cerr << "  " << what << " ..." << std::flush;
  const auto t0 = Clock::now();
  int fd[2];
  if (pipe(fd) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fd[0]);
    std::string out;
    int code = 0;
    try {
      for (const auto& [k, v] : fn()) out += fmt::format("{} {:.17g}\n", k, v);
    } catch (const std::exception& e) {
      out = std::string("error ") + e.what() + "\n";
      code = 1;
    }
    for (std::size_t at = 0; at < out.size();) {
      const ssize_t n = write(fd[1], out.data() + at, out.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    close(fd[1]);
    _exit(code);
  }
  close(fd[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(fd[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  ChildResult r;
  r.max_rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;  // kB on Linux
  r.wall_seconds = seconds_since(t0);
  r.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  std::istringstream in(text);
  std::string key;
  while (in >> key) {
    if (key == "error") {
      std::string rest;
      std::getline(in, rest);
      throw std::runtime_error(what + ": " + rest.substr(rest.empty() ? 0 : 1));
    }
    double v = 0;
    in >> v;
    r.values[key] = v;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(what + ": child process failed (status " + std::to_string(status) + ")");
  std::cerr << fmt::format(" {:.1f}s, {:.1f}s CPU\n", r.wall_seconds, r.cpu_seconds);
  return r;
}

}  // namespace medner_bench
