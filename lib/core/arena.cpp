#include "core/arena.h"

#include <algorithm>
#include <cstdint>

namespace medner {

namespace {
std::size_t round_up(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }
constexpr std::size_t kMinBlock = std::size_t{1} << 20;
}  // namespace

void* Arena::alloc_bytes(std::size_t bytes) {
  bytes = round_up(std::max<std::size_t>(bytes, 1), kAlign);
  while (current_ < blocks_.size() && offset_ + bytes > blocks_[current_].size) {
    ++current_;
    offset_ = 0;
  }
  if (current_ == blocks_.size()) {
    Block b;
    b.size = std::max({bytes, kMinBlock, used_total_});
    // operator new[] for std::byte is only guaranteed max_align_t; over-allocate and align.
    b.data.reset(new std::byte[b.size + kAlign]);
    blocks_.push_back(std::move(b));
    offset_ = 0;
  }
  std::byte* base = blocks_[current_].data.get();
  auto addr = reinterpret_cast<std::uintptr_t>(base);
  std::size_t shift = round_up(addr, kAlign) - addr;
  void* p = base + shift + offset_;
  offset_ += bytes;
  used_total_ += bytes;
  return p;
}

void Arena::clear() {
  peak_total_ = std::max(peak_total_, used_total_);
  if (blocks_.size() > 1) {
    // Merge into one block big enough for the largest step so far.
    std::size_t total = 0;
    for (const Block& b : blocks_) total += b.size;
    blocks_.clear();
    Block b;
    b.size = std::max(total, peak_total_);
    b.data.reset(new std::byte[b.size + kAlign]);
    blocks_.push_back(std::move(b));
  }
  current_ = 0;
  offset_ = 0;
  used_total_ = 0;
}

std::size_t Arena::capacity() const {
  std::size_t total = 0;
  for (const Block& b : blocks_) total += b.size;
  return total;
}

}  // namespace medner
