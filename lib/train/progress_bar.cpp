#include "train/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <ostream>
#include <string>

namespace medner {

ProgressBar::ProgressBar(std::ostream& out) : out_(out), enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(int epoch, int done, int total, double tokens_per_second) {
  if (!enabled_ || total <= 0) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const int width = 30;
  const int filled = done * width / total;
  out_ << fmt::format("\r\033[Kepoch {:3d} [{}{}] {:3d}% {:7.0f} tok/s", epoch, std::string(static_cast<std::size_t>(filled), '='),
                      std::string(static_cast<std::size_t>(width - filled), ' '), done * 100 / total, tokens_per_second)
       << std::flush;
  drawn_ = true;
}

void ProgressBar::clear() {
  if (drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace medner
