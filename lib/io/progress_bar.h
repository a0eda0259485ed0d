// A one-line progress display on stderr, redrawn in place (carriage return, erase the line) at
// most once per interval, so that a fast loop costs no terminal writes; medner-train draws its
// epochs with it, medner-tag the lines it has tagged. The callers format the line.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

namespace medner {

// --progress: auto shows the line when stderr is a terminal that the results do not go to (a
// line redrawn between the output lines of a terminal would garble them).
enum class ProgressMode { Auto, Always, Never };
bool progress_wanted(ProgressMode mode, bool results_to_stdout);

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::chrono::milliseconds interval);
  ~ProgressBar();  // clears the line, also when an error unwinds past it (before its message)
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Whether a draw now would be shown: enabled, and nothing drawn yet or the last draw at least
  // one interval ago (or `force`: the last state, say 100%).
  bool due(bool force = false) const;
  void draw(const std::string& line);
  void clear();  // erase the line before a regular line
  double seconds() const;  // since construction: for rates

 private:
  std::ostream& out_;
  bool enabled_;
  std::chrono::milliseconds interval_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_{};
};

// "[=====     ]": `fraction` (0 to 1) of `width` cells filled.
std::string progress_gauge(double fraction, int width);

}  // namespace medner
