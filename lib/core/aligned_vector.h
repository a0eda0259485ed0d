// std::vector with 64-byte aligned storage. Eigen's vectorised reductions peel unaligned leading
// elements at run time, so the summation order (and the float result) would depend on where the
// allocator happened to put a buffer; aligned buffers with aligned parameter offsets make a seed
// reproduce bit for bit. 64 bytes is also one cache line and one AVX-512 register.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace medner {

constexpr std::size_t kBufferAlign = 64;

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}  // NOLINT: rebinding must be implicit
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kBufferAlign)));
  }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(kBufferAlign)); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const AlignedAllocator<U>&) const { return false; }
};

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

}  // namespace medner
