// Bump allocator for tape values, gradients and op scratch. clear() keeps the memory, and after a
// step that needed several blocks the next clear() merges them into one, so a steady-state
// training step makes no heap allocation.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace medner {

class Arena {
 public:
  static constexpr std::size_t kAlign = 64;

  // Returns kAlign-aligned, uninitialised bytes valid until clear().
  void* alloc_bytes(std::size_t bytes);
  template <class T>
  T* alloc(std::size_t n) {
    return static_cast<T*>(alloc_bytes(n * sizeof(T)));
  }
  void clear();
  std::size_t capacity() const;     // bytes owned
  std::size_t block_count() const { return blocks_.size(); }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::size_t current_ = 0;  // block being filled
  std::size_t offset_ = 0;   // bytes used in it
  std::size_t used_total_ = 0;
  std::size_t peak_total_ = 0;  // bytes used in the step before clear()
};

}  // namespace medner
