#include "dist/agreement.h"

#include "core/error.h"

#include <fmt/format.h>

#include <cstring>

namespace medner {

uint64_t checksum64(const void* data, std::size_t bytes, uint64_t h) {
  constexpr uint64_t kPrime = 0x100000001B3ULL;
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t word;
  for (; bytes >= sizeof word; bytes -= sizeof word, p += sizeof word) {
    std::memcpy(&word, p, sizeof word);
    h = (h ^ word) * kPrime;
  }
  if (bytes > 0) {
    word = 0;
    std::memcpy(&word, p, bytes);
    h = (h ^ word ^ (uint64_t(bytes) << 56)) * kPrime;  // the length tells "ab" from "ab\0"
  }
  return h;
}

void require_agreement(Communicator& comm, uint64_t value, const std::string& what,
                       const std::string& hint) {
  const std::vector<uint64_t> all = comm.allgather(value);
  bool same = true;
  for (uint64_t v : all) same = same && v == all.front();
  if (same) return;
  std::string list;
  for (std::size_t r = 0; r < all.size(); ++r)
    list += fmt::format("{}rank {} {:016x}", r > 0 ? ", " : "", r, all[r]);
  throw InternalError(fmt::format("ranks disagree on {} (checksums: {}){}", what, list, hint));
}

}  // namespace medner
