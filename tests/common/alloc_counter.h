// Counts every global operator new of a test binary, so a test can assert that a code region
// makes no heap allocation through new (std::vector, std::string, the tape arena's blocks, ...).
// Every plain and nothrow form is replaced, all on malloc/free, so that under ASan allocation and
// release still pair up (the over-aligned forms are left to the runtime, which pairs them
// itself). The replacements are definitions, not declarations: include this header from exactly
// ONE .cpp file of a test binary (a second would be a duplicate definition at link time).
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace medner::test {
inline std::atomic<long> g_news{0};
// Allocations through operator new so far.
inline long allocations() { return g_news.load(); }
inline void* counted_malloc(std::size_t n) {
  ++g_news;
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace medner::test

void* operator new(std::size_t n) {
  if (void* p = medner::test::counted_malloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return medner::test::counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return medner::test::counted_malloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
