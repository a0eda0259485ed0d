// A one-line progress bar on stderr, drawn only when stderr is a terminal (so logs and pipes get
// the per-epoch lines alone), redrawn at most every 0.2 s.
#pragma once

#include <chrono>
#include <iosfwd>

namespace medner {

class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& out);
  void update(int epoch, int done, int total, double tokens_per_second);
  void clear();  // erase the bar before a regular line

 private:
  std::ostream& out_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace medner
