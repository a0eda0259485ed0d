#include "io/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <ostream>

namespace medner {

bool progress_wanted(ProgressMode mode, bool results_to_stdout) {
  if (mode != ProgressMode::Auto) return mode == ProgressMode::Always;
  return isatty(STDERR_FILENO) == 1 && !(results_to_stdout && isatty(STDOUT_FILENO) == 1);
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::chrono::milliseconds interval)
    : out_(out), enabled_(enabled), interval_(interval), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { clear(); }

bool ProgressBar::due(bool force) const {
  if (!enabled_) return false;
  return force || !drawn_ || std::chrono::steady_clock::now() - last_ >= interval_;
}

void ProgressBar::draw(const std::string& line) {
  if (!enabled_) return;
  last_ = std::chrono::steady_clock::now();
  out_ << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

void ProgressBar::clear() {
  if (drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

double ProgressBar::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string progress_gauge(double fraction, int width) {
  const int filled = std::clamp(static_cast<int>(fraction * width), 0, width);
  return "[" + std::string(static_cast<std::size_t>(filled), '=') + std::string(static_cast<std::size_t>(width - filled), ' ') +
         "]";
}

}  // namespace medner
